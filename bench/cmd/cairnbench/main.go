//go:build unix

// Command cairnbench times Cairn and its peers (restic, kopia, borg) side by side on the same corpus, in one run,
// and writes the table to docs/PERFORMANCE.md. `make bench` runs it through bench/run.sh; bench/README.md says
// what it measures and how to read the figures.
//
// Steps, each for every tool before the next step starts: first backup, backup with nothing changed, backup after
// `mkcorpus modify` (~1 % changed), full restore. Each timed command runs under /usr/bin/time (wall, CPU, peak
// RSS); the best (fastest) of -runs repetitions is reported.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// config is what the command line chose; relative paths are resolved against the repository root.
type config struct {
	cairn       string        // the cairn binary
	cairnServer string        // the cairn-server binary
	work        string        // scratch folder: corpus, every tool's state, restores, logs
	runs        int           // best of runs
	tools       []string      // tool names, in column order
	out         string        // the Markdown file to update; "-" writes nothing
	mkcorpus    string        // the corpus generator
	files       []int         // bench-scale: the sizes (numbers of small files) of the trees; none for make bench
	command     string        // how the run was started, as shown in the report
	root        string        // the repository root
	timeout     time.Duration // the longest any one command may take before it counts as failed
	idleWait    time.Duration // how long to wait for other programs to leave the machine idle before a timing
	retries     int           // extra repetitions allowed when other programs disturbed one
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "cairnbench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "cairnbench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	root, err := repoRoot()
	if err != nil {
		return config{}, err
	}
	cfg := config{root: root}
	fs := flag.NewFlagSet("cairnbench", flag.ContinueOnError)
	fs.StringVar(&cfg.cairn, "cairn", "bin/cairn", "the cairn `binary`")
	fs.StringVar(&cfg.cairnServer, "cairn-server", "bin/cairn-server", "the cairn-server `binary` (its throughput is measured next to the folder destination's)")
	fs.StringVar(&cfg.work, "work", ".bench/work", "scratch `folder` (corpus, repositories, restores; about 15 GB)")
	fs.IntVar(&cfg.runs, "runs", 3, "repeat each timed step `N` times and keep the fastest")
	toolList := fs.String("tools", strings.Join(allTools, ","), "comma-separated `list` of tools to run")
	fs.StringVar(&cfg.out, "out", "docs/PERFORMANCE.md", "Markdown `file` to update between the bench markers (- for none)")
	fs.StringVar(&cfg.mkcorpus, "mkcorpus", ".bench/bin/mkcorpus", "the corpus generator `binary` (bench/run.sh builds it from bench/cmd/mkcorpus)")
	files := fs.String("files", "", "bench-scale: trees of these `sizes` (numbers of small files, comma- or space-separated) instead of the standard corpus")
	fs.DurationVar(&cfg.timeout, "timeout", time.Hour, "stop and fail a tool when one of its commands takes longer than `d`")
	fs.DurationVar(&cfg.idleWait, "idle-wait", time.Minute,
		"before each timing, wait up to `d` for other programs to leave the machine idle (0: do not wait)")
	fs.IntVar(&cfg.retries, "retries", 1, "repeat a repetition up to `N` more times when other programs disturbed it")
	fs.StringVar(&cfg.command, "command", "", "how this run was started, for the report (default: the command line)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if cfg.runs < 1 {
		return config{}, fmt.Errorf("-runs must be at least 1")
	}
	if cfg.files, err = parseSizes(*files); err != nil {
		return config{}, err
	}
	if len(cfg.files) > 0 && !flagSet(fs, "tools") {
		*toolList = strings.Join(scaleTools, ",")
	}
	if cfg.tools, err = parseTools(*toolList); err != nil {
		return config{}, err
	}
	if cfg.mkcorpus, err = findMkcorpus(cfg.mkcorpus, root); err != nil {
		return config{}, err
	}
	cfg.cairn = absUnder(root, cfg.cairn)
	cfg.work = absUnder(root, cfg.work)
	if cfg.out != "-" {
		cfg.out = absUnder(root, cfg.out)
	}
	if cfg.command == "" {
		cfg.command = strings.Join(append([]string{"cairnbench"}, args...), " ")
	}
	return cfg, nil
}

// scaleTools are the tools of bench-scale by default: borg, single-threaded, would take hours at 1,000,000 files.
var scaleTools = []string{"cairn", "restic-0.14", "restic-0.19.1", "kopia"}

// flagSet says whether the command line gave the flag.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// parseTools checks a -tools list against the known tools and removes duplicates, keeping the order given.
func parseTools(list string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" || seen[name] {
			continue
		}
		if !isKnownTool(name) {
			return nil, fmt.Errorf("unknown tool %q (known: %s)", name, strings.Join(allTools, ", "))
		}
		seen[name] = true
		out = append(out, name)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-tools names no tool")
	}
	return out, nil
}
