package index_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/index/badgerdb"
)

func openIndex(t testing.TB) *index.Index {
	t.Helper()
	db, err := badgerdb.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ix := index.New(db)
	t.Cleanup(func() { ix.Close() })
	return ix
}

const d = index.Dest(1)

func put(t testing.TB, ix *index.Index, vs ...engine.Version) {
	t.Helper()
	w := ix.Writer(d)
	for i := range vs {
		w.PutVersion(&vs[i], 1)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

func file(path string, at int64, size int64) engine.Version {
	return engine.Version{Path: path, Recorded: at, Type: engine.TypeRegular, Size: size, Chunks: []engine.ChunkID{{byte(size)}}}
}

func gone(path string, at int64) engine.Version {
	return engine.Version{Path: path, Recorded: at, Deleted: true, Type: engine.TypeRegular}
}

func names(t *testing.T, f func(fn func(index.Entry) error) error) string {
	t.Helper()
	var out []string
	if err := f(func(e index.Entry) error {
		s := fmt.Sprintf("%s@%d", e.Version.Path, e.Version.Recorded)
		if e.DeletedAt != 0 {
			s += fmt.Sprintf("(deleted@%d)", e.DeletedAt)
		}
		out = append(out, s)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

func TestViewsAsOf(t *testing.T) {
	ix := openIndex(t)
	put(t, ix,
		engine.Version{Path: "/h", Recorded: 10, Type: engine.TypeDir},
		file("/h/a", 10, 1), file("/h/a", 20, 2), file("/h/a", 30, 3),
		file("/h/b", 10, 1), gone("/h/b", 25),
		file("/h/c-d", 15, 1),
		engine.Version{Path: "/h/c", Recorded: 10, Type: engine.TypeDir},
		file("/h/c/x", 10, 1), file("/h/c/y/z", 12, 1),
		file("/h/late", 40, 1),
		file("/h2/other", 10, 1),
	)
	cases := []struct {
		name string
		got  func(fn func(index.Entry) error) error
		want string
	}{
		{"list now", func(fn func(index.Entry) error) error { return ix.List(d, "/h", index.View{At: index.Latest}, fn) },
			"/h/a@30 /h/c@10 /h/c-d@15 /h/late@40"},
		{"list at 22", func(fn func(index.Entry) error) error { return ix.List(d, "/h", index.View{At: 22}, fn) },
			"/h/a@20 /h/b@10 /h/c@10 /h/c-d@15"},
		{"list now with deleted", func(fn func(index.Entry) error) error {
			return ix.List(d, "/h/", index.View{At: index.Latest, WithDeleted: true}, fn)
		}, "/h/a@30 /h/b@10(deleted@25) /h/c@10 /h/c-d@15 /h/late@40"},
		{"list before anything", func(fn func(index.Entry) error) error { return ix.List(d, "/h", index.View{At: 5}, fn) }, ""},
		{"tree at 12", func(fn func(index.Entry) error) error { return ix.Tree(d, "/h", index.View{At: 12}, fn) },
			"/h@10 /h/a@10 /h/b@10 /h/c@10 /h/c/x@10 /h/c/y/z@12"},
		{"tree of subfolder", func(fn func(index.Entry) error) error { return ix.Tree(d, "/h/c", index.View{At: index.Latest}, fn) },
			"/h/c@10 /h/c/x@10 /h/c/y/z@12"},
		{"tree of root", func(fn func(index.Entry) error) error { return ix.Tree(d, "/", index.View{At: 10}, fn) },
			"/h@10 /h/a@10 /h/b@10 /h/c@10 /h/c/x@10 /h2/other@10"},
		{"list root", func(fn func(index.Entry) error) error { return ix.List(d, "/", index.View{At: index.Latest}, fn) }, "/h@10"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(t, tc.got); got != tc.want {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
		})
	}

	hist, err := ix.History(d, "/h/a")
	if err != nil || len(hist) != 3 || hist[0].Recorded != 10 || hist[2].Size != 3 {
		t.Fatalf("history: %+v %v", hist, err)
	}
	e, ok, err := ix.At(d, "/h/a", index.View{At: 29})
	if !ok || err != nil || e.Version.Size != 2 || !reflect.DeepEqual(e.Version.Chunks, []engine.ChunkID{{2}}) {
		t.Fatalf("At: %+v %v %v", e, ok, err)
	}
	if _, ok, _ := ix.At(d, "/h/b", index.View{At: 26}); ok {
		t.Fatal("deleted file visible without WithDeleted")
	}
	var paths []string
	ix.Histories(d, func(p string, vs []index.Stored) error {
		paths = append(paths, fmt.Sprintf("%s:%d", p, len(vs)))
		return nil
	})
	if got := strings.Join(paths, " "); got != "/h:1 /h/a:3 /h/b:2 /h/c:1 /h/c-d:1 /h/c/x:1 /h/c/y/z:1 /h/late:1 /h2/other:1" {
		t.Fatalf("histories: %s", got)
	}
}

func TestVersionKeysWithSlashBytesInTime(t *testing.T) {
	// A recorded time whose inverted bytes contain '/' must not be taken for a subfolder.
	ix := openIndex(t)
	at := int64(^uint64(0x2f2f2f2f2f2f2f2f) >> 1)
	put(t, ix, file("/x/a", at, 1), file("/x/b", 0x2f, 1))
	if got := names(t, func(fn func(index.Entry) error) error { return ix.List(d, "/x", index.View{At: index.Latest}, fn) }); got != fmt.Sprintf("/x/a@%d /x/b@47", at) {
		t.Fatal(got)
	}
}

func TestStatChildrenSkipsDescendants(t *testing.T) {
	ix := openIndex(t)
	w := ix.Writer(d)
	for _, p := range []string{"/h/a", "/h/c", "/h/c/x", "/h/c/y/z", "/h/c-d", "/h/d", "/h/d/e", "/i"} {
		w.PutStat(p, index.Stat{Type: engine.TypeRegular, Size: int64(len(p)), Recorded: 1})
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	c := ix.StatChildren(d, "/h")
	defer c.Close()
	var got []string
	for c.Next() {
		got = append(got, fmt.Sprintf("%s:%d", c.Name(), c.Stat().Size))
	}
	if c.Err() != nil || strings.Join(got, " ") != "a:4 c:4 c-d:6 d:4" {
		t.Fatalf("%v %v", got, c.Err())
	}
	var tree []string
	ix.StatTree(d, "/h/c", func(p string, s index.Stat) error { tree = append(tree, p); return nil })
	if strings.Join(tree, " ") != "/h/c /h/c/x /h/c/y/z" {
		t.Fatal(tree)
	}
}

func TestChunksPacksMeta(t *testing.T) {
	ix := openIndex(t)
	w := ix.Writer(d)
	p := index.PackInfo{Num: 7, Name: index.PackName{1, 2}, Size: 1000, Chunks: 2}
	w.PutPack(p)
	w.PutChunk(engine.ChunkID{9}, index.Location{Pack: 7, Offset: 8, Length: 100, RawLength: 80})
	w.SetMetaInt("nextpack", 8)
	w.PutSegment("seg1", index.SegmentInfo{Num: 4, Records: 3, Size: 99})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	loc, ok, err := ix.Chunk(d, engine.ChunkID{9})
	if !ok || err != nil || loc.Offset != 8 || loc.RawLength != 80 {
		t.Fatalf("%+v %v %v", loc, ok, err)
	}
	if _, ok, _ := ix.Chunk(d+1, engine.ChunkID{9}); ok {
		t.Fatal("chunk visible under another destination")
	}
	got, err := ix.Pack(d, 7)
	if err != nil || got != p {
		t.Fatalf("%+v %v", got, err)
	}
	if n, ok, _ := ix.PackNum(d, p.Name); !ok || n != 7 {
		t.Fatal("pack by name")
	}
	if v, _ := ix.MetaInt(d, "nextpack"); v != 8 {
		t.Fatal("meta")
	}
	var segs []string
	ix.Segments(d, func(n string, i index.SegmentInfo) error { segs = append(segs, fmt.Sprint(n, i)); return nil })
	if fmt.Sprint(segs) != "[seg1{4 3 99}]" {
		t.Fatal(segs)
	}
	if err := ix.DropDest(d); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := ix.Chunk(d, engine.ChunkID{9}); ok {
		t.Fatal("DropDest left chunks")
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	dir := t.TempDir()
	db, err := badgerdb.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := badgerdb.Open(dir); err == nil || !strings.Contains(err.Error(), "another Cairn process") {
		t.Fatalf("got %v", err)
	}
}
