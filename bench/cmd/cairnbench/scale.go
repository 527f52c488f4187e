//go:build unix

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// scaleDiskPerFile is the disk space a bench-scale file takes on average (4.6 KiB of data, in 4 KiB blocks), for
// the disk-space estimate.
const scaleDiskPerFile = 7500

// scaleLogs holds the logs of a bench-scale run, one folder per size; the standard run's logs stay apart.
const scaleLogs = "logs-scale"

// runScale is `make bench-scale`: the standard steps plus a single-file restore, on a tree of small files of
// each size in cfg.files, one size after the other, each from a fresh work folder.
func runScale(ctx context.Context, cfg config) error {
	start := time.Now()
	if err := os.RemoveAll(filepath.Join(cfg.work, scaleLogs)); err != nil {
		return err
	}
	var runs []*bench
	for _, n := range cfg.files {
		b := newBench(cfg, n)
		b.logs = filepath.Join(cfg.work, scaleLogs, strconv.Itoa(n))
		b.printf("\n=== %s files\n", fmtCount(n))
		if err := b.runSize(ctx); err != nil {
			return err
		}
		runs = append(runs, b)
	}
	s := scaleRun{runs: runs, took: time.Since(start).Round(time.Second)}
	return s.report()
}

// runSize makes every step of a bench-scale run on one size.
func (b *bench) runSize(ctx context.Context) error {
	sizeStart := time.Now()
	if err := b.prepare(ctx); err != nil {
		return err
	}
	b.step(ctx, stepFirst, b.firstPlan())
	b.step(ctx, stepUnchanged, b.unchangedPlan())
	if err := b.modify(ctx); err != nil {
		return err
	}
	b.oneFile = pickOneFile(b.want)
	b.step(ctx, stepChanged, b.changedPlan())
	b.step(ctx, stepRestoreOne, b.restoreOnePlan())
	b.step(ctx, stepRestore, b.restorePlan())
	if err := ctx.Err(); err != nil {
		return err
	}
	b.info.took = time.Since(sizeStart).Round(time.Second)
	b.cleanup()
	return nil
}

// pickOneFile chooses the file the single-file restore asks for: the middle one in path order, a file deep in
// the tree like any other, the same on every run.
func pickOneFile(want tree) string {
	var paths []string
	for p, f := range want {
		if f.size >= 0 {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return ""
	}
	sort.Strings(paths)
	return paths[len(paths)/2]
}

// restoreOnePlan: every repetition restores the chosen file into a new empty folder; the first restore is
// compared with the corpus's file.
func (b *bench) restoreOnePlan() stepPlan {
	target := func(t *tool, rep int) string {
		return filepath.Join(b.cfg.work, restoresDir, fmt.Sprintf("%s-one-%d", t.name, rep))
	}
	return stepPlan{
		before: func(_ context.Context, t *tool, rep int) error {
			if err := os.RemoveAll(target(t, rep)); err != nil {
				return err
			}
			return os.MkdirAll(target(t, rep), 0o755)
		},
		cmd: func(t *tool, rep int) command { return t.drv.restoreOne(t, target(t, rep), b.oneFile) },
		after: func(t *tool, r *result, rep int) error {
			if rep == 1 {
				b.checkOneFile(t, r, t.drv.restoredOne(t, target(t, rep), b.oneFile))
			}
			return nil
		},
	}
}

// checkOneFile compares the restored file with the corpus's.
func (b *bench) checkOneFile(t *tool, r *result, path string) {
	got, err := hashFile(path)
	switch want := b.want[b.oneFile]; {
	case err != nil:
		r.check = fmt.Sprintf("the single-file restore gave no readable %s: %v", path, err)
	case got != want:
		r.check = fmt.Sprintf("the single-file restore gave other content for %s", b.oneFile)
	default:
		b.printf("          %s single-file restore check: %s identical to the corpus's\n", t.name, b.oneFile)
		return
	}
	b.printf("!!! %s RESTORED WRONG DATA: %s\n", t.name, r.check)
}

// scaleTargets are the goals at 300,000 and 1,000,000 files; the table shows them at every size.
func scaleTargets() []target {
	return []target{
		{name: "First backup, wall time", need: 1.5, value: wallOf(stepFirst), unit: secs},
		{name: "Nothing changed, wall time", need: 2.0, value: wallOf(stepUnchanged), unit: secs},
		{name: "1 % changed, wall time", need: 2.0, value: wallOf(stepChanged), unit: secs},
		{name: "Restore one file, wall time", need: 3.0, value: wallOf(stepRestoreOne), unit: secs, restore: true},
		{name: "Full restore, wall time", need: 2.0, value: wallOf(stepRestore), unit: secs, restore: true},
		{name: "Peak memory (leanest peer)", need: 1.0, value: completePeak, unit: mibUnit},
	}
}

// fmtCount writes n with thousands separators: 300,000.
func fmtCount(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// parseSizes reads the -files list: numbers separated by commas or spaces.
func parseSizes(list string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 100 {
			return nil, fmt.Errorf("-files %q: each size must be a number of files, at least 100", list)
		}
		out = append(out, n)
	}
	return out, nil
}
