package destform

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/kek"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// startKEKServer is startServer with organisation-held keys offered.
func startKEKServer(t *testing.T) (url, fingerprint string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kek")
	if err := kek.Generate(path); err != nil {
		t.Fatal(err)
	}
	ring, err := kek.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cairntest.Server(t, cairntest.Options{Configure: func(o *server.Options) { o.KEK = ring }})
}

// A server that keeps keys for the organisation gets the option "Your
// organisation keeps the key", which says who can read the backup; the
// archive it makes opens on another computer of the person's with no
// password of its own.
func TestAddWithTheOrganisationKeepingTheKey(t *testing.T) {
	h := newHarness(t)
	url, fp := startKEKServer(t)
	f := h.serverForm(t, url)
	test.Type(f.server.fingerprint, fp)
	h.q.Wait(t, "the organisation's option", func() bool { return slices.Contains(f.server.key.modes, device.KeyOrganisation) })
	if !slices.Contains(f.server.key.choice.Options, "Your organisation keeps the key (restore with your sign-in alone)") {
		t.Fatalf("options %q", f.server.key.choice.Options)
	}
	f.server.key.choose(device.KeyOrganisation)
	if note := f.server.key.note.String(); !strings.Contains(note, "its IT department can read your backup") {
		t.Fatalf("the option does not say who can read the backup: %q", note)
	}
	test.Type(f.server.password, "account password")
	f.Submit()
	h.q.Wait(t, "signed in", func() bool { return !f.Busy() })
	d, ok := h.destination("127.0.0.1")
	if !ok || f.Problem() != "" || d.KeyMode != string(device.KeyOrganisation) {
		t.Fatalf("destination %+v, problem %q", d, f.Problem())
	}
	other := uitest.NewDevice(t).Dev
	if res, err := other.AddServerDestinationWithKey(context.Background(), signIn(url, fp), device.KeyOptions{Mode: device.KeyOrganisation},
		fixed("never asked"), crypt.TestKDF); err != nil || res.Created {
		t.Fatalf("the organisation's key does not open the archive: %+v %v", res, err)
	}
}

// A server without it never shows the option; one chosen goes away with it.
func TestOrganisationOptionOnlyWhenOffered(t *testing.T) {
	h := newHarness(t)
	url, fp := startServer(t)
	f := h.serverForm(t, url)
	test.Type(f.server.fingerprint, fp)
	h.q.Wait(t, "the server's answer", func() bool { return f.server.sso.Known })
	if slices.Contains(f.server.key.modes, device.KeyOrganisation) || len(f.server.key.choice.Options) != 3 {
		t.Fatalf("offered by a server without it: %q", f.server.key.choice.Options)
	}
	k := newKeyChoice()
	k.offerOrganisation(true)
	k.choose(device.KeyOrganisation)
	k.offerOrganisation(false)
	if k.mode() != device.KeyPassword || len(k.choice.Options) != 3 {
		t.Errorf("after the server stopped offering it: %s, %q", k.mode(), k.choice.Options)
	}
}
