package home

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// A computer that another one replaced says so in words, with what to do,
// in the state line and on the destination's card: not a raw error chain
// next to "Ready".
func TestAReplacedComputerSaysSo(t *testing.T) {
	test.NewTempApp(t)
	uitest.UseEnglish()
	ctx := context.Background()
	url, fp := cairntest.Server(t, cairntest.Options{})
	a := uitest.NewDevice(t)
	if err := a.Dev.RemoveDestination(uitest.DestName); err != nil {
		t.Fatal(err)
	}
	_, err := a.Dev.AddServerDestination(ctx, device.ServerSignIn{Name: "Work", URL: url, User: "ana", Device: "Old laptop",
		Fingerprint: fp, Password: func() ([]byte, error) { return []byte(cairntest.AccountPassword), nil }},
		uitest.PasswordFunc, crypt.TestKDF)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Dev.Backup(ctx, "", device.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	id := a.Dev.Config().Destinations[0].DeviceID
	if _, err := remote.Adopt(ctx, url, fp, "ana", cairntest.AccountPassword, id, "New laptop", "linux"); err != nil {
		t.Fatal(err)
	}
	h := &harness{a: a, svc: service.New(a.Dev), q: &uitest.Queue{}}
	h.w = test.NewTempWindow(t, widget.NewLabel(""))
	h.w.Resize(uitest.Size)
	h.s = New(h.w, Deps{Device: a.Dev, Service: h.svc, Do: h.q.Do})
	t.Cleanup(h.s.Close)
	h.w.SetContent(h.s.Object())
	h.s.Shown()
	h.serve(t)
	h.q.Wait(t, "the state line to say the computer was replaced", func() bool {
		return strings.HasPrefix(h.stateLine(), "This computer was replaced by “New laptop” (")
	})
	problem := h.s.header.problem
	if !problem.Visible() || !strings.Contains(problem.Text, "remove the destination in Settings") {
		t.Fatalf("what to do: %q (shown %v)", problem.Text, problem.Visible())
	}
	c := h.s.cards["Work"]
	h.q.Wait(t, "the card to say so", func() bool {
		c = h.s.cards["Work"]
		return c != nil && strings.Contains(c.reach.Text, "replaced by “New laptop”")
	})
	if strings.Contains(c.reach.Text, "token") || strings.Contains(c.reach.Text, "https://") {
		t.Fatalf("the card says %q", c.reach.Text)
	}
}
