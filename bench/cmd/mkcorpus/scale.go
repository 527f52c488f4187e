package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// The small-file tree of `make bench-scale`: n files shaped like a home folder's many small ones. Sizes: 92 % from
// 32 B to 8 KiB, 7.5 % from 8 to 64 KiB, 0.5 % from 64 to 512 KiB (log-uniform within each band, about 4.4 KiB on
// average). Folders: about n/70 of them (the fewer, the larger the tree): mailboxes of about 1,400 files, cache
// and note folders of a thousand and more in the larger trees, source trees three levels deep, application data; one file in 40 has a non-ASCII folder and name. The content is text (source, prose,
// mail, JSON, CSV, logs), compressible like real text.
const scaleCat = 5 // the content seed category of the tree's files; 6 is for the files the change set adds

// scaleSpec is the i-th file of the tree of n files.
func scaleSpec(n, i int) fileSpec {
	r := rand.New(rand.NewPCG(500, uint64(i)))
	s := fileSpec{size: scaleSize(r), cat: scaleCat, idx: uint64(i)}
	w := vocab[r.IntN(512)]
	scale := max(1, n/1000) // folder counts grow with n, so files per folder stay alike at every size
	p := r.IntN(100)
	var dir, name string
	switch {
	case p < 35:
		s.kind = "source"
		proj := r.IntN(max(1, n/15000))
		sub := []string{"src", "internal", "cmd", "test", "docs", "node_modules"}[r.IntN(6)]
		dir = filepath.Join("Projects", fmt.Sprintf("proj-%s-%03d", vocab[proj%4096], proj), sub)
		for d := range r.IntN(3) {
			dir = filepath.Join(dir, fmt.Sprintf("%s%d", vocab[r.IntN(3)], d))
		}
		name = fmt.Sprintf("%s_%07d%s", w, i, []string{".go", ".py", ".js", ".ts", ".rs", ".c", ".h"}[r.IntN(7)])
	case p < 55:
		s.kind = "mail"
		box := r.IntN(max(1, n/7000)) // about 1,400 messages a mailbox
		dir = fmt.Sprintf("Mail/%s/%s-%02d/cur", vocab[box%16], vocab[16+box%64], box)
		name = fmt.Sprintf("%d.M%07dP%d.host:2,S", 1600000000+i*37, i, r.IntN(99999))
	case p < 70:
		s.kind = "prose"
		dir = fmt.Sprintf("Documents/Notes/%d/%02d", 2015+r.IntN(11), 1+r.IntN(12))
		name = fmt.Sprintf("%s %s %07d%s", w, vocab[r.IntN(512)], i, []string{".md", ".txt"}[r.IntN(2)])
	case p < 80:
		s.kind = "json"
		dir = fmt.Sprintf(".config/%s/%s", vocab[r.IntN(max(1, scale/3))%4096], vocab[r.IntN(4)])
		name = fmt.Sprintf("%s-%07d.json", w, i)
	case p < 90:
		s.kind = []string{"json", "log"}[r.IntN(2)]
		dir = fmt.Sprintf(".cache/%s/%x", vocab[r.IntN(4)], r.IntN(16)) // over a thousand files each from 300,000 on
		name = fmt.Sprintf("%016x", r.Uint64())
	default:
		s.kind = []string{"csv", "log"}[r.IntN(2)]
		dir = fmt.Sprintf("Documents/Data/%s/%d", vocab[r.IntN(max(1, scale/10))%4096], 2018+r.IntN(8))
		name = fmt.Sprintf("%s_%07d.%s", w, i, s.kind)
	}
	if i%40 == 0 {
		dir = filepath.Join(uniDirs[r.IntN(len(uniDirs))], fmt.Sprintf("%03d", r.IntN(max(1, scale/10))))
		name = fmt.Sprintf("%s %07d%s", uniNames[r.IntN(len(uniNames))], i, filepath.Ext(name))
	}
	s.path = filepath.Join(dir, name)
	return s
}

func scaleSize(r *rand.Rand) int {
	switch p := r.IntN(1000); {
	case p < 920:
		return logUniform(r, 32, 8*KiB)
	case p < 995:
		return logUniform(r, 8*KiB, 64*KiB)
	default:
		return logUniform(r, 64*KiB, 512*KiB)
	}
}

// genScale builds the tree of n small files in root, which must not exist yet.
func genScale(ctx context.Context, root string, n int) error {
	if err := mustNotExist(root); err != nil {
		return err
	}
	return writeAll(ctx, root, n, func(i int) fileSpec { return scaleSpec(n, i) })
}

// modifyScale changes 1 % of the tree of n files, by index so that it needs no walk: a line appended to one file
// in 200, one file in 1,000 deleted, and n/250 new files.
func modifyScale(ctx context.Context, root string, n int) error {
	for i := 37; i < n; i += 200 {
		if err := appendLine(filepath.Join(root, scaleSpec(n, i).path), i); err != nil {
			return err
		}
	}
	for i := 501; i < n; i += 1000 {
		if err := os.Remove(filepath.Join(root, scaleSpec(n, i).path)); err != nil {
			return err
		}
	}
	return writeAll(ctx, root, n/250, func(i int) fileSpec {
		s := scaleSpec(n, n+i)
		s.cat = scaleCat + 1
		s.path = filepath.Join("Documents", "New", fmt.Sprintf("%02d", i/500), fmt.Sprintf("new-%06d%s", i, filepath.Ext(s.path)))
		return s
	})
}
