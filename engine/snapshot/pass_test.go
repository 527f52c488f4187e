package snapshot

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cairnbackup/cairn/engine/fs"
)

// fakeService stands for the helper: it numbers its shadow copies.
type fakeService struct {
	mu       sync.Mutex
	made     []string // volumes asked for
	released []string
	closed   bool
	fail     map[string]error // by volume
}

func (s *fakeService) Snapshot(ctx context.Context, volume string) (Shadow, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.made = append(s.made, volume)
	if err := s.fail[volume]; err != nil {
		return Shadow{}, err
	}
	n := len(s.made)
	return Shadow{ID: strings.Replace(testID, "0", string(rune('0'+n)), 1), Device: shadowDevicePrefix + string(rune('0'+n)), Volume: "vol-" + volume}, nil
}

func (s *fakeService) Release(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.released = append(s.released, id)
	return nil
}

func (s *fakeService) Close() error { s.closed = true; return nil }

// testPass opens shadow paths as files below a temporary folder, so the
// test sees which path the pass asked for.
func testPass(t *testing.T, svc *fakeService, dialErr error) (*Pass, *[]string) {
	t.Helper()
	dir := t.TempDir()
	var opened []string
	var mu sync.Mutex
	p := NewPass(func(context.Context) (Service, error) {
		if dialErr != nil {
			return nil, dialErr
		}
		return svc, nil
	}, func(path string) (*os.File, error) {
		mu.Lock()
		opened = append(opened, path)
		mu.Unlock()
		name := filepath.Join(dir, strings.NewReplacer(`\`, "_", "?", "_").Replace(path))
		if err := os.WriteFile(name, []byte(path), 0o600); err != nil {
			return nil, err
		}
		return os.Open(name)
	})
	return p, &opened
}

func TestPassMakesOneSnapshotPerDriveAndReleasesThem(t *testing.T) {
	svc := &fakeService{}
	p, opened := testPass(t, svc, nil)
	for _, path := range []string{"/C:/Users/a/x.pst", "/C:/Users/a/y.ost", "/D:/mail/z.pst", "/C:/Users/a/w.pst"} {
		f, err := p.Open(context.Background(), path)
		if err != nil {
			t.Fatalf("Open(%s): %v", path, err)
		}
		f.Close()
	}
	if want := []string{`C:\`, `D:\`}; strings.Join(svc.made, " ") != strings.Join(want, " ") {
		t.Errorf("asked for %q, want %q (one per drive)", svc.made, want)
	}
	if (*opened)[0] != shadowDevicePrefix+`1\Users\a\x.pst` || (*opened)[2] != shadowDevicePrefix+`2\mail\z.pst` {
		t.Errorf("opened %q", *opened)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(svc.released)
	if len(svc.released) != 2 || !svc.closed {
		t.Errorf("released %q, closed %v: want both, and the connection closed", svc.released, svc.closed)
	}
}

func TestPassWithoutHelperSaysHowToGetTheFile(t *testing.T) {
	dials := 0
	p := NewPass(func(context.Context) (Service, error) { dials++; return nil, ErrNoHelper }, nil)
	for _, path := range []string{"/C:/Users/a/x.pst", "/C:/Users/a/y.pst"} {
		_, err := p.Open(context.Background(), path)
		if !errors.Is(err, fs.ErrInUse) || !errors.Is(err, ErrNoHelper) {
			t.Fatalf("Open(%s) = %v, want in use and no helper", path, err)
		}
		if msg := err.Error(); !strings.Contains(msg, "close the program") || !strings.Contains(msg, "install Cairn for everyone") {
			t.Errorf("the words do not say what to do: %q", msg)
		}
	}
	if dials != 1 {
		t.Errorf("dialled %d times, want once per pass", dials)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestPassRemembersADriveWithoutSnapshot(t *testing.T) {
	svc := &fakeService{fail: map[string]error{`C:\`: ErrLimit}}
	p, _ := testPass(t, svc, nil)
	for range 3 {
		_, err := p.Open(context.Background(), "/C:/Users/a/x.pst")
		if !errors.Is(err, fs.ErrInUse) || !errors.Is(err, ErrLimit) {
			t.Fatalf("Open = %v, want in use and ErrLimit", err)
		}
		if strings.Contains(err.Error(), "install Cairn") {
			t.Errorf("advice to install with a helper there: %q", err)
		}
	}
	if len(svc.made) != 1 {
		t.Errorf("asked %d times, want once", len(svc.made))
	}
	p.Close()
	if len(svc.released) != 0 {
		t.Errorf("released %q: nothing was made", svc.released)
	}
}

func TestPassDoesNotAskForAShare(t *testing.T) {
	svc := &fakeService{}
	p, _ := testPass(t, svc, nil)
	_, err := p.Open(context.Background(), "/UNC/server/share/x.pst")
	if !errors.Is(err, fs.ErrInUse) || !errors.Is(err, ErrNotOnVolume) || len(svc.made) != 0 {
		t.Fatalf("Open = %v after %d requests, want ErrNotOnVolume and none", err, len(svc.made))
	}
}

func TestPassRefusesAnotherVolumeAtTheDriveLetter(t *testing.T) {
	svc := &fakeService{}
	p, _ := testPass(t, svc, nil)
	p.same = func(root, volume string) bool { return false }
	if _, err := p.Open(context.Background(), "/C:/x.pst"); !errors.Is(err, fs.ErrInUse) {
		t.Fatalf("Open = %v, want in use", err)
	}
	if len(svc.released) != 1 {
		t.Errorf("released %q, want the snapshot of the wrong volume", svc.released)
	}
}

func TestPassStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	svc := &fakeService{fail: map[string]error{`C:\`: context.Canceled}}
	p, _ := testPass(t, svc, nil)
	if _, err := p.Open(ctx, "/C:/x.pst"); err != context.Canceled {
		t.Fatalf("Open = %v, want context.Canceled", err)
	}
	if _, ok := p.drives[`C:\`]; ok {
		t.Error("a cancelled request was remembered")
	}
}
