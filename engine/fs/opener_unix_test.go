//go:build unix

package fs

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestOpenerOpensFilesFolderByFolder(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{"a/x": "ax", "a/y": "ay", "b/z": "bz", "top": "top"}
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "a/x"), filepath.Join(root, "a/link")); err != nil {
		t.Fatal(err)
	}
	var o Opener
	defer o.Close()
	for _, tc := range []struct {
		name, want string
		sameDir    bool // the folder kept open from the open before
	}{
		{"a/x", "ax", false},
		{"a/y", "ay", true},
		{"b/z", "bz", false},
		{"a/x", "ax", false},
		{"top", "top", false},
		{"a/link", "", false}, // a symlink is refused, as OpenFile refuses it
		{"a/gone", "", false}, // not there: the path is tried, and the folder let go
	} {
		kept := o.dir
		f, err := o.Open(filepath.Join(root, tc.name))
		if tc.want == "" {
			if err == nil {
				f.Close()
				t.Fatalf("%s: opened", tc.name)
			}
			if _, plainErr := OpenFile(filepath.Join(root, tc.name)); plainErr == nil || plainErr.Error() != err.Error() {
				t.Errorf("%s: %v, where OpenFile says %v", tc.name, err, plainErr)
			}
		} else {
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			got, err := io.ReadAll(f)
			f.Close()
			if err != nil || string(got) != tc.want {
				t.Fatalf("%s: read %q, %v; want %q", tc.name, got, err, tc.want)
			}
			if f.Name() != filepath.Join(root, tc.name) {
				t.Errorf("file named %q, want its path", f.Name())
			}
		}
		if same := kept != nil && o.dir == kept; same != tc.sameDir {
			t.Errorf("%s: folder kept open %v, want %v", tc.name, same, tc.sameDir)
		}
	}
	// The folder is replaced while kept open: the file is read at its path.
	if _, err := o.Open(filepath.Join(root, "a/x")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(root, "a"), filepath.Join(root, "a.old")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "a/y"), []byte("new y"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(root, "a.old")); err != nil {
		t.Fatal(err)
	}
	g, err := o.Open(filepath.Join(root, "a/y"))
	if err != nil {
		t.Fatalf("a file of a folder replaced meanwhile: %v", err)
	}
	got, _ := io.ReadAll(g)
	g.Close()
	if string(got) != "new y" {
		t.Fatalf("a file of a folder replaced meanwhile reads %q, want the new one", got)
	}
	// The folder is deleted while kept open: the next file in it is gone.
	h, err := o.Open(filepath.Join(root, "a/y"))
	if err != nil || o.dir == nil {
		t.Fatalf("opening a/y again: %v, folder kept %v", err, o.dir != nil)
	}
	h.Close()
	if err := os.RemoveAll(filepath.Join(root, "a")); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Open(filepath.Join(root, "a/y")); !IsNotExist(err) {
		t.Fatalf("a file of a deleted folder: %v, want not exist", err)
	}
}

// Paths longer than the OS takes in one call are opened as OpenFile opens
// them, folder by folder.
func TestOpenerOpensPathsLongerThanPathMax(t *testing.T) {
	root := t.TempDir()
	d, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	long := root
	for len(long) <= unix.PathMax {
		name := strings.Repeat("d", 200)
		if err := d.Mkdir(name, 0o755); err != nil {
			t.Fatal(err)
		}
		sub, err := d.OpenDir(name)
		d.Close()
		if err != nil {
			t.Fatal(err)
		}
		d, long = sub, long+"/"+name
	}
	f, err := d.Create("deep.txt", 0o644)
	d.Close()
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("deep")
	f.Close()
	var o Opener
	defer o.Close()
	g, err := o.Open(long + "/deep.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if got, _ := io.ReadAll(g); string(got) != "deep" {
		t.Fatalf("read %q", got)
	}
}
