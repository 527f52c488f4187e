package device

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// everything is a tree with each kind of entry Cairn must bring back.
var everything = map[string]testtree.Node{
	"Documents/report.txt":            {Data: "quarterly report\n"},
	"Documents/empty.txt":             {},
	"Documents/private.txt":           {Data: "secret", Mode: 0o600},
	"Documents/readonly.txt":          {Data: "ro", Mode: 0o444},
	"Documents/big.bin":               {Random: 5<<20 + 12345},
	"Documents/Empty folder":          {Dir: true},
	"Documents/Locked":                {Dir: true, Mode: 0o500},
	"Documents/Locked/inside.txt":     {Data: "inside a read-only folder"},
	"Projects/app/run.sh":             {Data: "#!/bin/sh\necho hi\n", Mode: 0o755},
	"Projects/app/link-rel":           {Symlink: "run.sh"},
	"Projects/app/link-abs":           {Symlink: "/etc/hostname"},
	"Projects/app/link-dangling":      {Symlink: "../nowhere/at/all"},
	"Projects/app/hard-a":             {Data: "hard linked content"},
	"Projects/app/hard-b":             {HardLink: "Projects/app/hard-a"},
	"Projects/pipe":                   {FIFO: true},
	"Names/résumé café.txt":           {Data: "utf-8"},
	"Names/日本語 メモ.md":                 {Data: "cjk"},
	"Names/\xff\xfe latin-1 \xe9.txt": {Data: "not utf-8"},
	"Names/new\nline":                 {Data: "newline in name"},
	"Names/ leading space":            {Data: "space"},
	"Names/-dash":                     {Data: "dash"},
	"Names/[brackets]*?":              {Data: "glob chars"},
}

func TestBackupRestoreEverything(t *testing.T) {
	f := newFixture(t)
	testtree.Write(t, f.src, everything)
	want := testtree.Snapshot(t, f.src)
	res := f.backup()
	if res.New == 0 || res.BytesStored == 0 {
		t.Fatalf("nothing backed up: %+v", res)
	}
	to := filepath.Join(f.dir, "restored")
	r := f.restore(restore.Options{To: to})
	got := testtree.Snapshot(t, filepath.Join(to, "ana"))
	testtree.Equal(t, want, got, testtree.Options{})
	if r.Links != 3 || r.Specials != 1 {
		t.Fatalf("links %d specials %d", r.Links, r.Specials)
	}
}

func TestUnchangedFilesAreNotReadAgain(t *testing.T) {
	f := newFixture(t)
	testtree.Write(t, f.src, everything)
	f.backup()
	f.reopen()
	res := f.backup()
	// (The folders above the selection, like /tmp, may change meanwhile and
	// get a new version: they are not counted here.)
	if res.BytesRead != 0 || res.New+res.Changed+res.Deleted != 0 || res.Unchanged == 0 {
		t.Fatalf("second backup read %d bytes: %+v", res.BytesRead, res)
	}
	var changed []string
	f.d.List(ctx, "", f.src, index.View{At: index.Latest}, true, func(e index.Entry) error {
		if vs, _ := f.d.Versions(ctx, "", e.Version.Path); len(vs) > 1 {
			changed = append(changed, e.Version.Path)
		}
		return nil
	})
	if len(changed) > 0 {
		t.Fatalf("new versions of unchanged entries: %v", changed)
	}
}

func TestEditInTheMiddleStoresOnlyTheChangedChunks(t *testing.T) {
	f := newFixture(t)
	testtree.Write(t, f.src, map[string]testtree.Node{"video.mp4": {Random: 64 << 20}})
	first := f.backup()
	fh, err := os.OpenFile(f.path("video.mp4"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteAt(bytes.Repeat([]byte("edit"), 1024), 30<<20)
	fh.Close()
	second := f.backup()
	if second.Changed != 1 {
		t.Fatalf("changed %d", second.Changed)
	}
	// One or two chunks around the edit (at most 2 MiB each), not 64 MiB.
	if second.BytesStored > 5<<20 || second.BytesStored*10 > first.BytesStored {
		t.Fatalf("a 4 KiB edit stored %d bytes (first backup %d)", second.BytesStored, first.BytesStored)
	}
	to := filepath.Join(f.dir, "r")
	f.restore(restore.Options{To: to})
	testtree.Equal(t, testtree.Snapshot(t, f.src), testtree.Snapshot(t, filepath.Join(to, "ana")), testtree.Options{})
}

func TestIdenticalContentIsStoredOnce(t *testing.T) {
	f := newFixture(t)
	data := string(testtree.RandomBytes("dup", 6<<20))
	testtree.Write(t, f.src, map[string]testtree.Node{
		"Pictures/IMG_1.jpg":         {Data: data},
		"Downloads/IMG_1 (1).jpg":    {Data: data},
		"Downloads/IMG_1 (2).jpg":    {Data: data},
		"Documents/small copy 1.txt": {Data: "same small file"},
		"Documents/small copy 2.txt": {Data: "same small file"},
	})
	res := f.backup()
	if res.BytesStored > 6<<20+64<<10 {
		t.Fatalf("three copies of 6 MiB stored as %d bytes", res.BytesStored)
	}
	if res.ChunksDeduped == 0 {
		t.Fatal("no chunk deduplicated")
	}
}

func TestArchiveHoldsNoPlaintext(t *testing.T) {
	f := newFixture(t)
	secret := "the launch codes are 0000 " + strings.Repeat("x", 200)
	testtree.Write(t, f.src, map[string]testtree.Node{"secret-plans.txt": {Data: secret}})
	f.backup()
	filepath.Walk(f.dest, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		for _, s := range []string{"launch codes", "secret-plans", "home/ana"} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains %q in the clear", p, s)
			}
		}
		return nil
	})
}

func TestVersionsAsOfAndDeleted(t *testing.T) {
	f := newFixture(t)
	p := f.path("notes.txt")
	var times []int64
	for _, content := range []string{"one", "two two", "three three three"} {
		os.WriteFile(p, []byte(content), 0o644)
		f.backup()
		vs, err := f.d.Versions(ctx, "", p)
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, vs[len(vs)-1].Recorded)
	}
	os.Remove(p)
	res := f.backup()
	if res.Deleted != 1 {
		t.Fatalf("deleted %d", res.Deleted)
	}
	vs, _ := f.d.Versions(ctx, "", p)
	if len(vs) != 4 || !vs[3].Deleted || vs[1].Size != 7 {
		t.Fatalf("versions: %+v", vs)
	}
	if _, ok, _ := f.d.Lookup(ctx, "", p, index.View{At: index.Latest}); ok {
		t.Fatal("deleted file visible now")
	}
	e, ok, _ := f.d.Lookup(ctx, "", p, index.View{At: index.Latest, WithDeleted: true})
	if !ok || e.DeletedAt == 0 || e.Version.Size != 17 {
		t.Fatalf("with deleted: %+v %v", e, ok)
	}
	for i, want := range []string{"one", "two two", "three three three"} {
		to := filepath.Join(f.dir, "at", want)
		f.restore(restore.Options{Paths: []string{p}, To: to, View: index.View{At: times[i]}})
		got, err := os.ReadFile(filepath.Join(to, "notes.txt"))
		if err != nil || string(got) != want {
			t.Fatalf("as of version %d: %q %v", i, got, err)
		}
	}
	if _, err := f.d.Restore(ctx, "", restore.Options{Paths: []string{p}, To: f.dir, View: index.View{At: index.Latest}}); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("restoring a deleted file without --deleted: %v", err)
	}
	f.restore(restore.Options{Paths: []string{p}, View: index.View{At: index.Latest, WithDeleted: true}})
	if got, _ := os.ReadFile(p); string(got) != "three three three" {
		t.Fatalf("deleted file restored in place: %q", got)
	}
}

func TestPasswordChangeRewrapsWithoutReencrypting(t *testing.T) {
	f := newFixture(t)
	testtree.Write(t, f.src, map[string]testtree.Node{"a.txt": {Data: "a"}})
	f.backup()
	before := dirHashes(t, filepath.Join(f.dest, "packs"))
	if err := f.d.ChangePassword(ctx, "", []byte("correct horse battery"), []byte("new password"), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if err := f.d.ChangePassword(ctx, "", []byte("correct horse battery"), []byte("x"), crypt.TestKDF); !errors.Is(err, engine.ErrWrongPassword) {
		t.Fatalf("old password still accepted: %v", err)
	}
	if after := dirHashes(t, filepath.Join(f.dest, "packs")); after != before {
		t.Fatal("packs changed on a password change")
	}
	// Another computer attaches with the new password only.
	other, err := Open(filepath.Join(f.dir, "other-home"), Options{UserHome: f.src})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.AddFolderDestination(ctx, "drive", f.dest, password, crypt.TestKDF)
	if !errors.Is(err, engine.ErrWrongPassword) {
		t.Fatalf("attach with the old password: %v", err)
	}
	newPw := func(string, bool) ([]byte, error) { return []byte("new password"), nil }
	if _, err := other.AddFolderDestination(ctx, "drive", f.dest, newPw, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
}

func dirHashes(t *testing.T, dir string) string {
	var b strings.Builder
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			data, _ := os.ReadFile(p)
			b.WriteString(p)
			b.Write(data)
		}
		return nil
	})
	return b.String()
}

func TestRepairIndexRebuildsFromTheDestination(t *testing.T) {
	f := newFixture(t)
	testtree.Write(t, f.src, everything)
	f.backup()
	os.WriteFile(f.path("Documents/report.txt"), []byte("second version"), 0o644)
	f.backup()
	want := testtree.Snapshot(t, f.src)
	f.d.Close()
	if err := os.RemoveAll(filepath.Join(f.home, "index")); err != nil {
		t.Fatal(err)
	}
	f.open()
	rep, err := f.d.RepairIndex(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.NewSegments < 2 || rep.NewPacks == 0 {
		t.Fatalf("repair read %+v", rep)
	}
	vs, _ := f.d.Versions(ctx, "", f.path("Documents/report.txt"))
	if len(vs) != 2 {
		t.Fatalf("%d versions after repair", len(vs))
	}
	// The rebuilt index knows the files: nothing is read again.
	if res := f.backup(); res.BytesRead != 0 {
		t.Fatalf("backup after repair read %d bytes", res.BytesRead)
	}
	to := filepath.Join(f.dir, "r")
	f.restore(restore.Options{To: to})
	testtree.Equal(t, want, testtree.Snapshot(t, filepath.Join(to, "ana")), testtree.Options{})
}

func TestAnotherComputerAttachesAndRestores(t *testing.T) {
	f := newFixture(t)
	testtree.Write(t, f.src, everything)
	f.backup()
	want := testtree.Snapshot(t, f.src)
	other, err := Open(filepath.Join(f.dir, "new-laptop"), Options{UserHome: f.src})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	res, err := other.AddFolderDestination(ctx, "old-drive", f.dest, password, crypt.TestKDF)
	if err != nil || res.Created || res.Sync.NewVersions == 0 {
		t.Fatalf("%+v %v", res, err)
	}
	to := filepath.Join(f.dir, "on-new-laptop")
	r, err := other.Restore(ctx, "", restore.Options{Paths: []string{f.src}, To: to, View: index.View{At: index.Latest}})
	if err != nil || len(r.Errors) > 0 {
		t.Fatalf("%v %v", err, r.Errors)
	}
	testtree.Equal(t, want, testtree.Snapshot(t, filepath.Join(to, "ana")), testtree.Options{})
}

func TestExclusionsWin(t *testing.T) {
	f := newFixture(t)
	testtree.Write(t, f.src, map[string]testtree.Node{
		"keep.txt":                  {Data: "k"},
		"draft.tmp":                 {Data: "t"},
		"site/node_modules/x.js":    {Data: "n"},
		"Private/_NoBackup/a.txt":   {Data: "n"},
		".cache/thumbs/1.png":       {Data: "c"},
		"Documents/temperature.csv": {Data: "keep: not a temp file"},
	})
	if err := f.d.Exclude("**/node_modules"); err != nil {
		t.Fatal(err)
	}
	if err := f.d.Exclude("[unclosed"); err == nil {
		t.Fatal("invalid pattern accepted")
	}
	f.backup()
	var got []string
	f.d.List(ctx, "", f.src, index.View{At: index.Latest}, true, func(e index.Entry) error {
		if e.Version.Type == engine.TypeRegular {
			got = append(got, strings.TrimPrefix(e.Version.Path, f.src+"/"))
		}
		return nil
	})
	if strings.Join(got, ",") != "Documents/temperature.csv,keep.txt" {
		t.Fatalf("backed up: %v", got)
	}
	// Excluding a folder later removes it from the current view (kept as deleted).
	f.d.Exclude("Documents")
	if res := f.backup(); res.Deleted != 2 {
		t.Fatalf("newly excluded folder: %d deletions", res.Deleted)
	}
}

func TestBackupPrunesOnceADay(t *testing.T) {
	f := newFixture(t)
	testtree.Write(t, f.src, map[string]testtree.Node{"a.txt": {Data: "a"}})
	lastPrune := func() time.Time {
		var last time.Time
		r, _, _ := f.d.repo(ctx, "")
		f.d.getMeta(r.Dest(), "lastprune", &last)
		return last
	}
	if _, err := f.d.Backup(ctx, "", BackupOptions{PruneAfter: true}); err != nil {
		t.Fatal(err)
	}
	first := lastPrune()
	if first.IsZero() {
		t.Fatal("the prune clock did not start with the first backup")
	}
	if _, err := f.d.Backup(ctx, "", BackupOptions{PruneAfter: true}); err != nil {
		t.Fatal(err)
	}
	if !lastPrune().Equal(first) {
		t.Fatal("pruned again within a day")
	}
	f.d.update(func(c *config.Config) error { c.PruneEvery = config.Duration(time.Nanosecond); return nil }) // a day has passed
	if _, err := f.d.Backup(ctx, "", BackupOptions{PruneAfter: true}); err != nil {
		t.Fatal(err)
	}
	if !lastPrune().After(first) {
		t.Fatal("a due prune did not run after the backup")
	}
}
