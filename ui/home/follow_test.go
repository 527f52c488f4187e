package home

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/ui/uitest"
	"github.com/cairnbackup/cairn/ui/words"
)

// newFreshHarness is newHarness before the first backup.
func newFreshHarness(t *testing.T) *harness {
	t.Helper()
	test.NewTempApp(t)
	uitest.UseEnglish()
	a := uitest.NewDevice(t) // no backup yet: the service makes the first
	h := &harness{a: a, svc: service.New(a.Dev), q: &uitest.Queue{}}
	h.w = test.NewTempWindow(t, widget.NewLabel(""))
	h.w.Resize(uitest.Size)
	h.s = New(h.w, Deps{Device: a.Dev, Service: h.svc, Do: h.q.Do})
	t.Cleanup(h.s.Close)
	h.w.SetContent(h.s.Object())
	return h
}

var filesChanged = regexp.MustCompile(`, ([0-9]+) files? changed\)$`)

// The destination's card follows the service while it is shown: the
// first backup says how many files it backed up, and a save backed up in a
// blink (a pass too short to show "Backing up") updates what is stored,
// without going to another screen and back.
func TestCardsFollowTheService(t *testing.T) {
	h := newFreshHarness(t)
	h.s.Shown()
	h.serve(t)
	h.q.Wait(t, "the first backup", func() bool { return strings.HasPrefix(h.stateLine(), "Safe as of") })
	c := h.card(t)
	h.q.Wait(t, "the card to show the first backup", func() bool { return filesChanged.MatchString(c.last.Text) })
	if m := filesChanged.FindStringSubmatch(c.last.Text); m[1] == "0" {
		t.Fatalf("the first backup says %q", c.last.Text)
	}
	stored := c.stored.Text

	// A new file: the card says more is stored, by itself.
	big := strings.Repeat("a file that makes the archive grow ", 30_000)
	h.a.Write(t, map[string]string{"Documents/big.txt": big})
	h.q.Wait(t, "the card to show what is stored now", func() bool { return c.stored.Text != stored })
	h.q.Wait(t, "the card to count the new file", func() bool {
		return strings.HasSuffix(c.last.Text, ", 1 file changed)")
	})
}

// Paused says until when, and how many changes wait; not that changes are
// backed up within seconds.
func TestPausedSaysUntilWhenAndWhatWaits(t *testing.T) {
	h := newHarness(t)
	h.s.Shown()
	h.serve(t)
	h.q.Wait(t, "the first pass", func() bool { return strings.HasPrefix(h.stateLine(), "Safe as of") })
	h.q.Wait(t, "the watcher", func() bool { return h.svc.State().Watching.Folders > 0 })
	test.Tap(h.s.header.pause)
	tapText(t, h.w, "Pause for 4 hours")
	until := words.When(h.svc.State().PausedUntil, time.Now())
	h.q.Wait(t, "paused", func() bool { return h.stateLine() == "Paused until "+until })
	h.a.Write(t, map[string]string{"Documents/while paused.txt": "written while paused"})
	h.q.Wait(t, "the change to be counted", func() bool {
		return h.stateLine() == "Paused until "+until+"; 1 change waits"
	})
	if h.shows("within seconds") || !h.shows("wait until backups resume") {
		t.Fatalf("the watching card says %q", h.s.watching.watching.Text)
	}
	if !h.s.header.next.Hidden && h.s.header.next.Text != "" {
		t.Fatalf("paused, yet %q", h.s.header.next.Text)
	}
	// Resumed: the change is backed up and nothing waits.
	test.Tap(h.s.header.pause)
	h.q.Wait(t, "the change backed up", func() bool {
		st := h.svc.State()
		return st.ChangesWaiting == 0 && strings.HasPrefix(h.stateLine(), "Safe as of")
	})
	if _, ok, _ := h.a.Dev.Lookup(context.Background(), "", h.a.ArchivePath("Documents/while paused.txt"), index.View{At: index.Latest}); !ok {
		t.Fatal("the change made while paused is not backed up")
	}
}
