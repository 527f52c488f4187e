package backup

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/pack"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/internal/testtree"
)

func TestNewChunksKnowsEveryChunkAddedAndFewOthers(t *testing.T) {
	for _, tc := range []struct {
		added  int
		maxFPR float64 // share of chunks never added that it calls seen
	}{
		{1000, 0.0001},
		{300_000, 0.001},
		{1_000_000, 0.03},
	} {
		t.Run(fmt.Sprint(tc.added), func(t *testing.T) {
			ids := func(seed uint64) func() *engine.ChunkID {
				r := rand.New(rand.NewPCG(seed, seed))
				var id engine.ChunkID
				return func() *engine.ChunkID {
					for i := 0; i < len(id); i += 8 {
						v := r.Uint64()
						for j := 0; j < 8; j++ {
							id[i+j] = byte(v >> (8 * j))
						}
					}
					return &id
				}
			}
			f := newNewChunks()
			next := ids(1)
			for i := 0; i < tc.added; i++ {
				f.add(next())
			}
			next = ids(1)
			for i := 0; i < tc.added; i++ {
				if !f.seen(next()) {
					t.Fatalf("chunk %d of those added is not seen", i)
				}
			}
			next = ids(2)
			const others = 200_000
			fp := 0
			for i := 0; i < others; i++ {
				if f.seen(next()) {
					fp++
				}
			}
			if rate := float64(fp) / others; rate > tc.maxFPR {
				t.Fatalf("%.4f of chunks never added are seen, want at most %.4f", rate, tc.maxFPR)
			}
		})
	}
}

// A first backup skips the index for chunks it has not met yet: duplicates
// within the pass, before and after a checkpoint put them in the index, are
// still stored once, and so are those of the pass after.
func TestAFirstBackupStoresEachChunkOnce(t *testing.T) {
	nodes := map[string]testtree.Node{}
	for c := 0; c < 8; c++ {
		for cp := 0; cp < 5; cp++ {
			nodes[fmt.Sprintf("d%d/f%d.txt", cp, c)] = testtree.Node{Data: fmt.Sprintf("content %d, the same in five folders", c)}
		}
	}
	f := newFixture(t, nodes)
	// (ChunksDeduped is not checked: a copy met while another worker stores
	// its chunk waits for it and counts as neither.)
	res := f.run(Options{CheckpointVersions: 3})
	if res.ChunksStored != 8 {
		t.Fatalf("first backup stored %d chunks, want 8", res.ChunksStored)
	}
	more := map[string]testtree.Node{"more/new.txt": {Data: "only here"}}
	for c := 0; c < 8; c++ {
		more[fmt.Sprintf("more/again%d.txt", c)] = testtree.Node{Data: fmt.Sprintf("content %d, the same in five folders", c)}
	}
	testtree.Write(t, f.src, more)
	res = f.run(Options{CheckpointVersions: 3})
	if res.ChunksStored != 1 {
		t.Fatalf("second backup stored %d chunks, want 1", res.ChunksStored)
	}
	n := 0
	if err := f.r.Index().Chunks(f.r.Dest(), func(engine.ChunkID, index.Location) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 9 {
		t.Fatalf("the index holds %d chunks, want 9", n)
	}
}

// After a checkpoint puts a chunk in the index and flights forgets it, the
// filter still says "maybe", so the index is asked and the chunk is known.
func TestAChunkCommittedDuringAFirstBackupIsKnown(t *testing.T) {
	r := repo.TestRepo(t, 0)
	p := &pass{r: r, flights: newFlights()}
	p.flights.fresh = newNewChunks()
	id := engine.ChunkID{1, 2, 3}
	if c, err := p.flights.claim(p, id, &attempt{}); err != nil || c != claimed {
		t.Fatalf("first claim: %v, %v; want claimed", c, err)
	}
	p.flights.stored(id)
	w := r.Index().Writer(r.Dest())
	w.PutChunk(id, index.Location{Pack: 7, Length: 40, RawLength: 10})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	p.flights.forget([]repo.FinishedPack{{Entries: []pack.Entry{{ID: id}}}})
	if c, err := p.flights.claim(p, id, &attempt{}); err != nil || c != known {
		t.Fatalf("claim after the checkpoint: %v, %v; want known", c, err)
	}
	other := engine.ChunkID{9}
	if c, err := p.flights.claim(p, other, &attempt{}); err != nil || c != claimed {
		t.Fatalf("a new chunk: %v, %v; want claimed", c, err)
	}
}
