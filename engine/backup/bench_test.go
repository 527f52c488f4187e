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
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := repo.TestRepo(b, 0)
		b.StartTimer()
		if _, err := Run(ctx, r, Options{Roots: []string{src}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnchangedBackup measures a pass that finds nothing to do.
func BenchmarkUnchangedBackup(b *testing.B) {
	src, _ := benchTree(b)
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
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/308, "ns/file")
}
