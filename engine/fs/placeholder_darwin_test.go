package fs

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/cairnbackup/cairn/engine"
)

// On a Mac (the macOS CI). A dataless file (SF_DATALESS: iCloud Drive's or
// a File Provider's, its data not on this Mac) cannot be made without a
// File Provider extension, which a test cannot install: so the real stat
// of a real file is given the flag, and what infoOf (every Lstat) makes of
// it is checked; the flags a person sets (hidden, locked) are set for
// real and must not read as dataless. darwinNote's table is in
// notbackedup_test.go.
func TestDatalessFlagIsCloudOnly(t *testing.T) {
	if unix.SF_DATALESS != darwinDataless {
		t.Fatalf("darwinDataless is %#x, macOS's SF_DATALESS %#x", darwinDataless, unix.SF_DATALESS)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "Pages.pages")
	if err := os.WriteFile(p, []byte("on this Mac"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := unix.Chflags(p, unix.UF_HIDDEN); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	i, err := d.Lstat("Pages.pages")
	if err != nil {
		t.Fatal(err)
	}
	if i.Type != engine.TypeRegular || i.NotBackedUp != nil {
		t.Fatalf("a hidden file: %v, %v; want backed up", i.Type, i.NotBackedUp)
	}
	var st unix.Stat_t
	if err := unix.Lstat(p, &st); err != nil {
		t.Fatal(err)
	}
	st.Flags |= unix.SF_DATALESS
	if i := infoOf(&st); i.Type != engine.TypeRegular || i.NotBackedUp != ErrCloudOnly {
		t.Fatalf("a dataless file: %v, %v; want cloud-only", i.Type, i.NotBackedUp)
	}
	if err := unix.Lstat(dir, &st); err != nil {
		t.Fatal(err)
	}
	st.Flags |= unix.SF_DATALESS
	if i := infoOf(&st); i.Type != engine.TypeDir || i.NotBackedUp != nil {
		t.Fatalf("a dataless folder: %v, %v; want walked (listing it fetches names only)", i.Type, i.NotBackedUp)
	}
}
