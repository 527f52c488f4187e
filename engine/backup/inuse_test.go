package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// fakeInUse stands for engine/snapshot: it "opens from a snapshot" by
// opening the file under another name, or fails as the snapshot package
// does when there is no helper.
type fakeInUse struct {
	mu     sync.Mutex
	asked  []string
	closed int
	open   func(path string) (*os.File, error)
}

func (f *fakeInUse) Open(ctx context.Context, path string) (*os.File, error) {
	f.mu.Lock()
	f.asked = append(f.asked, filepath.Base(path))
	f.mu.Unlock()
	return f.open(path)
}

func (f *fakeInUse) Close() error { f.closed++; return nil }

var errNoSnapshot = errors.Join(fs.ErrInUse, errors.New("no helper"))

// heldOpen makes the files named in held look held by another program.
func heldOpen(held ...string) func(string) (*os.File, error) {
	return func(p string) (*os.File, error) {
		for _, h := range held {
			if filepath.Base(p) == h {
				return nil, &os.PathError{Op: "open", Path: p, Err: fs.ErrInUse}
			}
		}
		return fs.OpenFile(p)
	}
}

func TestInUseFileIsReadFromTheSnapshot(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{
		"mail.pst": {Data: "live, held by Outlook"}, "mail.pst.shadow": {Data: "as in the snapshot"},
		"notes.txt": {Data: "free"},
	})
	in := &fakeInUse{open: func(p string) (*os.File, error) { return os.Open(p + ".shadow") }}
	res := f.run(Options{openFile: heldOpen("mail.pst"), InUse: in})
	if len(res.Errors) != 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	if vs := f.history("mail.pst"); len(vs) != 1 || vs[0].Size != int64(len("as in the snapshot")) {
		t.Errorf("mail.pst: %+v, want the snapshot's copy", vs)
	}
	if len(in.asked) != 1 || in.asked[0] != "mail.pst" || in.closed != 1 {
		t.Errorf("asked for %v, closed %d times: want mail.pst only, closed once", in.asked, in.closed)
	}
}

func TestInUseFileWithoutSnapshotIsReportedInUse(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{"mail.pst": {Data: "held"}, "notes.txt": {Data: "free"}})
	in := &fakeInUse{open: func(string) (*os.File, error) { return nil, errNoSnapshot }}
	res := f.run(Options{openFile: heldOpen("mail.pst"), InUse: in})
	if len(res.Errors) != 1 || filepath.Base(res.Errors[0].Path) != "mail.pst" || !errors.Is(res.Errors[0].Err, fs.ErrInUse) {
		t.Fatalf("errors %v, want mail.pst in use", res.Errors)
	}
	if len(f.history("notes.txt")) != 1 || len(f.history("mail.pst")) != 0 {
		t.Error("want notes.txt recorded and mail.pst not")
	}
	if in.closed != 1 {
		t.Errorf("closed %d times, want once", in.closed)
	}
}

func TestInUseFileWithoutReaderIsReportedAsBefore(t *testing.T) {
	f := newFixture(t, map[string]testtree.Node{"mail.pst": {Data: "held"}})
	res := f.run(Options{openFile: heldOpen("mail.pst")})
	if len(res.Errors) != 1 || !errors.Is(res.Errors[0].Err, fs.ErrInUse) {
		t.Fatalf("errors %v, want mail.pst in use", res.Errors)
	}
}
