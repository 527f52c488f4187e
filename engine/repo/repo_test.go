package repo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/pack"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/folder"
)

var ctx = context.Background()

func addChunk(t *testing.T, r *Repo, p *Packer, data string) engine.ChunkID {
	t.Helper()
	w := r.NewWorker()
	id := engine.ChunkID(w.IDs.Sum([]byte(data)))
	sealed, _ := pack.SealChunk(w.Data, nil, id, append([]byte{0}, data...))
	if err := p.Add(id, sealed, len(data)); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSyncPicksUpPacksAndSegmentsACrashLeftBehind(t *testing.T) {
	r := TestRepo(t, 0)
	p := r.NewPacker(ctx)
	id := addChunk(t, r, p, "written but never committed")
	if _, err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	// A segment written by a run killed before it updated its index.
	sw := r.newSegmentWriter()
	sw.add(ctx, &engine.Version{Path: "/a", Recorded: 5, Type: engine.TypeRegular, Size: 27, Chunks: []engine.ChunkID{id}})
	if err := sw.flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := r.ix.Chunk(r.dest, id); ok {
		t.Fatal("index knows the chunk before Sync")
	}
	rep, err := r.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.NewPacks != 1 || rep.NewSegments != 1 || rep.NewVersions != 1 {
		t.Fatalf("%+v", rep)
	}
	if _, ok, _ := r.ix.Chunk(r.dest, id); !ok {
		t.Fatal("chunk not indexed after Sync")
	}
	if st, ok, _ := r.ix.Stat(r.dest, "/a"); !ok || st.Size != 27 {
		t.Fatal("stat not rebuilt from the segment")
	}
	// Idempotent.
	if rep, _ := r.Sync(ctx); rep.NewPacks+rep.NewSegments != 0 {
		t.Fatalf("second sync: %+v", rep)
	}
}

func TestPruneInterruptedAfterForgettingIsFinishedLater(t *testing.T) {
	r := TestRepo(t, 0)
	v := []engine.Version{{Path: "/a", Recorded: 1, Type: engine.TypeRegular}, {Path: "/a", Recorded: 2, Type: engine.TypeRegular}}
	if err := r.Commit(ctx, nil, v); err != nil {
		t.Fatal(err)
	}
	hist, _ := r.ix.History(r.dest, "/a")
	seg, _, _ := r.ix.VersionSegment(r.dest, "/a", 1)
	if err := r.ForgetVersions([]index.Stored{{Version: hist[0], Segment: seg}}); err != nil {
		t.Fatal(err)
	}
	// "Crash" here: segments not rewritten. Freeing space must wait.
	if _, err := r.CollectGarbage(ctx, GCOptions{}); err == nil {
		t.Fatal("garbage collected while segments still hold forgotten versions")
	}
	st, err := r.RewriteSegments(ctx)
	if err != nil || st.Rewritten != 1 || st.Records != 1 {
		t.Fatalf("%+v %v", st, err)
	}
	if _, err := r.RebuildIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if hist, _ := r.ix.History(r.dest, "/a"); len(hist) != 1 || hist[0].Recorded != 2 {
		t.Fatalf("after rebuild: %+v", hist)
	}
}

func TestKeysAndConfig(t *testing.T) {
	dir := t.TempDir()
	b, err := folder.Create(filepath.Join(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := Exists(ctx, b); ok {
		t.Fatal("empty folder holds an archive")
	}
	m, err := Init(ctx, b, []byte("pw one"), InitOptions{KDF: crypt.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := Exists(ctx, b); !ok {
		t.Fatal("archive not recognised")
	}
	if got, err := Unlock(ctx, b, []byte("pw one")); err != nil || got != m {
		t.Fatalf("unlock: %v", err)
	}
	if _, err := Unlock(ctx, b, []byte("pw two")); !errors.Is(err, engine.ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	if err := ChangePassword(ctx, b, []byte("pw one"), []byte("pw two"), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if _, err := Unlock(ctx, b, []byte("pw one")); !errors.Is(err, engine.ErrWrongPassword) {
		t.Fatal("old password still works")
	}
	if got, err := Unlock(ctx, b, []byte("pw two")); err != nil || got != m {
		t.Fatal("new password does not unlock the same key")
	}
	// A config sealed under another key is refused.
	other, _ := crypt.NewMasterKey()
	if _, err := Open(ctx, b, other, nil, 1); !errors.Is(err, engine.ErrDamaged) {
		t.Fatalf("open with a foreign key: %v", err)
	}
	cfgPath := filepath.Join(dir, "a", string(store.KindConfig), configName)
	data, _ := os.ReadFile(cfgPath)
	data[len(data)-3] ^= 1
	os.WriteFile(cfgPath, data, 0o600)
	if _, err := Open(ctx, b, m, nil, 1); !errors.Is(err, engine.ErrDamaged) {
		t.Fatalf("tampered config: %v", err)
	}
}

func TestSegmentDecodingRejectsDamage(t *testing.T) {
	r := TestRepo(t, 0)
	if err := r.Commit(ctx, nil, []engine.Version{{Path: "/x", Recorded: 1, Type: engine.TypeRegular}}); err != nil {
		t.Fatal(err)
	}
	var name string
	r.ix.Segments(r.dest, func(n string, _ index.SegmentInfo) error { name = n; return nil })
	obj, _ := store.Load(ctx, r.backend, store.KindSegment, name, 1<<20)
	for i := range []int{0, 8, 40, len(obj) - 1} {
		bad := append([]byte(nil), obj...)
		bad[[]int{0, 8, 40, len(obj) - 1}[i]] ^= 1
		if _, err := r.decodeSegment(name, bad); !errors.Is(err, engine.ErrDamaged) {
			t.Errorf("flip at %d: %v", i, err)
		}
	}
	if _, err := r.decodeSegment(name, obj[:len(obj)-5]); !errors.Is(err, engine.ErrDamaged) {
		t.Error("truncated segment accepted")
	}
}

func FuzzParseRecords(f *testing.F) {
	good := []byte{1, 0, 0, 0}
	rec := engine.AppendVersion(nil, &engine.Version{Path: "/a/b", Type: engine.TypeRegular}, true)
	good = append(append(good, byte(len(rec))), rec...)
	f.Add(good)
	f.Fuzz(func(t *testing.T, raw []byte) {
		vs, err := parseRecords("fuzz", raw)
		if err != nil {
			return
		}
		for _, v := range vs {
			if checkPath(v.Path) != nil {
				t.Fatalf("invalid path accepted: %q", v.Path)
			}
		}
	})
}

func TestForgetOverwritesTheKeys(t *testing.T) {
	r := TestRepo(t, 0)
	if r.keys == (crypt.Keys{}) {
		t.Fatal("a test repo without keys")
	}
	r.Forget()
	if r.keys != (crypt.Keys{}) {
		t.Fatal("keys left after Forget")
	}
}
