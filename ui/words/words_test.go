package words

import (
	"fmt"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/throttle"
)

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 KB", 1234: "1.2 KB",
		12_345_678: "12 MB", 999_960_000: "1.0 GB", 1_200_000_000: "1.2 GB", 5e15: "5.0 PB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWhen(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.Local) // a Wednesday
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "never"},
		{now.Add(-time.Hour), "14:00"},
		{now.Add(-24 * time.Hour), "yesterday 15:00"},
		{now.Add(-3 * 24 * time.Hour), "Sun 15:00"},
		{time.Date(2026, 1, 2, 9, 5, 0, 0, time.Local), "2 Jan 09:05"},
		{time.Date(2025, 1, 2, 9, 5, 0, 0, time.Local), "2 Jan 2025"},
	} {
		if got := When(c.t, now); got != c.want {
			t.Errorf("When(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{45 * time.Second: "45 s", 3 * time.Minute: "3 min",
		2*time.Hour + 5*time.Minute: "2 h 5 min", time.Hour: "1 h", 72 * time.Hour: "3 days"} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestState(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.Local)
	for _, c := range []struct {
		st   service.State
		want string
	}{
		{service.State{Phase: service.Idle, LastSafe: now.Add(-58 * time.Minute)}, "Safe as of 14:02"},
		{service.State{Phase: service.Idle}, "Waiting for the first backup"},
		{service.State{Phase: service.BackingUp, Progress: backup.Progress{BytesToRead: 2_000_000_000, BytesRead: 840_000_000}},
			"Backing up: 42 % — 1.2 GB left"},
		{service.State{Phase: service.BackingUp, Progress: backup.Progress{Scanning: true}}, "Backing up: looking for changes…"},
		{service.State{Phase: service.Paused}, "Paused until you resume"},
		{service.State{Phase: service.Paused, PausedUntil: now.Add(time.Hour)}, "Paused until 16:00"},
		{service.State{Phase: service.Offline, Pending: 3_000_000}, "Offline: changes wait on this computer (3.0 MB)"},
		{service.State{Phase: service.Attention, LastSafe: now, Unreadable: []engine.FileError{{Path: "/x"}}},
			"Backed up at 15:00, but some files could not be read"},
		{service.State{Phase: service.Setup}, "Not set up yet: choose where to back up"},
		{service.State{Phase: service.Waiting, Problem: "On battery at 15 %: backups wait until the computer is plugged in or charged to 20 %."},
			"On battery at 15 %: backups wait until the computer is plugged in or charged to 20 %."},
		{service.State{Phase: service.Waiting}, "Waiting to back up"},
		{service.State{Phase: service.Waiting, Problem: "(English from the engine)",
			Held: throttle.Decision{Wait: throttle.WaitBattery, Battery: 12, MinBattery: 30}},
			"On battery at 12 %: backups wait until the computer is plugged in or charged to 30 %."},
		{service.State{Phase: service.Waiting, Problem: "(English from the engine)",
			Held: throttle.Decision{Wait: throttle.WaitHours, RecheckAt: now.Add(2 * time.Hour)}},
			"Backups wait for the hours you chose; the next start is 17:00."},
	} {
		if got := State(c.st, now); got != c.want {
			t.Errorf("State(%+v) = %q, want %q", c.st.Phase, got, c.want)
		}
	}
}

func TestErrorNamesWhatToDo(t *testing.T) {
	err := fmt.Errorf("save pack: %w", store.ErrOffline)
	if got := Error(err); got != "The destination cannot be reached. Check the network or plug the drive in; Cairn tries again by itself." {
		t.Errorf("Error = %q", got)
	}
	if got := Error(fmt.Errorf("something specific")); got != "something specific" {
		t.Errorf("an unknown error lost its words: %q", got)
	}
}
