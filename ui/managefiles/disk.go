package managefiles

import (
	"cmp"
	"context"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/cairnbackup/cairn/engine/selection"
)

// entry is one thing a folder holds, as the tree shows it.
type entry struct {
	name  string
	isDir bool // a real folder: links to folders are not followed, as the backup does not
}

// computerID is the tree's invisible top node: it holds the file system
// roots ("/", or the drives on Windows).
const computerID = ""

// listBatch is how many entries are read between checks for cancellation.
const listBatch = 256

// listDir reads a folder (path in the selection's form), folders first,
// then by name ignoring case. Hidden files are listed like any other.
func listDir(ctx context.Context, dir string) ([]entry, error) {
	if dir == computerID {
		return listRoots(), nil
	}
	f, err := os.Open(osPath(dir))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []entry
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		des, err := f.ReadDir(listBatch)
		for _, de := range des {
			out = append(out, entry{name: de.Name(), isDir: de.IsDir()})
		}
		if err == io.EOF || (err == nil && len(des) == 0) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	sortEntries(out)
	return out, nil
}

// sortEntries puts folders first, then orders by name as a person reads it.
func sortEntries(es []entry) {
	slices.SortFunc(es, func(a, b entry) int {
		if a.isDir != b.isDir {
			if a.isDir {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name)), cmp.Compare(a.name, b.name))
	})
}

// listRoots returns the file system roots: "/" on Unix, the drives that are
// there on Windows ("/C:").
func listRoots() []entry {
	if runtime.GOOS != "windows" {
		return []entry{{name: "/", isDir: true}}
	}
	var out []entry
	for l := 'A'; l <= 'Z'; l++ {
		if _, err := os.Stat(string(l) + `:\`); err == nil {
			out = append(out, entry{name: string(l) + ":", isDir: true})
		}
	}
	return out
}

// rootPath is the selection's path of a root listed by listRoots.
func rootPath(name string) string {
	if name == "/" {
		return "/"
	}
	return "/" + name
}

// osPath turns a selection path into the system's ("/C:/Users" → `C:\Users`,
// "/C:" → `C:\`, "/UNC/server/share" → `\\server\share\`).
func osPath(p string) string { return selection.OSPath(runtime.GOOS, p) }
