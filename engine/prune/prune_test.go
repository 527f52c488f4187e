package prune

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/engine/retention"
	"github.com/cairnbackup/cairn/engine/verify"
	"github.com/cairnbackup/cairn/internal/testtree"
)

var ctx = context.Background()

var day0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// history backs up a folder over 30 simulated days: report.txt changes every
// 10 minutes for two hours on day 0 and then daily, gone.bin (unique data)
// is deleted on day 1, and photo.jpg never changes.
func history(t *testing.T, r *repo.Repo) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "ana")
	testtree.Write(t, src, map[string]testtree.Node{
		"photo.jpg":  {Random: 700 << 10},
		"gone.bin":   {Random: 900 << 10},
		"report.txt": {Data: "v0"},
	})
	at := day0
	pass := func() {
		if _, err := backup.Run(ctx, r, backup.Options{Roots: []string{src}, Now: func() time.Time { return at }}); err != nil {
			t.Fatal(err)
		}
	}
	write := func(s string) {
		os.WriteFile(filepath.Join(src, "report.txt"), []byte(s+string(testtree.RandomBytes(s, 300<<10))), 0o644)
	}
	pass()
	for i := 1; i <= 12; i++ {
		at = day0.Add(time.Duration(i) * 10 * time.Minute)
		write(at.String())
		pass()
	}
	for d := 1; d <= 30; d++ {
		at = day0.Add(time.Duration(d) * 24 * time.Hour)
		if d == 1 {
			os.Remove(filepath.Join(src, "gone.bin"))
		}
		write(at.String())
		pass()
	}
	return src
}

func countVersions(t *testing.T, r *repo.Repo, p string) int {
	vs, err := r.Index().History(r.Dest(), p)
	if err != nil {
		t.Fatal(err)
	}
	return len(vs)
}

func archiveSize(t *testing.T, r *repo.Repo) int64 {
	var n int64
	filepath.Walk(filepath.Join(repo.ArchiveDir(r), "packs"), func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

func TestPruneAppliesRetentionAndFreesSpace(t *testing.T) {
	r := repo.TestRepo(t, 256<<10)
	src := history(t, r)
	report, gone := filepath.Join(src, "report.txt"), filepath.Join(src, "gone.bin")
	if n := countVersions(t, r, report); n != 43 {
		t.Fatalf("report has %d versions before pruning", n)
	}
	sizeBefore := archiveSize(t, r)

	// Day 31: within a week everything is kept at most one per 30 minutes
	// (day 0's 13 versions are older than a week: one per day).
	res, err := Run(ctx, r, Options{Policy: retention.Default(), Now: day0.Add(31 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if n := countVersions(t, r, report); n != 31 {
		t.Fatalf("after the first prune report has %d versions, want 31 (one for day 0, one for each later day)", n)
	}
	if countVersions(t, r, gone) != 2 {
		t.Fatal("a file deleted 30 days ago must keep its version and its deletion")
	}
	if res.Segments.Rewritten == 0 || res.GC.BytesFreed <= 0 {
		t.Fatalf("nothing rewritten or freed: %+v", res)
	}

	// Day 120: gone.bin was deleted 119 days ago: all of it goes, and its data.
	if _, err := Run(ctx, r, Options{Policy: retention.Default(), Now: day0.Add(120 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if n := countVersions(t, r, gone); n != 0 {
		t.Fatalf("expired deleted file still has %d versions", n)
	}
	// 30 daily versions, now 90–120 days old, thin to one per ISO week.
	if n := countVersions(t, r, report); n < 4 || n > 7 {
		t.Fatalf("report has %d versions after weekly thinning", n)
	}
	if n := countVersions(t, r, filepath.Join(src, "photo.jpg")); n != 1 {
		t.Fatalf("the only version of an unchanged file: %d", n)
	}
	if after := archiveSize(t, r); after >= sizeBefore-900<<10 {
		t.Fatalf("archive %d → %d bytes: the deleted file's data was not freed", sizeBefore, after)
	}

	// Everything left is intact and restores.
	rep, err := verify.Run(ctx, r, verify.Options{Full: true})
	if err != nil || !rep.OK() {
		t.Fatalf("verify after prune: %+v %v", rep, err)
	}
	to := t.TempDir()
	rr, err := restore.Run(ctx, r, restore.Options{Paths: []string{src}, To: to, View: index.View{At: index.Latest}})
	if err != nil || len(rr.Errors) > 0 {
		t.Fatalf("restore: %v %v", err, rr.Errors)
	}
	testtree.Equal(t, testtree.Snapshot(t, src), testtree.Snapshot(t, filepath.Join(to, "ana")), testtree.Options{IgnoreDirMTime: true})

	// The destination agrees: rebuilding the index brings back nothing pruned.
	kept := countVersions(t, r, report)
	if _, err := r.RebuildIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if countVersions(t, r, report) != kept || countVersions(t, r, gone) != 0 {
		t.Fatal("pruned versions came back from the destination")
	}
}

func TestPruneNeverRemovesTheNewestVersion(t *testing.T) {
	r := repo.TestRepo(t, 0)
	src := filepath.Join(t.TempDir(), "ana")
	testtree.Write(t, src, map[string]testtree.Node{"old.txt": {Data: "ancient"}})
	if _, err := backup.Run(ctx, r, backup.Options{Roots: []string{src}, Now: func() time.Time { return day0 }}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, r, Options{Policy: retention.Default(), Now: day0.AddDate(10, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	if n := countVersions(t, r, filepath.Join(src, "old.txt")); n != 1 {
		t.Fatalf("%d versions", n)
	}
}
