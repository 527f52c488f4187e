package fs

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/selection"
)

// On a real folder, what the listing says of each entry (Names, then
// Lstat) is what its path says (lstat): an unchanged file compares equal
// however it was described. A file read (OpenFile, Fstat) has the inode
// the listing gave and its link count, so its hard links share a LinkID.
func TestListingAgreesWithPaths(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "hello")
	write("café ☕.txt", "odd name")
	write("ro.txt", "read-only")
	if err := os.Chmod(filepath.Join(dir, "ro.txt"), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(dir, "a.txt"), filepath.Join(dir, "linked.txt")); err != nil {
		t.Fatal(err)
	}
	root, ok := selection.ArchivePath("windows", dir)
	if !ok {
		t.Fatalf("no archive path for %s", dir)
	}
	d, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	names, err := d.Names()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.txt", "café ☕.txt", "linked.txt", "ro.txt", "sub"}; !slices.Equal(names, want) {
		t.Fatalf("names %q, want %q", names, want)
	}
	if d.listed == nil {
		t.Fatal("Names kept no listing")
	}
	listed := map[string]Info{}
	for _, n := range names {
		got, err := d.Lstat(n)
		if err != nil {
			t.Fatal(err)
		}
		want, err := lstat(d.child(n))
		if err != nil {
			t.Fatal(err)
		}
		if got.Type != want.Type || got.Size != want.Size || got.ModTime != want.ModTime || got.Mode != want.Mode ||
			got.Dev != want.Dev || (got.NotBackedUp == nil) != (want.NotBackedUp == nil) {
			t.Errorf("%s: listed %+v, by path %+v", n, got, want)
		}
		// 0 is "not known" (a volume whose IDs are not trusted; a change
		// time of a file with several links).
		if (got.Inode != 0 && got.Inode != want.Inode) || (got.CTime != 0 && want.CTime != 0 && got.CTime != want.CTime) {
			t.Errorf("%s: listed inode %#x ctime %d, by path %#x %d", n, got.Inode, got.CTime, want.Inode, want.CTime)
		}
		listed[n] = got
	}
	if listed["sub"].Type != engine.TypeDir || listed["ro.txt"].Mode != 0o444 || listed["a.txt"].Mode != 0o666 {
		t.Errorf("kinds or modes: %+v", listed)
	}
	read := func(n string) Info {
		t.Helper()
		f, err := OpenFile(root + "/" + n)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		i, err := Fstat(f)
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	a, l, one := read("a.txt"), read("linked.txt"), read("ro.txt")
	if a.Nlink != 2 || a.LinkID() == 0 || a.LinkID() != l.LinkID() {
		t.Errorf("hard links: nlink %d, LinkIDs %#x %#x", a.Nlink, a.LinkID(), l.LinkID())
	}
	if one.Nlink != 1 || one.LinkID() != 0 {
		t.Errorf("one link: nlink %d LinkID %#x", one.Nlink, one.LinkID())
	}
	if got := listed["a.txt"].Inode; got != 0 && got != a.Inode {
		t.Errorf("listed inode %#x, read %#x", got, a.Inode)
	}
	// A change made through the folder drops the listing: what Lstat says
	// next is what is there now.
	if err := d.Remove("café ☕.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Lstat("café ☕.txt"); !IsNotExist(err) {
		t.Errorf("removed file: %v, want not exist", err)
	}
}

// A sub-folder replaced by a link (a folder symlink here; a junction is
// alike but takes FSCTL_SET_REPARSE_POINT to make) after its parent was
// listed is not followed when it is listed; a root is.
func TestListDirDoesNotFollowALinkedSubfolder(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "inside.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "link")); err != nil {
		t.Skipf("no symlink without Developer Mode or administrator rights: %v", err)
	}
	if _, _, err := listDir(filepath.Join(dir, "link"), false, winDirClass{}); err == nil {
		t.Error("a folder symlink was listed as a sub-folder")
	}
	if l, _, err := listDir(filepath.Join(dir, "link"), true, winDirClass{}); err != nil || !slices.Equal(l.names(), []string{"inside.txt"}) {
		t.Errorf("followed as a root: %v, %v", l, err)
	}
}
