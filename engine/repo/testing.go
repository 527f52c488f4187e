package repo

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/index/badgerdb"
	"github.com/cairnbackup/cairn/engine/store/folder"
)

// TestRepo creates an archive in a temporary folder with a real index, for
// tests of the packages built on this one. packSize 0 means the default.
func TestRepo(t testing.TB, packSize int64) *Repo {
	t.Helper()
	dir := t.TempDir()
	b, err := folder.Create(filepath.Join(dir, "archive"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m, err := Init(ctx, b, []byte("test password"), InitOptions{KDF: crypt.TestKDF, PackSize: packSize})
	if err != nil {
		t.Fatal(err)
	}
	db, err := badgerdb.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	ix := index.New(db)
	t.Cleanup(func() { ix.Close() })
	r, err := Open(ctx, b, m, ix, 1)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// ArchiveDir returns the folder of an archive made by TestRepo.
func ArchiveDir(r *Repo) string { return r.backend.Location() }
