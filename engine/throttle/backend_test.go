package throttle

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/folder"
	"github.com/cairnbackup/cairn/engine/store/storetest"
)

func newFolder(t *testing.T) *folder.Backend {
	t.Helper()
	b, err := folder.Create(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The conformance suite over a limited folder: a limit high enough to keep
// the suite quick, low enough that uploads wait in many steps.
func TestBackendConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Backend {
		return Backend(newFolder(t), NewLimiter(8<<20))
	})
}

func TestBackendLimitsUploadsOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := NewLimiter(200 * kib)
	b := Backend(newFolder(t), l)
	data := bytes.Repeat([]byte{7}, 400*kib)
	start := time.Now()
	if err := store.Save(ctx, b, store.KindPack, "aa01", data); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 1500*time.Millisecond || took > 6*time.Second {
		t.Fatalf("saving 400 KiB at 200 KiB/s took %s, want 1.5–6 s", took)
	}
	start = time.Now()
	got, err := store.Load(ctx, b, store.KindPack, "aa01", 1<<20)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("load: %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("loading took %s: reads are not limited", took)
	}
}

func TestBackendUploadStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	b := Backend(newFolder(t), NewLimiter(kib))
	up, err := b.Create(ctx, store.KindPack)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	if _, err := up.Write(make([]byte, 1<<20)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Write: %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("Write returned %s after the cancel", took)
	}
	if err := up.Abort(); err != nil {
		t.Fatal(err)
	}
}

// clockFolder is a folder whose destination keeps the time (as a server
// does): it implements the optional store.Clock.
type clockFolder struct{ *folder.Backend }

func (clockFolder) Now() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }

func TestUnwrapReachesOptionalInterfaces(t *testing.T) {
	inner := clockFolder{newFolder(t)}
	b := Backend(inner, NewLimiter(kib))
	if _, ok := b.(store.Clock); ok {
		t.Fatal("the decorator itself claims store.Clock; callers would not need Unwrap")
	}
	if _, ok := Unwrap(b).(store.Clock); !ok {
		t.Fatal("Unwrap did not reach the backend's store.Clock")
	}
	if Unwrap(Backend(b, NewLimiter(0))) != store.Backend(inner) {
		t.Fatal("Unwrap did not go through two decorators")
	}
	if Unwrap(inner) != store.Backend(inner) {
		t.Fatal("Unwrap changed an undecorated backend")
	}
	if Backend(inner, nil) != store.Backend(inner) {
		t.Fatal("a nil limiter should leave the backend as it is")
	}
	if b.Location() != inner.Location() {
		t.Fatalf("Location %q, want %q", b.Location(), inner.Location())
	}
}
