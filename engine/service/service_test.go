package service

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/internal/testtree"
)

func newDevice(t *testing.T) (*device.Device, string) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "ana")
	testtree.Write(t, src, map[string]testtree.Node{"a.txt": {Data: "a"}, "b/c.txt": {Data: "c"}})
	d, err := device.Open(filepath.Join(dir, "home"), device.Options{UserHome: src})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	pw := func(string, bool) ([]byte, error) { return []byte("pw"), nil }
	if _, err := d.AddFolderDestination(context.Background(), "usb", filepath.Join(dir, "usb"), pw, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	// The daily scan half a day away, whatever the time the tests run at:
	// tests that tell the watcher's work from a scan need it far off.
	set := d.Settings()
	set.VerifyAt = time.Now().Add(12 * time.Hour).Format("15:04")
	if err := d.SetSettings(set); err != nil {
		t.Fatal(err)
	}
	return d, src
}

// serve runs s until the test ends, and waits for it to stop before the
// device is closed.
func serve(t *testing.T, s *Service) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Serve(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return ctx
}

// waitFor waits (with a generous deadline) until the state satisfies ok.
func waitFor(t *testing.T, s *Service, ok func(State) bool) State {
	t.Helper()
	ch := make(chan State, 64)
	cancel := s.Subscribe(func(st State) {
		select {
		case ch <- st:
		default:
		}
	})
	defer cancel()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case st := <-ch:
			if ok(st) {
				return st
			}
		case <-deadline:
			t.Fatalf("state never came; last %+v", s.State())
		case <-time.After(50 * time.Millisecond):
			if st := s.State(); ok(st) {
				return st
			}
		}
	}
}

func TestServiceBacksUpByItselfAndOnRequest(t *testing.T) {
	d, src := newDevice(t)
	s := New(d)
	ctx := serve(t, s)
	// Nothing selected yet: the service says so instead of failing.
	waitFor(t, s, func(st State) bool { return st.Phase == Setup })
	d.AddFiles(src)
	var mu sync.Mutex
	seen := map[string]bool{} // destinations named while backing up
	defer s.Subscribe(func(st State) {
		if st.Phase == BackingUp {
			mu.Lock()
			seen[st.Destination] = true
			mu.Unlock()
		}
	})()
	s.BackupNow()
	first := waitFor(t, s, func(st State) bool { return st.Phase == Idle && !st.LastSafe.IsZero() })
	mu.Lock()
	if !seen["usb"] || seen[""] && len(seen) == 1 {
		t.Fatalf("while backing up, the state named %v", seen)
	}
	mu.Unlock()
	if first.Destination != "" {
		t.Fatalf("idle, yet backing up %q", first.Destination)
	}
	if vs, _ := d.Versions(ctx, "", filepath.Join(src, "a.txt")); len(vs) != 1 {
		t.Fatalf("versions: %d", len(vs))
	}
	os.WriteFile(filepath.Join(src, "a.txt"), []byte("changed"), 0o644)
	s.BackupNow()
	waitFor(t, s, func(st State) bool { return st.Phase == Idle && st.LastSafe.After(first.LastSafe) })
	if vs, _ := d.Versions(ctx, "", filepath.Join(src, "a.txt")); len(vs) != 2 {
		t.Fatalf("versions after the second pass: %d", len(vs))
	}
}

func TestPauseAndResume(t *testing.T) {
	d, src := newDevice(t)
	d.AddFiles(src)
	s := New(d)
	var ahead atomic.Int64 // how far the service's clock is ahead of the real one
	s.now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	s.Pause(0)
	ctx := serve(t, s)
	st := waitFor(t, s, func(st State) bool { return st.Phase == Paused })
	if !st.PausedUntil.IsZero() {
		t.Fatal("paused until resumed has an end")
	}
	if vs, _ := d.Versions(ctx, "", filepath.Join(src, "a.txt")); len(vs) != 0 {
		t.Fatal("backed up while paused")
	}
	s.Resume()
	waitFor(t, s, func(st State) bool { return st.Phase == Idle && !st.LastSafe.IsZero() })

	s.Pause(time.Hour)
	if st := s.State(); st.Phase != Paused || st.PausedUntil.Sub(time.Now()) < 59*time.Minute {
		t.Fatalf("pause for an hour: %+v", st)
	}
	ahead.Store(int64(2 * time.Hour)) // the hour is over
	if s.paused() {
		t.Fatal("still paused after the hour")
	}
}

func TestUnreadableFilesNeedAttention(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file; covered by the command line's tests, which drop privileges")
	}
	if runtime.GOOS == "windows" {
		t.Skip("chmod 0 only sets Windows' read-only attribute: the file stays readable")
	}
	d, src := newDevice(t)
	d.AddFiles(src)
	os.Chmod(filepath.Join(src, "a.txt"), 0)
	s := New(d)
	serve(t, s)
	st := waitFor(t, s, func(st State) bool { return st.Phase == Attention })
	if len(st.Unreadable) != 1 {
		t.Fatalf("%+v", st)
	}
}
