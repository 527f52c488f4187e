package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/internal/testtree"
)

// Bad input and faults: each gets a clear message, and the archive stays
// consistent.

// packFiles lists the pack files of an archive folder.
func packFiles(t *testing.T, dest string) []string {
	t.Helper()
	packs, err := filepath.Glob(filepath.Join(dest, "packs", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return packs
}

// restoreAndCompare restores src into a new folder and compares it with the original.
func (c *cli) restoreAndCompare(src string) {
	c.t.Helper()
	to, err := os.MkdirTemp(c.dir, "compare-")
	if err != nil {
		c.t.Fatal(err)
	}
	c.ok("restore", "--to", to, src)
	testtree.Equal(c.t, testtree.Snapshot(c.t, src), testtree.Snapshot(c.t, filepath.Join(to, filepath.Base(src))),
		testtree.Options{IgnoreDirMTime: true})
}

func TestTamperedPackIsFoundNamedAndRepaired(t *testing.T) {
	c := newCLI(t)
	src, dest := c.setup(map[string]testtree.Node{"photo.jpg": {Random: 300 << 10}, "note.txt": {Data: "fine"}})
	c.ok("backup")
	packs := packFiles(t, dest)
	if len(packs) != 1 {
		t.Fatalf("%d packs", len(packs))
	}
	data, _ := os.ReadFile(packs[0])
	data[4096] ^= 0x40 // inside photo.jpg's first chunk
	os.WriteFile(packs[0], data, 0o600)

	c.ok("verify") // the tables are intact: the quick check cannot see it
	_, errOut := c.expect(exitDamaged, "verify", "--full")
	if !strings.Contains(errOut, "photo.jpg") || strings.Contains(errOut, "note.txt") {
		t.Fatalf("verify did not name exactly the damaged file:\n%s", errOut)
	}
	if !strings.Contains(errOut, "next backup stores") {
		t.Fatalf("no word on repair: %s", errOut)
	}
	// The next backup stores the file again; then everything restores.
	c.ok("backup")
	c.ok("verify", "--full")
	c.restoreAndCompare(src)
}

func TestDamagedFileRestoreSaysWhichFile(t *testing.T) {
	c := newCLI(t)
	src, dest := c.setup(map[string]testtree.Node{"photo.jpg": {Random: 300 << 10}, "note.txt": {Data: "fine"}})
	c.ok("backup")
	packs := packFiles(t, dest)
	data, _ := os.ReadFile(packs[0])
	data[4096] ^= 0x40
	os.WriteFile(packs[0], data, 0o600)
	to := filepath.Join(c.dir, "out")
	_, errOut := c.expect(exitPartial, "restore", "--to", to, src)
	if !strings.Contains(errOut, "photo.jpg") || !strings.Contains(errOut, "damaged") {
		t.Fatalf("stderr: %s", errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(to, "ana", "note.txt")); string(b) != "fine" {
		t.Fatal("the undamaged file was not restored")
	}
	if _, err := os.Stat(filepath.Join(to, "ana", "photo.jpg")); err == nil {
		t.Fatal("a damaged file was written")
	}
	if left, _ := filepath.Glob(filepath.Join(to, "ana", ".*cairn-restore*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestTruncatedAndMissingPacks(t *testing.T) {
	c := newCLI(t)
	c.setenv("CAIRN_TEST_PACK_SIZE=262144")
	nodes := map[string]testtree.Node{}
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		nodes["Pictures/"+n+".jpg"] = testtree.Node{Random: 200 << 10}
	}
	src, dest := c.setup(nodes)
	c.ok("backup")
	packs := packFiles(t, dest)
	if len(packs) < 3 {
		t.Fatalf("only %d packs", len(packs))
	}
	st, _ := os.Stat(packs[0])
	os.Truncate(packs[0], st.Size()-100)
	os.Remove(packs[1])
	_, errOut := c.expect(exitDamaged, "verify")
	if !strings.Contains(errOut, "damaged pack") || !strings.Contains(errOut, ".jpg") {
		t.Fatalf("verify: %s", errOut)
	}
	c.ok("backup")
	c.ok("verify", "--full")
	c.restoreAndCompare(src)
}

func TestUnreadableFilesAreNamedAndExit3(t *testing.T) {
	c := newCLI(t)
	base := c.dir
	if os.Geteuid() == 0 {
		// root reads everything: run cairn as nobody, in a folder nobody owns.
		var err error
		base, err = os.MkdirTemp("", "cairn-nobody-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(base)
		os.Chmod(base, 0o755)
		c.dir = base
		c.home = filepath.Join(base, "cairn-home")
		c.env = append(c.env, "CAIRN_HOME="+c.home, "HOME="+base)
		c.cred = &syscall.Credential{Uid: 65534, Gid: 65534}
	}
	src := filepath.Join(base, "home", "ana")
	testtree.Write(t, src, map[string]testtree.Node{
		"ok.txt":           {Data: "readable"},
		"later-locked.txt": {Data: "readable at first"},
		"locked.txt":       {Data: "nobody may read this", Mode: 0o000},
		"Locked folder/x":  {Data: "inside"},
	})
	os.Chmod(filepath.Join(src, "Locked folder"), 0o000)
	os.Chmod(filepath.Join(src, "locked.txt"), 0o000)
	if c.cred != nil {
		filepath.Walk(base, func(p string, _ os.FileInfo, _ error) error {
			if !strings.Contains(p, "locked") && !strings.Contains(p, "Locked") {
				os.Lchown(p, 65534, 65534)
			}
			return nil
		})
	}
	c.ok("dest", "add", "drive", filepath.Join(base, "drive"))
	c.ok("files", "add", src)
	_, errOut := c.expect(exitPartial, "backup")
	for _, want := range []string{"locked.txt", "Locked folder", "permission denied", "not safe"} {
		if !strings.Contains(errOut, want) {
			t.Fatalf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "ok.txt") {
		t.Fatal("a readable file was reported")
	}
	// A file that was backed up and becomes unreadable keeps its versions.
	later := filepath.Join(src, "later-locked.txt")
	os.Chmod(later, 0o000)
	os.Lchown(later, 0, 0)
	os.Chtimes(later, time.Now(), time.Now())
	c.expect(exitPartial, "backup")
	out := c.ok("versions", later)
	if strings.Contains(out, "deleted") || len(strings.Split(strings.TrimSpace(out), "\n")) != 1 {
		t.Fatalf("an unreadable file was marked deleted:\n%s", out)
	}
}

func TestFullDestination(t *testing.T) {
	c := newCLI(t)
	mnt := filepath.Join(c.dir, "small-drive")
	os.MkdirAll(mnt, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small file system here (needs root): %v %s", err, out)
	}
	defer exec.Command("umount", mnt).Run()
	src := filepath.Join(c.dir, "home", "ana")
	testtree.Write(t, src, map[string]testtree.Node{"small.txt": {Data: "fits"}, "video.mp4": {Random: 12 << 20}})
	dest := filepath.Join(mnt, "Cairn")
	c.ok("dest", "add", "drive", dest)
	c.ok("files", "add", src)
	_, errOut := c.expect(exitError, "backup")
	if !strings.Contains(errOut, "destination is full") || !strings.Contains(errOut, "free space") {
		t.Fatalf("stderr: %s", errOut)
	}
	if left, _ := os.ReadDir(filepath.Join(dest, "tmp")); len(left) != 0 {
		t.Fatalf("half-written objects left: %v", left)
	}
	c.ok("verify")
	// Make room (the video goes elsewhere): the next backup completes.
	os.Remove(filepath.Join(src, "video.mp4"))
	c.ok("backup")
	c.ok("verify", "--full")
	c.restoreAndCompare(src)
}

func TestLongPaths(t *testing.T) {
	c := newCLI(t)
	src := filepath.Join(c.dir, "home", "ana")
	os.MkdirAll(src, 0o755)
	// 24 folders of 200 characters: a path of about 4,900 bytes, beyond PATH_MAX.
	rel := ""
	fd, err := syscall.Open(src, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 24; i++ {
		name := strings.Repeat(string(rune('a'+i)), 200)
		rel += "/" + name
		if err := syscall.Mkdirat(fd, name, 0o755); err != nil {
			t.Fatal(err)
		}
		next, err := syscall.Openat(fd, name, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
		syscall.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		fd = next
	}
	f, err := syscall.Openat(fd, "deep.txt", syscall.O_CREAT|syscall.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	syscall.Write(f, []byte("at the bottom"))
	syscall.Close(f)
	syscall.Close(fd)

	c.ok("dest", "add", "drive", filepath.Join(c.dir, "drive"))
	c.ok("files", "add", src)
	out := c.ok("backup")
	if !strings.Contains(out, "1 new") {
		t.Fatalf("backup: %s", out)
	}
	long := src + rel + "/deep.txt"
	if out := c.ok("versions", long); !strings.Contains(out, " 13") {
		t.Fatalf("versions: %s", out)
	}
	to := filepath.Join(c.dir, "r")
	c.ok("restore", "--to", to, src)
	got := readLong(t, filepath.Join(to, "ana")+rel+"/deep.txt")
	if got != "at the bottom" {
		t.Fatalf("restored %q", got)
	}
}

// readLong reads a file whose path is longer than PATH_MAX.
func readLong(t *testing.T, p string) string {
	t.Helper()
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	fd, err := syscall.Open("/", syscall.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, part := range parts {
		flags := syscall.O_RDONLY
		if i < len(parts)-1 {
			flags |= syscall.O_DIRECTORY
		}
		next, err := syscall.Openat(fd, part, flags, 0)
		syscall.Close(fd)
		if err != nil {
			t.Fatalf("open %s: %v", part[:min(len(part), 20)], err)
		}
		fd = next
	}
	defer syscall.Close(fd)
	buf := make([]byte, 100)
	n, _ := syscall.Read(fd, buf)
	return string(bytes.TrimSpace(buf[:n]))
}
