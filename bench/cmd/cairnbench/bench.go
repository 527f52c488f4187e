//go:build unix

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// bench is one run of the whole benchmark.
type bench struct {
	cfg     config
	out     io.Writer // progress and tables
	corpus  string
	files   int      // bench-scale: the number of small files in the corpus; 0 for the standard corpus
	steps   []stepID // the steps of this run, in order
	oneFile string   // bench-scale: the corpus-relative path of the file that "Restore one file" restores
	logs    string
	tools   []*tool
	results []*result // parallel to tools
	want    tree      // the corpus after modify: what every restore must give back
	info    runInfo
	server  serverRun // Cairn through a cairn-server
	vols    *volumes  // the fresh file systems restores go to (volume.go)
}

// stepPlan says how to run one step for one tool. Only cmd is timed. rep numbers the tool's repetitions of the
// step from 1.
type stepPlan struct {
	before func(ctx context.Context, t *tool, rep int) error // prepares the repetition
	cmd    func(t *tool, rep int) command
	after  func(t *tool, r *result, rep int) error // runs after a successful repetition
	finish func(t *tool, r *result) error          // runs once after the tool's last repetition
}

func run(ctx context.Context, cfg config) error {
	if len(cfg.files) > 0 {
		return runScale(ctx, cfg)
	}
	start := time.Now()
	b := newBench(cfg, 0)
	if err := b.prepare(ctx); err != nil {
		return err
	}
	b.step(ctx, stepFirst, b.firstPlan())
	b.step(ctx, stepUnchanged, b.unchangedPlan())
	if err := b.modify(ctx); err != nil {
		return err
	}
	b.step(ctx, stepChanged, b.changedPlan())
	b.step(ctx, stepRestore, b.restorePlan())
	b.serverSection(ctx)
	if err := ctx.Err(); err != nil {
		return err
	}
	b.info.took = time.Since(start).Round(time.Second)
	b.cleanup()
	return b.report()
}

// newBench sets up a run on the standard corpus (files == 0) or on a tree of that many small files.
func newBench(cfg config, files int) *bench {
	b := &bench{cfg: cfg, out: os.Stdout, corpus: filepath.Join(cfg.work, "corpus"), logs: filepath.Join(cfg.work, "logs"),
		files: files, steps: standardSteps}
	if files > 0 {
		b.steps = scaleSteps
	}
	return b
}

// prepare checks the prerequisites, clears the previous run's work folder, finds the tools and their versions,
// and generates a fresh corpus.
func (b *bench) prepare(ctx context.Context) error {
	if !isExecutable(timeBin) {
		return fmt.Errorf("%s is missing: run bench/install-peers.sh (Debian package time)", timeBin)
	}
	if err := b.clearWork(); err != nil {
		return err
	}
	if err := os.MkdirAll(b.logs, 0o755); err != nil {
		return err
	}
	b.info = collectRunInfo(b.cfg)
	b.warnIfLowOnSpace()
	if b.vols = newVolumes(ctx, b.cfg.work); !b.vols.ok {
		b.printf("restores go to plain folders: %s\n", b.vols.reason)
	}
	for _, name := range b.cfg.tools {
		t, r := newTool(name, b.cfg, b.corpus), newResult(name, b.steps)
		b.tools, b.results = append(b.tools, t), append(b.results, r)
		switch {
		case t.bin == "" && name == "cairn":
			// Cairn is what the run is for: its absence is an error, but the peers are still measured.
			r.skipped, r.err = "not built", fmt.Errorf("%s not found: build it first (make build)", b.cfg.cairn)
			b.printf("!!! cairn: %v; the peers run without it and no ratio can be given\n", r.err)
		case t.bin == "":
			r.skipped = "not installed"
			b.printf("!!! %s: not installed (bash bench/install-peers.sh); skipped\n", name)
		default:
			r.version = b.version(ctx, t)
			b.printf("%-14s %s (%s)\n", name, r.version, t.bin)
		}
	}
	b.printf("generating the corpus in %s\n", b.corpus)
	if err := b.mkcorpus(ctx, "gen"); err != nil {
		return err
	}
	return nil
}

// clearWork removes what a previous run left: the corpus, every tool's folders and the logs. It removes only
// names the harness creates, so a mistaken -work cannot empty an unrelated folder.
func (b *bench) clearWork() error {
	unmountLeftovers(b.cfg.work)
	names := []string{"corpus", "logs", restoresDir, "cairn-via-server"}
	for _, t := range allTools {
		names = append(names, t, t+snapSuffix, "restore-"+t)
	}
	for _, n := range names {
		if err := os.RemoveAll(filepath.Join(b.cfg.work, n)); err != nil {
			return err
		}
	}
	return os.MkdirAll(b.cfg.work, 0o755)
}

// cleanup removes the corpus and the tools' state after the run (they take several GB); the logs stay.
func (b *bench) cleanup() {
	unmountLeftovers(b.cfg.work)
	os.RemoveAll(b.corpus)
	os.RemoveAll(filepath.Join(b.cfg.work, restoresDir))
	os.RemoveAll(filepath.Join(b.cfg.work, "cairn-via-server"))
	for _, t := range b.tools {
		os.RemoveAll(t.state)
	}
}

// warnIfLowOnSpace warns when the work folder's file system may fill up. bench-scale: the corpus, and per tool an
// archive, its copy and one restore, each at most about the corpus's size.
func (b *bench) warnIfLowOnSpace() {
	need := int64(2+3*len(b.cfg.tools)) << 30
	if b.files > 0 {
		need = int64(b.files) * scaleDiskPerFile * int64(1+3*len(b.cfg.tools))
	}
	if free, err := freeBytes(b.cfg.work); err == nil && free < need {
		b.printf("!!! only %s free in %s; a run needs about %s\n", fmtBytes(free), b.cfg.work, fmtBytes(need))
	}
}

// version asks the tool for its version; its first line is enough.
func (b *bench) version(ctx context.Context, t *tool) string {
	if err := t.makeState(); err != nil {
		return "unknown"
	}
	for _, c := range t.drv.version(t) {
		cmd := exec.CommandContext(ctx, c.args[0], c.args[1:]...)
		cmd.Env = t.env()
		out, err := cmd.Output()
		if line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n"); err == nil && line != "" {
			return line
		}
	}
	return "unknown"
}

// mkcorpus runs the corpus generator: verb is gen or modify.
func (b *bench) mkcorpus(ctx context.Context, verb string) error {
	start := time.Now()
	args := []string{verb, b.corpus}
	if b.files > 0 {
		args = []string{verb, "-files", strconv.Itoa(b.files), b.corpus}
	}
	cmd := exec.CommandContext(ctx, b.cfg.mkcorpus, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("mkcorpus %s: %w: %s", verb, err, out)
	}
	b.printf("mkcorpus %s took %s\n", verb, time.Since(start).Round(100*time.Millisecond))
	return nil
}

// modify applies the ~1 % change set and hashes the corpus, which every restore is then checked against.
func (b *bench) modify(ctx context.Context) error {
	if err := b.mkcorpus(ctx, "modify"); err != nil {
		return err
	}
	want, err := hashTree(ctx, b.corpus)
	if err != nil {
		return fmt.Errorf("hash the corpus: %w", err)
	}
	b.want = want
	b.info.corpusFiles, b.info.corpusBytes = len(want), want.bytes()
	b.printf("corpus after modify: %d files, %s\n", len(want), fmtBytes(want.bytes()))
	return nil
}

// step runs step s for every active tool, cfg.runs times; the repetitions are interleaved across the tools so
// that a slow drift of the machine touches every tool alike.
func (b *bench) step(ctx context.Context, s stepID, p stepPlan) {
	b.printf("\n== %s (best of %d)\n", stepNames[s], b.cfg.runs)
	for run := 1; run <= b.cfg.runs && ctx.Err() == nil; run++ {
		for i, t := range b.tools {
			if r := b.results[i]; r.active() && ctx.Err() == nil {
				b.repetition(ctx, s, p, t, r, run)
			}
		}
	}
	for i, t := range b.tools {
		r := b.results[i]
		if p.finish == nil || !r.active() || ctx.Err() != nil {
			continue
		}
		if err := p.finish(t, r); err != nil {
			r.fail(s, err)
			b.printf("!!! %s FAILED after %s: %v\n", t.name, stepNames[s], err)
		}
	}
	if ctx.Err() == nil {
		b.printf("\n%s\n", b.stepTable())
	}
}

// repetition times step s once for t (the run-th of cfg.runs), and again, up to cfg.retries times, while other
// programs disturbed it. Every repetition counts towards the best.
func (b *bench) repetition(ctx context.Context, s stepID, p stepPlan, t *tool, r *result, run int) {
	for extra := 0; ; extra++ {
		label := fmt.Sprintf("run %d/%d", run, b.cfg.runs)
		if extra > 0 {
			label = fmt.Sprintf("run %d/%d+%d", run, b.cfg.runs, extra)
		}
		x, err := b.once(ctx, s, p, t, r, label)
		if err != nil {
			if ctx.Err() == nil {
				r.fail(s, err)
				b.printf("!!! %s FAILED at %s (repetition %d): %v\n", t.name, stepNames[s], len(r.runs[s])+1, err)
			}
			return
		}
		if !x.noisy() || extra >= b.cfg.retries {
			return
		}
		b.printf("          other programs kept %.1f cores busy meanwhile: one more repetition\n", x.other)
	}
}

// once times one repetition of step s for t; label names it in the progress line.
func (b *bench) once(ctx context.Context, s stepID, p stepPlan, t *tool, r *result, label string) (sample, error) {
	rep := len(r.runs[s]) + 1
	if p.before != nil {
		if err := p.before(ctx, t, rep); err != nil {
			return sample{}, err
		}
	}
	if readsCorpus(s) {
		if err := b.warmCorpus(ctx); err != nil {
			return sample{}, err
		}
	}
	syscall.Sync()
	b.waitWriteback(ctx, 30*time.Second)
	b.waitIdle(ctx)
	ctx, cancel := context.WithTimeout(ctx, b.cfg.timeout)
	defer cancel()
	x, err := t.timed(ctx, b.logs, fmt.Sprintf("%s-%s-run%d", t.name, stepKeys[s], rep), p.cmd(t, rep))
	if err != nil {
		return sample{}, err
	}
	r.runs[s] = append(r.runs[s], x)
	b.printf("%s  %-15s %-14s %-9s %8.2f s wall  %8.2f s CPU  %6.0f MiB  (others: %.2f cores)\n",
		time.Now().Format("15:04:05"), stepNames[s], t.name, label, x.wall, x.cpu, mib(x.rss), x.other)
	if p.after != nil {
		return x, p.after(t, r, rep)
	}
	return x, nil
}

// waitIdle waits, up to cfg.idleWait, until other programs leave the machine idle, so that they do not lengthen
// the next timing. On a machine that runs nothing else it costs half a second.
func (b *bench) waitIdle(ctx context.Context) {
	if b.cfg.idleWait <= 0 {
		return
	}
	start := time.Now()
	waited := false
	for ctx.Err() == nil {
		load := busyCores(500 * time.Millisecond)
		if load <= noisyLoad {
			break
		}
		if time.Since(start) > b.cfg.idleWait {
			b.printf("          the machine is still busy (%.1f cores) after %s; timing anyway\n", load, b.cfg.idleWait)
			return
		}
		if !waited {
			b.printf("          other programs keep %.1f cores busy: waiting up to %s for the machine to be idle\n",
				load, b.cfg.idleWait)
			waited = true
		}
	}
	if waited {
		b.printf("          idle after %s\n", time.Since(start).Round(time.Second))
	}
}

// makeState creates the tool's state folder with its home and temporary folder.
func (t *tool) makeState() error {
	for _, d := range []string{t.home(), filepath.Join(t.state, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) printf(format string, args ...any) { fmt.Fprintf(b.out, format, args...) }

// problems lists what makes the run fail: a tool that failed, or restored wrong data.
func (b *bench) problems() []string {
	var out []string
	for _, r := range b.results {
		if r.err != nil {
			out = append(out, fmt.Sprintf("%s failed: %v", r.name, firstLine(r.err.Error())))
		}
		if r.restoredWrong() {
			out = append(out, fmt.Sprintf("%s restored wrong data: %s", r.name, r.check))
		}
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
