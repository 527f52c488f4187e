package folder

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Backend {
		b, err := Create(filepath.Join(t.TempDir(), "archive"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}

func TestCreateRefusesFolderWithOtherFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "holiday.jpg"), []byte("x"), 0o644)
	_, err := Create(dir)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("got %v", err)
	}
}

func TestOpenMissingFolderSaysWhy(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "unplugged"))
	if !errors.Is(err, engine.ErrNotFound) || !strings.Contains(err.Error(), "drive connected") {
		t.Fatalf("got %v", err)
	}
}

func TestCommitLeavesNoTempFiles(t *testing.T) {
	b, _ := Create(filepath.Join(t.TempDir(), "a"))
	if err := store.Save(context.Background(), b, store.KindPack, "abcdef", []byte("data")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(b.Root(), "packs", "ab", "abcdef")); err != nil {
		t.Fatal("pack not sharded where expected:", err)
	}
	left, _ := os.ReadDir(filepath.Join(b.Root(), "tmp"))
	if len(left) != 0 {
		t.Fatalf("temp files left: %v", left)
	}
}

func TestStaleTempRemovedOnOpen(t *testing.T) {
	b, _ := Create(filepath.Join(t.TempDir(), "a"))
	stale := filepath.Join(b.Root(), "tmp", "dead.tmp")
	fresh := filepath.Join(b.Root(), "tmp", "live.tmp")
	os.WriteFile(stale, []byte("x"), 0o600)
	os.WriteFile(fresh, []byte("x"), 0o600)
	old := time.Now().Add(-48 * time.Hour)
	os.Chtimes(stale, old, old)
	if _, err := Open(b.Root()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("stale temp file kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatal("fresh temp file removed: another writer may own it")
	}
}

func TestUnpluggedDriveIsSaidPlainly(t *testing.T) {
	root := filepath.Join(t.TempDir(), "usb")
	b, err := Create(root)
	if err != nil {
		t.Fatal(err)
	}
	up, err := b.Create(context.Background(), store.KindPack)
	if err != nil {
		t.Fatal(err)
	}
	up.Write([]byte("half a pack"))
	os.RemoveAll(root) // the drive goes away
	err = up.Commit("abcd")
	if !errors.Is(err, ErrGone) || !strings.Contains(err.Error(), "unplugged") {
		t.Fatalf("got %v", err)
	}
	if _, err := b.Open(context.Background(), store.KindPack, "abcd"); !errors.Is(err, ErrGone) {
		t.Fatalf("open: %v", err)
	}
	if _, err := os.Stat(root); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the destination's path was made again on the local disk")
	}
}
