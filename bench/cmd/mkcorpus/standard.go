package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// The standard corpus: about 1 GiB shaped like a home folder.
const (
	nSmall  = 20000
	nMedium = 200
	nDup    = 12 // exact duplicates of medium files (Downloads/"... (1).jpg")
	MiB     = 1 << 20
	KiB     = 1 << 10
)

var (
	uniDirs  = []string{"Documents/Résumés", "Documents/Übersicht Projekte", "写真/東京 2023", "Фото/Москва", "Música/Álbum favorito", "Documents/naïve café", "Desktop/🎉 party"}
	uniNames = []string{"résumé", "日本語メモ", "Отчёт", "naïve café", "🎉 party", "Ζήτα", "ﺲﻼﻣ", "Ångström"}
)

// fileSpec is one file to generate: where, what kind of content, how big, and the seed of its content.
type fileSpec struct {
	path string
	kind string
	size int
	cat  uint64
	idx  uint64
}

func logUniform(r *rand.Rand, lo, hi float64) int {
	return int(math.Exp(math.Log(lo) + r.Float64()*(math.Log(hi)-math.Log(lo))))
}

// smallSpec is the i-th small text file (1–64 KiB): source trees, notes, settings, data, logs.
func smallSpec(i int) fileSpec {
	r := rand.New(rand.NewPCG(100, uint64(i)))
	size := logUniform(r, 1*KiB, 64*KiB)
	w := vocab[r.IntN(512)]
	var dir, name, kind string
	p := r.IntN(100)
	switch {
	case p < 45:
		kind = "source"
		proj := r.IntN(20)
		sub := []string{"src", "internal", "cmd", "pkg", "test", "docs"}[r.IntN(6)]
		depth := r.IntN(3)
		parts := []string{"Projects", fmt.Sprintf("proj-%s-%02d", vocab[proj], proj), sub}
		for d := 0; d < depth; d++ {
			parts = append(parts, fmt.Sprintf("%s%d", vocab[(proj*7+d*13+r.IntN(2))%256], d))
		}
		dir = filepath.Join(parts...)
		ext := []string{".go", ".go", ".py", ".js", ".rs", ".c"}[r.IntN(6)]
		name = fmt.Sprintf("%s_%05d%s", w, i, ext)
	case p < 65:
		kind = "prose"
		dir = fmt.Sprintf("Documents/Notes/%d/%02d", 2015+r.IntN(11), 1+r.IntN(12))
		name = fmt.Sprintf("%s %s %05d%s", w, vocab[r.IntN(512)], i, []string{".md", ".txt"}[r.IntN(2)])
	case p < 80:
		kind = "json"
		dir = fmt.Sprintf(".config/%s/%s", vocab[r.IntN(15)], vocab[r.IntN(6)])
		name = fmt.Sprintf("%s-%05d.json", w, i)
	case p < 90:
		kind = "csv"
		dir = fmt.Sprintf("Documents/Data/%s/%d", vocab[r.IntN(20)], 2018+r.IntN(8))
		name = fmt.Sprintf("%s_%05d.csv", w, i)
	default:
		kind = "log"
		dir = fmt.Sprintf(".local/share/%s/logs", vocab[r.IntN(25)])
		name = fmt.Sprintf("%s.%05d.log", w, i)
	}
	if i%40 == 0 {
		dir = uniDirs[r.IntN(len(uniDirs))]
		name = fmt.Sprintf("%s %05d%s", uniNames[r.IntN(len(uniNames))], i, filepath.Ext(name))
	}
	return fileSpec{path: filepath.Join(dir, name), kind: kind, size: size, cat: 1, idx: uint64(i)}
}

// mediumSpec is the i-th medium file (100 KiB–5 MiB): photos, music, work documents, PDFs.
func mediumSpec(i int) fileSpec {
	r := rand.New(rand.NewPCG(200, uint64(i)))
	size := logUniform(r, 100*KiB, 5*MiB)
	p := r.IntN(100)
	var path, kind string
	switch {
	case p < 45:
		kind = "jpeg"
		path = fmt.Sprintf("Pictures/%d/%s/IMG_%04d.jpg", 2016+r.IntN(9), vocab[r.IntN(15)], 1000+i)
	case p < 60:
		kind = "random"
		path = fmt.Sprintf("Music/%s/%s/%03d %s.m4a", vocab[r.IntN(10)], vocab[r.IntN(8)], i, vocab[r.IntN(512)])
	case p < 85:
		kind = []string{"log", "prose", "csv"}[r.IntN(3)]
		ext := map[string]string{"log": ".log", "prose": ".txt", "csv": ".csv"}[kind]
		path = fmt.Sprintf("Documents/Work/%s/%s-%03d%s", vocab[r.IntN(12)], vocab[r.IntN(512)], i, ext)
	default:
		kind = "pdf"
		path = fmt.Sprintf("Documents/PDFs/%s-%03d.pdf", vocab[r.IntN(512)], i)
	}
	return fileSpec{path: path, kind: kind, size: size, cat: 2, idx: uint64(i)}
}

// genStandard builds the standard corpus in root, which must not exist yet.
func genStandard(ctx context.Context, root string) error {
	if err := mustNotExist(root); err != nil {
		return err
	}
	specs := make([]fileSpec, 0, nSmall+nMedium)
	for i := 0; i < nSmall; i++ {
		specs = append(specs, smallSpec(i))
	}
	for i := 0; i < nMedium; i++ {
		specs = append(specs, mediumSpec(i))
	}
	if err := writeAll(ctx, root, len(specs), func(i int) fileSpec { return specs[i] }); err != nil {
		return err
	}
	if err := writeDuplicates(root); err != nil {
		return err
	}
	return writeLarge(root)
}

// writeDuplicates copies some medium photos into Downloads: exact duplicates are common in real homes.
func writeDuplicates(root string) error {
	n := 0
	for i := 0; i < nMedium && n < nDup; i++ {
		s := mediumSpec(i)
		if s.kind != "jpeg" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, s.path))
		if err != nil {
			return err
		}
		d := fileSpec{path: "Downloads/" + strings.TrimSuffix(filepath.Base(s.path), ".jpg") + " (1).jpg"}
		if err := writeFile(root, d, data); err != nil {
			return err
		}
		n++
	}
	return nil
}

// writeLarge writes a 192 MiB video, an edited copy of it (shared content at shifted offsets), and a 128 MiB log.
func writeLarge(root string) error {
	g := newGen(3, 1)
	var b bytes.Buffer
	g.random(&b, 192*MiB)
	l1 := append([]byte(nil), b.Bytes()...)
	if err := writeFile(root, fileSpec{path: "Videos/holiday-2023.mp4"}, l1); err != nil {
		return err
	}
	b.Reset()
	b.Write(l1[0 : 40*MiB])
	g.random(&b, 8*MiB+12345)
	b.Write(l1[60*MiB+777 : 110*MiB])
	g.random(&b, 10*MiB+4321)
	b.Write(l1[150*MiB : 170*MiB+99])
	if err := writeFile(root, fileSpec{path: "Videos/holiday-2023-edit.mp4"}, b.Bytes()); err != nil {
		return err
	}
	b.Reset()
	newGen(3, 3).logText(&b, 128*MiB)
	return writeFile(root, fileSpec{path: "Documents/archive/server-logs-2024.log"}, b.Bytes()[:128*MiB])
}

// modifyStandard applies the ~1 % change set: a line appended to 200 small files, 1 MiB rewritten in the middle
// of one large file, 50 new files, 50 files deleted.
func modifyStandard(root string) error {
	small, err := filesUpTo(root, 64*KiB)
	if err != nil {
		return err
	}
	if len(small) < 200 {
		return fmt.Errorf("%s holds %d small files, not a corpus made by `mkcorpus gen`", root, len(small))
	}
	stride := len(small) / 200
	if err := appendLines(small, stride, 200); err != nil {
		return err
	}
	dstride := len(small) / 50
	for i := 0; i < 50; i++ {
		if err := os.Remove(small[i*dstride+stride/2]); err != nil {
			return err
		}
	}
	if err := rewriteMiddle(filepath.Join(root, "Videos/holiday-2023.mp4")); err != nil {
		return err
	}
	for i := 0; i < 50; i++ {
		s := smallSpec(nSmall + 1000 + i)
		s.path = filepath.Join("Documents/New", fmt.Sprintf("new-%02d%s", i, filepath.Ext(s.path)))
		if err := writeFile(root, s, render(s)); err != nil {
			return err
		}
	}
	return nil
}

// rewriteMiddle overwrites 1 MiB in the middle of the file at p with new random bytes.
func rewriteMiddle(p string) error {
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	var b bytes.Buffer
	newGen(4, 1).random(&b, MiB)
	if _, err := f.WriteAt(b.Bytes(), st.Size()/2); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
