package restore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/selection"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// longTree is a folder tree whose deepest paths pass 260 characters
// (MAX_PATH) well below dir, with files at every depth: small ones and
// ones of several chunks.
func longTree(t *testing.T, dir string) map[string]testtree.Node {
	t.Helper()
	nodes := map[string]testtree.Node{}
	rel := ""
	for i := 0; len(filepath.Join(dir, rel)) < 400; i++ {
		rel += "/" + strings.Repeat("Project archive ", 3) + string(rune('A'+i))
		nodes[strings.TrimPrefix(rel, "/")+"/notes.txt"] = testtree.Node{Data: "at depth " + rel}
	}
	rel = strings.TrimPrefix(rel, "/")
	nodes[rel+"/video.bin"] = testtree.Node{Random: 3 << 20}
	nodes[rel+"/"+strings.Repeat("a long file name ", 8)+".txt"] = testtree.Node{Data: "the longest path"}
	return nodes
}

func winArchivePath(t *testing.T, p string) string {
	t.Helper()
	a, ok := selection.ArchivePath("windows", p)
	if !ok {
		t.Fatalf("%s is not absolute", p)
	}
	return a
}

// A tree deeper than 260 characters is backed up whole and comes back
// whole: into another folder (deeper still) and to its original place.
func TestPathsLongerThanMaxPathAreBackedUpAndRestored(t *testing.T) {
	src := filepath.Join(t.TempDir(), "ana")
	testtree.Write(t, src, longTree(t, src))
	want := testtree.Snapshot(t, src)
	longest := 0
	for p := range want {
		longest = max(longest, len(filepath.Join(src, p)))
	}
	if longest <= 300 {
		t.Fatalf("the longest path has %d characters: not long enough", longest)
	}
	r := repo.TestRepo(t, 0)
	root := winArchivePath(t, src)
	res, err := backup.Run(ctx, r, backup.Options{Roots: []string{root}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 0 || len(res.Notes) != 0 {
		t.Fatalf("backup: errors %v, notes %v", res.Errors, res.Notes)
	}
	o := testtree.Options{IgnoreDirMTime: true}

	// No trailing space: Windows drops it from short paths, not long ones.
	to := filepath.Join(t.TempDir(), strings.TrimSpace(strings.Repeat("restored here ", 4)))
	got, err := Run(ctx, r, Options{Paths: []string{root}, To: to, View: index.View{At: index.Latest}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Errors) != 0 {
		t.Fatalf("restore into %s: %v", to, got.Errors)
	}
	testtree.Equal(t, want, testtree.Snapshot(t, filepath.Join(to, "ana")), o)

	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}
	got, err = Run(ctx, r, Options{Paths: []string{root}, View: index.View{At: index.Latest}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Errors) != 0 {
		t.Fatalf("restore to the original place: %v", got.Errors)
	}
	testtree.Equal(t, want, testtree.Snapshot(t, src), o)
}
