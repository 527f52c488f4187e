package selection

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// On a Windows machine (the Windows CI): a drive chosen in the folder tree
// ("/C:") is listed as its root, the way the files screen lists a folder
// (os.Open of OSPath), and not as that drive's current folder, which is
// what Windows makes of a bare "C:". The conversions themselves are
// tested on every system in ospath_test.go.
func TestDriveRootListsTheRoot(t *testing.T) {
	dir := t.TempDir()
	const marker = "only-in-the-current-folder.txt"
	if err := os.WriteFile(filepath.Join(dir, marker), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir) // the drive's current folder is now dir
	drive := filepath.VolumeName(dir)
	if len(drive) != 2 {
		t.Skipf("the temporary folder %s is not on a drive", dir)
	}
	if bare, err := os.ReadDir(drive); err == nil && !slices.ContainsFunc(bare, func(e os.DirEntry) bool { return e.Name() == marker }) {
		t.Logf("%s alone did not list the current folder here: the test still checks the root", drive)
	}
	archive, ok := ArchivePath(runtime.GOOS, drive)
	if !ok || archive != "/"+strings.ToUpper(drive) {
		t.Fatalf("ArchivePath(%s) = %q, %v", drive, archive, ok)
	}
	osPath := OSPath(runtime.GOOS, archive)
	if osPath != strings.ToUpper(drive)+`\` {
		t.Fatalf("OSPath(%s) = %s, want the root", archive, osPath)
	}
	f, err := os.Open(osPath)
	if err != nil {
		t.Fatal(err)
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(names, marker) {
		t.Fatalf("%s lists the current folder %s: %v", archive, dir, names)
	}
	// The temporary folder's top folder is in the root.
	top := strings.SplitN(strings.TrimPrefix(dir, drive+`\`), `\`, 2)[0]
	if !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, top) }) {
		t.Fatalf("%s lists %v, without %s", archive, names, top)
	}
	// A folder below the root converts back to where it is.
	if got, ok := ArchivePath(runtime.GOOS, OSPath(runtime.GOOS, archive+"/"+top)); !ok || !strings.EqualFold(got, archive+"/"+top) {
		t.Fatalf("round trip of %s/%s: %q, %v", archive, top, got, ok)
	}
}
