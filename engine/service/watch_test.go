package service

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/engine/throttle"
)

// present is a person at the computer (idle for a given time).
type present time.Duration

func (p present) Idle() (time.Duration, bool) { return time.Duration(p), true }

func noBattery() (throttle.Battery, error) { return throttle.Battery{}, nil }

// watching starts a service with a short debounce over d and waits for its
// first scan and its watcher.
func watching(t *testing.T, d *device.Device, o Options) (*Service, context.Context) {
	t.Helper()
	o.Quiet, o.MaxDelay = 300*time.Millisecond, 3*time.Second
	if o.Presence == nil {
		o.Presence = present(0)
	}
	if o.Battery == nil {
		o.Battery = noBattery
	}
	s := NewWithOptions(d, o)
	ctx := serve(t, s)
	waitFor(t, s, func(st State) bool { return !st.LastScan.IsZero() && st.Watching.Folders > 0 })
	return s, ctx
}

// eventually polls (generous deadline) until ok holds.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func newest(ctx context.Context, d *device.Device, p string) (engine.Version, bool) {
	vs, err := d.Versions(ctx, "", p)
	if err != nil || len(vs) == 0 {
		return engine.Version{}, false
	}
	return vs[len(vs)-1], true
}

func hasContent(ctx context.Context, d *device.Device, p string, size int) func() bool {
	return func() bool {
		v, ok := newest(ctx, d, p)
		return ok && !v.Deleted && v.Size == int64(size)
	}
}

func isDeleted(ctx context.Context, d *device.Device, p string) func() bool {
	return func() bool {
		v, ok := newest(ctx, d, p)
		return ok && v.Deleted
	}
}

// TestChangesAreBackedUpWithinSeconds: with the watcher, each kind of
// change reaches the archive without waiting for a scan (the next one is
// hours away).
func TestChangesAreBackedUpWithinSeconds(t *testing.T) {
	d, src := newDevice(t)
	d.AddFiles(src)
	s, ctx := watching(t, d, Options{})
	if st := s.State(); st.NextScan.Sub(time.Now()) < 10*time.Minute {
		t.Fatalf("a scan is due soon (%v): the test would not tell the watcher's work from it", st.NextScan)
	}
	at := func(rel string) string { return filepath.Join(src, rel) }
	write := func(rel, data string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(at(rel)), 0o755)
		if err := os.WriteFile(at(rel), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	write("a.txt", "modified")
	eventually(t, "a modified file", hasContent(ctx, d, at("a.txt"), len("modified")))
	write("new.txt", "created")
	eventually(t, "a new file", hasContent(ctx, d, at("new.txt"), len("created")))
	write("x/y/z/deep.txt", "in a new nested folder")
	eventually(t, "a file in a new nested folder", hasContent(ctx, d, at("x/y/z/deep.txt"), len("in a new nested folder")))
	write("x/y/z/later.txt", "written after the folder appeared")
	eventually(t, "a later file in the new folder", hasContent(ctx, d, at("x/y/z/later.txt"), len("written after the folder appeared")))
	if err := os.Rename(at("b/c.txt"), at("b/renamed.txt")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the old name of a renamed file deleted", isDeleted(ctx, d, at("b/c.txt")))
	eventually(t, "the new name of a renamed file", hasContent(ctx, d, at("b/renamed.txt"), 1))
	if err := os.Rename(at("x"), at("moved")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a renamed folder's old path deleted", isDeleted(ctx, d, at("x/y/z/deep.txt")))
	write("moved/y/z/after-move.txt", "in the moved folder")
	eventually(t, "a file written in a moved folder", hasContent(ctx, d, at("moved/y/z/after-move.txt"), len("in the moved folder")))
	os.Remove(at("new.txt"))
	eventually(t, "a deleted file", isDeleted(ctx, d, at("new.txt")))
}

// TestBurstOfWritesRecordsFinalStatesNeverTorn: 10,000 writes (1,000 files
// written 10 times each, with plain truncate-and-write) end with every
// file's last content in the archive, and no version recorded is a state
// the file was never in (a mix of two writes, or a write cut short).
func TestBurstOfWritesRecordsFinalStatesNeverTorn(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 writes")
	}
	d, src := newDevice(t)
	d.AddFiles(src)
	s, ctx := watching(t, d, Options{})
	const files, rounds = 1000, 10
	content := func(i, k int) []byte { // a distinct size for every write
		return bytes.Repeat([]byte(fmt.Sprintf("file %d write %d;", i, k)), 20+k*7)
	}
	dir := filepath.Join(src, "burst")
	os.MkdirAll(dir, 0o755)
	for k := 0; k < rounds; k++ {
		for i := 0; i < files; i++ {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%04d.txt", i)), content(i, k), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	last := filepath.Join(dir, fmt.Sprintf("f%04d.txt", files-1))
	eventually(t, "the burst's last file", hasContent(ctx, d, last, len(content(files-1, rounds-1))))
	waitFor(t, s, func(st State) bool { return st.Phase == Idle })
	for i := 0; i < files; i++ {
		p := filepath.Join(dir, fmt.Sprintf("f%04d.txt", i))
		eventually(t, p, hasContent(ctx, d, p, len(content(i, rounds-1))))
		vs, _ := d.Versions(ctx, "", p)
		for _, v := range vs {
			if v.Size == 0 {
				continue // truncated, between two writes: a state the file was in
			}
			ok := false
			for k := 0; k < rounds; k++ {
				ok = ok || v.Size == int64(len(content(i, k)))
			}
			if !ok && v.Warning == "" {
				t.Fatalf("%s: a version of %d bytes, which was never written, recorded without a warning", p, v.Size)
			}
		}
	}
	// What is in the archive is the final content, byte for byte.
	to := t.TempDir()
	if _, err := d.Restore(ctx, "", restore.Options{Paths: []string{dir}, To: to, View: index.View{At: index.Latest}}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < files; i++ {
		got, err := os.ReadFile(filepath.Join(to, "burst", fmt.Sprintf("f%04d.txt", i)))
		if err != nil || !bytes.Equal(got, content(i, rounds-1)) {
			t.Fatalf("file %d restored as %d bytes (%v), want its last write", i, len(got), err)
		}
	}
}

// TestBackupsWaitOnLowBatteryAndResume: on battery below the level the
// changes wait, and the state says why; plugged in, they go.
func TestBackupsWaitOnLowBatteryAndResume(t *testing.T) {
	d, src := newDevice(t)
	d.AddFiles(src)
	var battery = make(chan throttle.Battery, 1)
	battery <- throttle.Battery{Present: true, Percent: 80}
	read := func() (throttle.Battery, error) {
		b := <-battery
		battery <- b
		return b, nil
	}
	s, ctx := watching(t, d, Options{Battery: read})
	<-battery
	battery <- throttle.Battery{Present: true, Percent: 10}
	os.WriteFile(filepath.Join(src, "a.txt"), []byte("saved on battery"), 0o644)
	st := waitFor(t, s, func(st State) bool { return st.Phase == Waiting })
	if st.Problem == "" {
		t.Fatal("waiting without saying why")
	}
	if hasContent(ctx, d, filepath.Join(src, "a.txt"), len("saved on battery"))() {
		t.Fatal("backed up on a low battery")
	}
	<-battery
	battery <- throttle.Battery{Present: true, Charging: true, Percent: 11}
	s.poke()
	eventually(t, "the change backed up once plugged in", hasContent(ctx, d, filepath.Join(src, "a.txt"), len("saved on battery")))
}

// TestAwayRaisesTheUploadLimit: the limit in force follows presence.
func TestAwayLimitFollowsPresence(t *testing.T) {
	d, src := newDevice(t)
	d.AddFiles(src)
	set := d.Settings()
	set.Throttle.PresentKBps, set.Throttle.AwayKBps, set.Throttle.AwayAfter = 100, 5000, 10*time.Minute
	if err := d.SetSettings(set); err != nil {
		t.Fatal(err)
	}
	s, _ := watching(t, d, Options{Presence: present(time.Hour)})
	st := waitFor(t, s, func(st State) bool { return st.Away })
	if st.UploadLimit != 5000*1000 {
		t.Fatalf("away, the limit is %d B/s", st.UploadLimit)
	}
}

// TestDailyScanAfterSleep: a computer asleep at the scan time scans soon
// after it wakes (the service's clock jumps past it).
func TestDailyScanAfterSleep(t *testing.T) {
	d, src := newDevice(t)
	d.AddFiles(src)
	var jump time.Duration
	clock := make(chan time.Duration, 1)
	clock <- 0
	now := func() time.Time {
		j := <-clock
		clock <- j
		return time.Now().Add(j)
	}
	s, _ := watching(t, d, Options{Now: now})
	first := s.State().LastScan
	jump = s.State().NextScan.Sub(time.Now()) + time.Hour // asleep through it
	<-clock
	clock <- jump
	s.poke()
	waitFor(t, s, func(st State) bool { return st.LastScan.After(first.Add(jump / 2)) })
}

func TestNextDaily(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Skip(err)
	}
	for _, c := range []struct {
		from, at, want string
	}{
		{"2026-11-25 02:00", "03:00", "2026-11-25 03:00"},
		{"2026-11-25 03:00", "03:00", "2026-11-26 03:00"},
		{"2026-11-25 14:00", "03:00", "2026-11-26 03:00"},
		{"2026-03-28 12:00", "02:30", "2026-03-29 03:30"}, // 02:30 does not exist that night (DST)
		{"2026-11-25 14:00", "bad", "2026-11-26 03:00"},
	} {
		from, _ := time.ParseInLocation("2006-01-02 15:04", c.from, loc)
		want, _ := time.ParseInLocation("2006-01-02 15:04", c.want, loc)
		if got := nextDaily(from, c.at); !got.Equal(want) {
			t.Errorf("after %s at %s: %s, want %s", c.from, c.at, got, want)
		}
	}
}

// TestWatchLimitFallsBackToRegularScans: where the OS allows fewer watches
// than there are folders, the state says so and scans run every
// BackupEvery.
func TestWatchLimitFallsBackToRegularScans(t *testing.T) {
	d, src := newDevice(t)
	d.AddFiles(src)
	s, _ := watching(t, d, Options{MaxWatches: 1})
	st := waitFor(t, s, func(st State) bool { return st.Watching.Limited && !st.NextRun.IsZero() })
	if st.Watching.Problem == "" {
		t.Fatal("limited, without a word")
	}
	if every := d.Settings().BackupEvery; st.NextScan.Sub(st.LastScan) > every+time.Second {
		t.Fatalf("next scan %v after the last, want every %v", st.NextScan.Sub(st.LastScan), every)
	}
}

// TestHoldKeepsPassesOut: while a command holds the service, changes wait;
// released, they are backed up.
func TestHoldKeepsPassesOut(t *testing.T) {
	d, src := newDevice(t)
	d.AddFiles(src)
	s, ctx := watching(t, d, Options{})
	release, err := s.Hold(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(src, "a.txt")
	os.WriteFile(p, []byte("saved during a hold"), 0o644)
	s.BackupNow()
	time.Sleep(2 * time.Second) // the quantity tested: nothing happens for a while
	if hasContent(ctx, d, p, len("saved during a hold"))() {
		t.Fatal("a pass ran during a hold")
	}
	release()
	eventually(t, "the change backed up after the hold", hasContent(ctx, d, p, len("saved during a hold")))
}

// TestClockSetBackKeepsTheDailyScan: after the clock goes back a week, the
// next scan is still within a day, not a week and a day away.
func TestClockSetBackKeepsTheDailyScan(t *testing.T) {
	d, src := newDevice(t)
	d.AddFiles(src)
	clock := make(chan time.Duration, 1)
	clock <- 0
	now := func() time.Time {
		j := <-clock
		clock <- j
		return time.Now().Add(j)
	}
	s, _ := watching(t, d, Options{Now: now})
	<-clock
	clock <- -7 * 24 * time.Hour
	s.poke()
	st := waitFor(t, s, func(st State) bool { return st.NextScan.Before(time.Now().Add(-5 * 24 * time.Hour)) })
	if gap := st.NextScan.Sub(time.Now().Add(-7 * 24 * time.Hour)); gap > 25*time.Hour {
		t.Fatalf("next scan %v after the clock's new now", gap)
	}
}
