package chunk

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestTune measures candidate Params on the benchmark corpus: the tool that
// chose Default (TUNING.md has its output). It is skipped unless
// CAIRN_CHUNK_TUNE=1; CAIRN_CHUNK_CORPUS names the corpus (default
// /tmp/corpus, made by /work/shared/corpus/mkcorpus gen). Run it with
//
//	CAIRN_CHUNK_TUNE=1 go test -run TestTune -v -timeout 30m ./engine/chunk/
func TestTune(t *testing.T) {
	if os.Getenv("CAIRN_CHUNK_TUNE") != "1" {
		t.Skip("set CAIRN_CHUNK_TUNE=1 to measure candidate params on the corpus")
	}
	root := cmp(os.Getenv("CAIRN_CHUNK_CORPUS"), "/tmp/corpus")
	corpus := loadCorpus(t, root)
	v := videos{
		orig: corpus[filepath.Join(root, "Videos/holiday-2023.mp4")],
		edit: corpus[filepath.Join(root, "Videos/holiday-2023-edit.mp4")],
	}
	v.overwritten = overwriteMiddle(t, v.orig, 1<<20)
	v.touched = overwriteMiddle(t, v.orig, 4<<10)
	t.Logf("corpus: %d files, %d bytes; %d gear seeds for the corpus, %d for the videos", len(corpus), corpusBytes(corpus), corpusSeeds, videoSeeds)
	t.Log("| Min/Avg/Max | MB/s | chunks, corpus | chunks, files > 1 MiB | mean chunk, video | dedup saved, videos | new bytes after 1 MiB overwrite | after 4 KiB overwrite |")
	t.Log("|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, p := range tuneParams {
		t.Log(measure(t, p, corpus, v))
	}
}

var tuneParams = []Params{
	{Min: 64 << 10, Avg: 256 << 10, Max: 1 << 20},
	{Min: 128 << 10, Avg: 512 << 10, Max: 2 << 20},
	{Min: 128 << 10, Avg: 1 << 20, Max: 4 << 20},
	{Min: 256 << 10, Avg: 1 << 20, Max: 4 << 20},
	{Min: 512 << 10, Avg: 1 << 20, Max: 4 << 20},
	{Min: 256 << 10, Avg: 1 << 20, Max: 8 << 20},
	{Min: 512 << 10, Avg: 2 << 20, Max: 8 << 20},
	{Min: 1 << 20, Avg: 4 << 20, Max: 16 << 20},
}

// Cut points, and so the dedup figures, vary with the gear: each candidate
// runs with several seeds and the table shows the mean (and for the videos the
// range). Corpus chunk counts hardly vary, the video figures do.
const (
	corpusSeeds = 3
	videoSeeds  = 20
)

// videos are the files whose dedup the chunk size decides.
type videos struct {
	orig        []byte // holiday-2023.mp4, 192 MiB of random bytes
	edit        []byte // holiday-2023-edit.mp4: ~110 MiB of orig at shifted offsets
	overwritten []byte // orig with 1 MiB in the middle overwritten
	touched     []byte // orig with 4 KiB in the middle overwritten
}

func measure(t *testing.T, p Params, corpus map[string][]byte, v videos) string {
	const mib = 1 << 20
	var mbps, chunks, big, videoChunks stat
	for i := range corpusSeeds {
		c := mustNew(t, p, NewGear(fmt.Appendf(nil, "tune %d", i)))
		mbps.add(speed(c, v.orig))
		all, b := corpusChunks(c, corpus)
		chunks.add(float64(all))
		big.add(float64(b))
	}
	var saved, fresh, small stat
	for i := range videoSeeds {
		c := mustNew(t, p, NewGear(fmt.Appendf(nil, "tune %d", i)))
		orig := chunkSet(c, v.orig)
		videoChunks.add(float64(len(orig)))
		saved.add(float64(bytesIn(c, v.edit, orig, true)) / mib)
		fresh.add(float64(bytesIn(c, v.overwritten, orig, false)) / mib)
		small.add(float64(bytesIn(c, v.touched, orig, false)) / mib)
	}
	return fmt.Sprintf("| %v | %.0f | %.0f | %.0f | %.0f KiB | %.1f MiB (%.1f–%.1f) | %.2f MiB (%.2f–%.2f) | %.2f MiB |",
		p, mbps.hi, chunks.mean(), big.mean(), 192*1024/videoChunks.mean(),
		saved.mean(), saved.lo, saved.hi, fresh.mean(), fresh.lo, fresh.hi, small.mean())
}

// stat accumulates a mean and a range.
type stat struct{ sum, lo, hi, n float64 }

func (s *stat) add(x float64) {
	if s.n == 0 || x < s.lo {
		s.lo = x
	}
	if s.n == 0 || x > s.hi {
		s.hi = x
	}
	s.sum += x
	s.n++
}

func (s *stat) mean() float64 { return s.sum / s.n }

// corpusChunks returns the number of chunks over the corpus, and of those in
// files larger than 1 MiB (smaller files are one chunk at every candidate).
func corpusChunks(c *Chunker, corpus map[string][]byte) (all, big int) {
	for _, data := range corpus {
		n := len(c.Split(data))
		all += n
		if len(data) > 1<<20 {
			big += n
		}
	}
	return all, big
}

// speed returns the best of three runs of Split over data, in MB/s.
func speed(c *Chunker, data []byte) float64 {
	best := time.Duration(1 << 62)
	for range 3 {
		start := time.Now()
		c.Split(data)
		best = min(best, time.Since(start))
	}
	return float64(len(data)) / best.Seconds() / 1e6
}

func chunkSet(c *Chunker, data []byte) map[[32]byte]bool {
	set := make(map[[32]byte]bool)
	for _, ch := range c.Split(data) {
		set[sha256.Sum256(ch)] = true
	}
	return set
}

// bytesIn returns how many bytes of data are in chunks that are (in = true)
// or are not (in = false) in set.
func bytesIn(c *Chunker, data []byte, set map[[32]byte]bool, in bool) int {
	n := 0
	for _, ch := range c.Split(data) {
		if set[sha256.Sum256(ch)] == in {
			n += len(ch)
		}
	}
	return n
}

// overwriteMiddle returns a copy of data with n random bytes written at its
// middle, as mkcorpus modify does to the video.
func overwriteMiddle(t *testing.T, data []byte, n int) []byte {
	out := slices.Clone(data)
	copy(out[len(out)/2:], randomBytes(t, n, 99))
	return out
}

func loadCorpus(t *testing.T, root string) map[string][]byte {
	corpus := make(map[string][]byte)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		corpus[path], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatalf("load corpus (make it with mkcorpus gen %s): %v", root, err)
	}
	return corpus
}

func corpusBytes(corpus map[string][]byte) int {
	n := 0
	for _, data := range corpus {
		n += len(data)
	}
	return n
}

func cmp(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
