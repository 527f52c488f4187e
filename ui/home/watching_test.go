package home

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/theme"

	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/engine/watch"
	"github.com/cairnbackup/cairn/ui/words"
)

// The real service watches the selection: Home says so, and when the next
// full scan runs.
func TestShowsWatchingAndTheNextScan(t *testing.T) {
	h := newHarness(t)
	h.s.Shown()
	h.serve(t)
	h.q.Wait(t, "the watcher", func() bool {
		return h.s.watching.card.Visible() && strings.HasPrefix(h.s.watching.watching.Text, "Watching ")
	})
	h.q.Wait(t, "the next scan", func() bool { return strings.HasPrefix(h.s.watching.scan.Text, "Next full scan: ") })
	if !strings.Contains(h.s.watching.watching.Text, "changes are backed up within seconds") {
		t.Errorf("watching: %q", h.s.watching.watching.Text)
	}
}

func TestWatchingInWords(t *testing.T) {
	h := newHarness(t)
	now := time.Now()
	h.s.showState(service.State{Phase: service.Idle, LastSafe: now,
		Watching: watch.Status{Folders: 1204}, NextScan: now.Add(time.Hour), LastScan: now.Add(-time.Hour)})
	if got, want := h.s.watching.watching.Text, "Watching 1,204 folders: changes are backed up within seconds"; got != want {
		t.Errorf("watching %q, want %q", got, want)
	}
	want := "Next full scan: " + words.When(now.Add(time.Hour), now) // "7 Dec 00:10" near midnight
	if got := h.s.watching.scan.Text; !strings.HasPrefix(got, want) || !strings.Contains(got, words.When(now.Add(-time.Hour), now)) {
		t.Errorf("scan %q", got)
	}
	if h.s.watching.problem.Visible() || h.s.header.away.Visible() || h.s.header.next.Text != "" {
		t.Error("a problem, an away limit or a next backup shows without one")
	}

	// Limited: what the limit leaves to the scans, from the watcher's data
	// (its Problem is English), instead.
	h.s.showState(service.State{Phase: service.Idle, LastSafe: now,
		Watching: watch.Status{Folders: 8192, Limit: 8192, Limited: true, Unwatched: 40, Problem: "(the engine's English)"}})
	limited := "This computer allows watching only 8,192 folders; 40 more are covered by the regular scans."
	if h.s.watching.watching.Visible() || !h.s.watching.problem.Visible() || !h.shows(limited) {
		t.Errorf("limited: watching shown %v, problem %q", h.s.watching.watching.Visible(), h.s.watching.problem.Text)
	}

	// Not watching: the schedule finds changes, and says when it runs next.
	h.s.showState(service.State{Phase: service.Idle, LastSafe: now, NextRun: now.Add(15 * time.Minute),
		NextScan: now.Add(time.Hour)})
	if !h.shows("Not watching files") || !strings.HasPrefix(h.s.header.next.Text, "Next backup: ") {
		t.Errorf("not watching: %q, next %q", h.s.watching.watching.Text, h.s.header.next.Text)
	}
}

func TestWaitingAndAway(t *testing.T) {
	h := newHarness(t)
	why := "On battery at 15 %: backups wait until the computer is plugged in or charged to 20 %."
	h.s.showState(service.State{Phase: service.Waiting, Problem: why, Watching: watch.Status{Folders: 3}})
	if got := h.stateLine(); got != why {
		t.Errorf("state line %q", got)
	}
	if h.s.header.icon.Resource.Name() != theme.MediaPauseIcon().Name() {
		t.Errorf("icon %q", h.s.header.icon.Resource.Name())
	}
	if h.s.header.problem.Visible() {
		t.Error("the reason shows twice")
	}

	h.s.showState(service.State{Phase: service.BackingUp, Away: true, UploadLimit: 500_000})
	if !h.s.header.away.Visible() || h.s.header.away.Text != "Uploads limited to 500 KB/s while you are away" {
		t.Errorf("away: %q shown %v", h.s.header.away.Text, h.s.header.away.Visible())
	}
	h.s.showState(service.State{Phase: service.BackingUp, UploadLimit: 500_000}) // present: the usual limit
	if h.s.header.away.Visible() {
		t.Error("the away limit shows while the person is there")
	}
}
