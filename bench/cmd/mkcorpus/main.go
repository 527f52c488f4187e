// Command mkcorpus writes the benchmark corpora of `make bench` and `make bench-scale`, the same bytes on every
// machine: every file's content comes from its own generator, seeded from the file's category and index.
//
//	mkcorpus gen DIR               the standard corpus: about 1 GiB, 20,215 files, small and large (DIR must not exist)
//	mkcorpus modify DIR            its fixed ~1 % change set (appends, an edit inside a large file, adds, deletes)
//	mkcorpus gen -files N DIR      N small files shaped like a home folder's (bench-scale)
//	mkcorpus modify -files N DIR   1 % of those N files changed
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

const usage = "usage: mkcorpus gen|modify [-files N] DIR"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mkcorpus:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) < 1 {
		return errors.New(usage)
	}
	verb := args[0]
	fs := flag.NewFlagSet("mkcorpus "+verb, flag.ContinueOnError)
	files := fs.Int("files", 0, "make the small-file tree of `N` files instead of the standard corpus")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || *files < 0 {
		return errors.New(usage)
	}
	dir := fs.Arg(0)
	switch {
	case verb == "gen" && *files == 0:
		return genStandard(ctx, dir)
	case verb == "modify" && *files == 0:
		return modifyStandard(dir)
	case verb == "gen":
		return genScale(ctx, dir, *files)
	case verb == "modify":
		return modifyScale(ctx, dir, *files)
	}
	return fmt.Errorf("unknown command %q; %s", verb, usage)
}
