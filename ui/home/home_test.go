package home

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/ui/uitest"
)

func TestShowsTheDestinationAndItsLastBackup(t *testing.T) {
	h := newHarness(t)
	h.s.Shown()
	c := h.card(t)
	if c.card.Title != uitest.DestName || c.card.Subtitle == "" {
		t.Errorf("card %q / %q", c.card.Title, c.card.Subtitle)
	}
	if !strings.HasPrefix(c.last.Text, "Last backup: ") || !strings.Contains(c.last.Text, "files changed)") {
		t.Errorf("last backup: %q", c.last.Text)
	}
	if c.reach.Text != "Ready" || !strings.Contains(c.stored.Text, "stored") || !c.pending.Hidden {
		t.Errorf("reach %q, stored %q, pending shown %v", c.reach.Text, c.stored.Text, !c.pending.Hidden)
	}
	if !strings.Contains(h.s.selection.folders.Text, h.a.UserHome) ||
		!strings.Contains(h.s.selection.exclude.Text, "exclusions") {
		t.Errorf("selection: %q / %q", h.s.selection.folders.Text, h.s.selection.exclude.Text)
	}
	test.Tap(findButton(t, h, "Change…"))
	if h.manage != 1 {
		t.Error("Change… did not open Manage Files")
	}
}

// Back up now with a new file: the service backs it up, and Home follows
// the pass to "Safe as of".
func TestBackUpNow(t *testing.T) {
	h := newHarness(t)
	h.s.Shown()
	h.serve(t)
	h.q.Wait(t, "the first pass", func() bool { return strings.HasPrefix(h.stateLine(), "Safe as of") })
	h.a.Write(t, map[string]string{"Documents/new.txt": "written just now"})
	before := h.svc.State().LastSafe
	test.Tap(h.s.header.backupNow)
	h.q.Wait(t, "the pass after Back up now", func() bool {
		return h.svc.State().LastSafe.After(before) && strings.HasPrefix(h.stateLine(), "Safe as of")
	})
	if _, ok, err := h.a.Dev.Lookup(context.Background(), "", h.a.ArchivePath("Documents/new.txt"), index.View{At: index.Latest}); !ok || err != nil {
		t.Fatalf("the new file is not in the backup: %v", err)
	}
	// The card reads the status again once the pass ended.
	h.q.Wait(t, "the card to show the pass", func() bool {
		return strings.Contains(h.card(t).last.Text, "1 file changed")
	})
}

func TestUnreadableFilesAreListed(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	h := newHarness(t)
	locked := h.a.Path("Documents/report.txt")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o644) })
	h.s.Shown()
	h.serve(t)
	h.q.Wait(t, "the warning", func() bool { return h.s.warnings.acc.Visible() })
	if got := h.s.warnings.item.Title; got != "1 file could not be read" {
		t.Errorf("title %q", got)
	}
	if !h.shows(locked) || !h.shows("not allowed to read it") || !h.shows("Cairn tries again at the next backup") {
		t.Error("the file, why, or what to do is not shown")
	}
	if !strings.Contains(h.stateLine(), "some files could not be read") || h.s.header.problem.Visible() {
		t.Errorf("state %q, problem shown %v", h.stateLine(), h.s.header.problem.Visible())
	}
}

func TestPauseAndResume(t *testing.T) {
	h := newHarness(t)
	h.s.Shown()
	h.serve(t)
	h.q.Wait(t, "the first pass", func() bool { return strings.HasPrefix(h.stateLine(), "Safe as of") })
	test.Tap(h.s.header.pause)
	tapText(t, h.w, "Pause until I resume")
	h.q.Wait(t, "paused", func() bool { return h.stateLine() == "Paused until you resume" })
	if h.s.header.pause.Text != "Resume" {
		t.Fatalf("the button says %q", h.s.header.pause.Text)
	}
	test.Tap(h.s.header.pause)
	h.q.Wait(t, "resumed", func() bool { return h.s.header.pause.Text == "Pause" && !strings.HasPrefix(h.stateLine(), "Paused") })

	test.Tap(h.s.header.pause)
	tapText(t, h.w, "Pause for 1 hour")
	h.q.Wait(t, "paused for an hour", func() bool { return strings.HasPrefix(h.stateLine(), "Paused until ") })
	if until := h.svc.State().PausedUntil; until.Sub(time.Now()) < 59*time.Minute {
		t.Fatalf("paused until %v", until)
	}
}

func TestNoDestinationSaysWhatToDo(t *testing.T) {
	h := newHarness(t)
	if err := h.a.Dev.RemoveDestination(uitest.DestName); err != nil {
		t.Fatal(err)
	}
	h.s.Shown()
	h.q.Wait(t, "the call to action", func() bool { return h.s.showingNone })
	test.Tap(findButton(t, h, "Choose where to back up"))
	if h.choose != 1 {
		t.Fatal("the button did not start choosing a destination")
	}
	if h.s.header.backupNow.Visible() {
		t.Error("Back up now with nowhere to back up to")
	}
}

func TestProgressInWords(t *testing.T) {
	uitest.UseEnglish()
	for _, c := range []struct {
		p    backup.Progress
		want string
	}{
		{backup.Progress{Scanning: true, FilesSeen: 1}, "Looking for changes: 1 file checked"},
		{backup.Progress{FilesToRead: 3, FilesRead: 1, BytesToRead: 3_000_000, BytesRead: 1_000_000, Elapsed: time.Second},
			"2 files, 2.0 MB left, 1.0 MB/s"},
		{backup.Progress{FilesToRead: 2, FilesRead: 1, BytesToRead: 10}, "1 file, 10 B left"},
	} {
		if got := progressText(c.p); got != c.want {
			t.Errorf("progressText(%+v) = %q, want %q", c.p, got, c.want)
		}
	}
	if f := fraction(backup.Progress{BytesToRead: 4, BytesRead: 1}); f != 0.25 {
		t.Errorf("fraction %v", f)
	}
}
