package fs

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/selection"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// These run on a Windows machine (the Windows CI): the entries are made
// for real and described through this package's own calls. The decisions
// themselves are tested on every system in notbackedup_test.go.

// archive is the archive's form of a Windows path ("/C:/Users/…").
func archive(t *testing.T, p string) string {
	t.Helper()
	a, ok := selection.ArchivePath("windows", p)
	if !ok {
		t.Fatalf("%s is not absolute", p)
	}
	return a
}

// lstatAt describes the entry at the Windows path p through its folder.
func lstatAt(t *testing.T, p string) Info {
	t.Helper()
	d, err := OpenDir(archive(t, filepath.Dir(p)))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	i, err := d.Lstat(filepath.Base(p))
	if err != nil {
		t.Fatalf("lstat %s: %v", p, err)
	}
	return i
}

func TestJunctionIsNotedNotFollowed(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "Documents")
	testtree.Write(t, docs, map[string]testtree.Node{"report.txt": {Data: "kept"}})
	junction := filepath.Join(dir, "My Documents")
	if out, err := exec.Command("cmd", "/c", "mklink", "/J", junction, docs).CombinedOutput(); err != nil {
		t.Fatalf("mklink /J: %v\n%s", err, out)
	}
	if tag, err := testtree.ReparseTag(junction); err != nil || tag != winTagMountPoint {
		t.Fatalf("mklink /J made tag %#x (%v), not a junction", tag, err)
	}
	i := lstatAt(t, junction)
	if i.Type != engine.TypeSymlink || i.NotBackedUp != ErrJunction {
		t.Fatalf("junction: %v, %v; want a link left out as a junction", i.Type, i.NotBackedUp)
	}
	if i := lstatAt(t, docs); i.Type != engine.TypeDir || i.NotBackedUp != nil {
		t.Fatalf("the folder it points to: %v, %v", i.Type, i.NotBackedUp)
	}
}

// An alias Windows made (winget, python, a Store app's) when the machine
// has one; the test's own otherwise.
func TestAppExecutionAliasIsNoted(t *testing.T) {
	t.Run("installed", func(t *testing.T) {
		apps := filepath.Join(os.Getenv("LOCALAPPDATA"), "Microsoft", "WindowsApps")
		entries, err := os.ReadDir(apps)
		if err != nil {
			t.Skipf("no %s (%v): no app execution aliases on this machine", apps, err)
		}
		var alias string
		for _, e := range entries {
			p := filepath.Join(apps, e.Name())
			if tag, err := testtree.ReparseTag(p); err == nil && tag == winTagAppExecLink && !e.IsDir() {
				alias = p
				break
			}
		}
		if alias == "" {
			t.Skipf("%s holds no app execution alias (no Store app or winget installed for this account)", apps)
		}
		i := lstatAt(t, alias)
		if i.Type != engine.TypeRegular || i.NotBackedUp != ErrAppAlias {
			t.Fatalf("%s: %v, %v; want left out as an app execution alias", alias, i.Type, i.NotBackedUp)
		}
	})
	t.Run("made", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "winget.exe")
		testtree.AppExecLink(t, p, "Microsoft.DesktopAppInstaller_8wekyb3d8bbwe",
			"Microsoft.DesktopAppInstaller_8wekyb3d8bbwe!winget", `C:\Program Files\WindowsApps\winget.exe`)
		i := lstatAt(t, p)
		if i.Type != engine.TypeRegular || i.NotBackedUp != ErrAppAlias {
			t.Fatalf("%s: %v, %v; want left out as an app execution alias", p, i.Type, i.NotBackedUp)
		}
	})
}

func TestOfflineFileIsCloudOnly(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cloud.docx")
	if err := os.WriteFile(p, []byte("only a placeholder here"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := windows.SetFileAttributes(windows.StringToUTF16Ptr(p), windows.FILE_ATTRIBUTE_OFFLINE); err != nil {
		t.Fatal(err)
	}
	if i := lstatAt(t, p); i.Type != engine.TypeRegular || i.NotBackedUp != ErrCloudOnly {
		t.Fatalf("offline file: %v, %v; want cloud-only", i.Type, i.NotBackedUp)
	}
}

// A real placeholder of the Cloud Filter API (what OneDrive leaves for a
// file it has not downloaded), in a sync root whose provider never
// answers: describing it must not need its data.
func TestCloudPlaceholderIsCloudOnly(t *testing.T) {
	root := testtree.CloudPlaceholders(t, 5<<20, "big.mp4")
	p := filepath.Join(root, "big.mp4")
	var attrs uint32
	if a, err := windows.GetFileAttributes(windows.StringToUTF16Ptr(p)); err == nil {
		attrs = a
	}
	i := lstatAt(t, p)
	if i.Type != engine.TypeRegular || i.NotBackedUp != ErrCloudOnly {
		t.Fatalf("placeholder (attributes %#x): %v, %v; want cloud-only", attrs, i.Type, i.NotBackedUp)
	}
	if i.Size != 5<<20 {
		t.Errorf("placeholder's size %d, want the cloud file's", i.Size)
	}
}

func TestFileHeldByAnotherProgramIsInUse(t *testing.T) {
	dir := t.TempDir()
	t.Run("opened without sharing", func(t *testing.T) {
		p := filepath.Join(dir, "outlook.pst")
		if err := os.WriteFile(p, []byte("mail"), 0o644); err != nil {
			t.Fatal(err)
		}
		testtree.HoldFile(t, p, testtree.NoSharing)
		if i := lstatAt(t, p); i.Type != engine.TypeRegular || i.NotBackedUp != nil || i.Size != 4 {
			t.Errorf("a held file could not be described: %+v", i)
		}
		f, err := OpenFile(archive(t, p))
		if err == nil {
			f.Close()
			t.Fatal("opened a file another program holds without sharing")
		}
		if !errors.Is(err, ErrInUse) {
			t.Fatalf("open: %v, want in use", err)
		}
	})
	t.Run("bytes locked", func(t *testing.T) {
		p := filepath.Join(dir, "data.mdf")
		if err := os.WriteFile(p, []byte("a database"), 0o644); err != nil {
			t.Fatal(err)
		}
		testtree.HoldFile(t, p, testtree.LockedRange)
		f, err := OpenFile(archive(t, p))
		if err != nil {
			t.Fatalf("open a file shared for reading: %v", err)
		}
		defer f.Close()
		_, err = io.ReadAll(f)
		if err == nil || !errors.Is(ReadError(err), ErrInUse) {
			t.Fatalf("read a locked range: %v, want in use", ReadError(err))
		}
	})
}

// Paths of more than 260 characters (MAX_PATH) are described, listed,
// read and made, including through the calls made outside Go's os package
// (the handle that reads file IDs and reparse tags).
func TestPathsLongerThanMaxPath(t *testing.T) {
	dir := t.TempDir()
	segment := strings.Repeat("long folder name ", 4)
	deep := dir
	for len(deep) < 300 {
		deep = filepath.Join(deep, segment+string(rune('a'+len(deep)%26)))
	}
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(deep, "report.txt")
	if err := os.WriteFile(p, []byte("deep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if len(p) <= 260 {
		t.Fatalf("%d characters: not long enough", len(p))
	}
	i := lstatAt(t, p)
	if i.Type != engine.TypeRegular || i.Size != 4 || i.Inode == 0 || i.CTime == 0 {
		t.Fatalf("%s: %+v; want a 4-byte file with its file ID and change time", p, i)
	}
	d, err := OpenDir(archive(t, deep))
	if err != nil {
		t.Fatal(err)
	}
	if names, err := d.Names(); err != nil || !slices.Equal(names, []string{"report.txt"}) {
		t.Fatalf("names %v, %v", names, err)
	}
	f, err := d.Open("report.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(f)
	f.Close()
	if err != nil || string(b) != "deep" {
		t.Fatalf("read %q, %v", b, err)
	}
	if err := d.Mkdir("made here", 0o755); err != nil {
		t.Fatal(err)
	}
	sub, err := d.OpenDir("made here")
	if err != nil {
		t.Fatal(err)
	}
	w, err := sub.Create("new.txt", 0o644)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if err := sub.SetModTime("new.txt", testtree.DefaultMTime.UnixNano()); err != nil {
		t.Fatal(err)
	}
	want := testtree.DefaultMTime.UnixNano() / 100 * 100 // Windows keeps 100 ns
	if st, err := Stat(archive(t, filepath.Join(deep, "made here", "new.txt"))); err != nil || st.ModTime != want {
		t.Fatalf("stat %+v, %v; want modified at %d", st, err, want)
	}
}

// "/C:" is the drive's root, never C:'s current folder (which a bare "C:"
// means to Windows).
func TestDriveRootIsTheRoot(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "only-in-the-current-folder.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	drive := filepath.VolumeName(dir)
	root, err := os.ReadDir(drive + `\`)
	if err != nil || len(root) == 0 {
		t.Fatalf("%s\\ lists %v, %v", drive, root, err)
	}
	d, err := OpenDir("/" + strings.ToUpper(drive))
	if err != nil {
		t.Fatal(err)
	}
	names, err := d.Names()
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(names, "only-in-the-current-folder.txt") {
		t.Fatalf("/%s lists the current folder: %v", drive, names)
	}
	for _, e := range root {
		// Every entry of the root, unless it went away since (a system
		// log rotated while the test ran).
		if _, err := os.Lstat(drive + `\` + e.Name()); err == nil && !slices.Contains(names, e.Name()) {
			t.Errorf("/%s lists %v, without the root's %s", drive, names, e.Name())
		}
	}
	if i, err := Stat("/" + drive); err != nil || i.Type != engine.TypeDir {
		t.Fatalf("stat /%s: %+v, %v", drive, i, err)
	}
}
