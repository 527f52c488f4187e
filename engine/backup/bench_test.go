package backup

import (
	"fmt"

	"path/filepath"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// benchTree is a small home folder: text that compresses and data that does not.
func benchTree(b *testing.B) (string, int64) {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "ana")
	nodes := map[string]testtree.Node{}
	var total int64
	for i := 0; i < 300; i++ {
		data := strings.Repeat(fmt.Sprintf("line %d: the quick brown fox %d jumps\n", i, i*7), 400)
		nodes[fmt.Sprintf("Documents/%02d/note-%03d.txt", i%10, i)] = testtree.Node{Data: data}
		total += int64(len(data))
	}
	for i := 0; i < 8; i++ {
		nodes[fmt.Sprintf("Pictures/IMG_%d.jpg", i)] = testtree.Node{Random: 4 << 20}
		total += 4 << 20
	}
	testtree.Write(b, dir, nodes)
	return dir, total
}

// BenchmarkFirstBackup measures a whole pass into an empty archive.
func BenchmarkFirstBackup(b *testing.B) {
	src, total := benchTree(b)
	b.SetBytes(total)
	benchFirst(b, src, 0)
}

// BenchmarkUnchangedBackup measures a pass that finds nothing to do.
func BenchmarkUnchangedBackup(b *testing.B) {
	src, _ := benchTree(b)
	benchUnchanged(b, src)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/308, "ns/file")
}

// smallFiles is a home folder's many small files (mail, notes, source):
// n files of 1–8 KiB of text in folders of 100, the shape of make
// bench-scale's trees, so the per-file cost shows apart from the bytes.
func smallFiles(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "ana")
	nodes := make(map[string]testtree.Node, n)
	for i := 0; i < n; i++ {
		line := fmt.Sprintf("Subject: note %d from a mailbox, with words that repeat %d\n", i, i%97)
		nodes[fmt.Sprintf("Mail/box-%03d/cur/%06d.eml", i/100, i)] = testtree.Node{Data: strings.Repeat(line, 16+i%128)}
	}
	testtree.Write(b, dir, nodes)
	return dir
}

// BenchmarkFirstBackupSmallFiles is the per-file cost of a first backup:
// walk, open, read, chunk, compress, seal, index.
func BenchmarkFirstBackupSmallFiles(b *testing.B) {
	const n = 5000
	benchFirst(b, smallFiles(b, n), n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n/1e3, "µs/file")
}

// BenchmarkUnchangedSmallFiles is the per-file cost of a pass that finds
// nothing changed: listing, lstat and the index's comparison.
func BenchmarkUnchangedSmallFiles(b *testing.B) {
	const n = 5000
	benchUnchanged(b, smallFiles(b, n))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n/1e3, "µs/file")
}

// benchFirst times first backups of src, each into a new archive; every
// pass must find at least minNew new files.
func benchFirst(b *testing.B, src string, minNew int64) {
	b.Helper()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := repo.TestRepo(b, 0)
		b.StartTimer()
		if res, err := Run(ctx, r, Options{Roots: []string{src}}); err != nil || res.New < minNew {
			b.Fatal(err, res.New)
		}
	}
}

// benchUnchanged backs src up once, then times passes that must read nothing.
func benchUnchanged(b *testing.B, src string) {
	b.Helper()
	r := repo.TestRepo(b, 0)
	if _, err := Run(ctx, r, Options{Roots: []string{src}}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Run(ctx, r, Options{Roots: []string{src}})
		if err != nil || res.BytesRead != 0 {
			b.Fatal(err, res.BytesRead)
		}
	}
}
