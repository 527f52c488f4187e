//go:build unix

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// firstPlan: every repetition starts from nothing (no repository, no cache, no home); the last one's state is
// the one the later steps use.
func (b *bench) firstPlan() stepPlan {
	return stepPlan{
		before: func(ctx context.Context, t *tool, rep int) error {
			if err := os.RemoveAll(t.state); err != nil {
				return err
			}
			if err := t.makeState(); err != nil {
				return err
			}
			t.seq = 0
			ctx, cancel := context.WithTimeout(ctx, b.cfg.timeout)
			defer cancel()
			for i, c := range t.drv.setup(t) {
				if err := t.run(ctx, b.logs, fmt.Sprintf("%s-0-setup-run%d-%d", t.name, rep, i), c); err != nil {
					return fmt.Errorf("create the repository: %w", err)
				}
			}
			return nil
		},
		cmd: b.backupCmd,
	}
}

func (b *bench) backupCmd(t *tool, _ int) command {
	t.seq++
	return t.drv.backup(t, t.seq)
}

// snapSuffix names the copy of a tool's state taken after step 2, from which every repetition of step 3 starts.
const snapSuffix = ".after-step2"

// unchangedPlan: a backup with nothing changed changes nothing that matters, so it is simply repeated. The
// state is then copied so that every repetition of step 3 backs up the same change from the same state.
func (b *bench) unchangedPlan() stepPlan {
	return stepPlan{
		cmd: b.backupCmd,
		finish: func(t *tool, _ *result) error {
			snap := t.state + snapSuffix
			if err := os.RemoveAll(snap); err != nil {
				return err
			}
			return copyTree(t.state, snap)
		},
	}
}

func (b *bench) changedPlan() stepPlan {
	seqAfter2 := map[*tool]int{}
	return stepPlan{
		before: func(_ context.Context, t *tool, rep int) error {
			if rep == 1 {
				seqAfter2[t] = t.seq
				return nil
			}
			t.seq = seqAfter2[t]
			return replaceTree(t.state+snapSuffix, t.state)
		},
		cmd: b.backupCmd,
		finish: func(t *tool, r *result) error {
			if err := os.RemoveAll(t.state + snapSuffix); err != nil {
				return err
			}
			return measureState(t, r)
		},
	}
}

// measureState records the archive size (the repository folder) and the size of everything else the tool keeps.
func measureState(t *tool, r *result) error {
	repo, err := dirBytes(t.repo())
	if err != nil {
		return err
	}
	all, err := dirBytes(t.state)
	if err != nil {
		return err
	}
	r.archive, r.local = repo, all-repo
	return nil
}

// restorePlan: every repetition restores into a new empty folder, on a fresh file system of its own where the
// harness can make one (volume.go); the first restore is checked file by file. Without fresh file systems,
// restored trees are only deleted after the whole step: ext4 makes creating files slow after many were deleted,
// so a tree of 20,000 files deleted just before a timed restore makes that restore pay for the deletion.
// bench-scale deletes each tree after its repetition instead (untimed): its largest trees would not fit on the
// disk.
func (b *bench) restorePlan() stepPlan {
	target := func(t *tool, rep int) string {
		return filepath.Join(b.cfg.work, restoresDir, fmt.Sprintf("%s-%d", t.name, rep))
	}
	return stepPlan{
		before: func(ctx context.Context, t *tool, rep int) error {
			if b.vols != nil && b.vols.ok {
				size, inodes := restoreSpace(b.info.corpusFiles, b.info.corpusBytes)
				return b.vols.mount(ctx, target(t, rep), size, inodes)
			}
			if err := os.RemoveAll(target(t, rep)); err != nil {
				return err
			}
			return os.MkdirAll(target(t, rep), 0o755)
		},
		cmd: func(t *tool, rep int) command { return t.drv.restore(t, target(t, rep)) },
		after: func(t *tool, r *result, rep int) error {
			if rep == 1 {
				b.checkRestore(t, r, t.drv.restored(t, target(t, rep)))
			}
			switch {
			case b.vols != nil && b.vols.ok:
				return b.vols.unmount(context.Background(), target(t, rep))
			case b.files > 0:
				// bench-scale: a million-file tree per repetition and tool would not fit on the disk.
				return os.RemoveAll(target(t, rep))
			}
			return nil
		},
	}
}

// restoresDir holds the restored trees until the end of the run.
const restoresDir = "restores"

// checkRestore compares a restored tree with the corpus. Wrong data does not stop the timing, but is shouted.
func (b *bench) checkRestore(t *tool, r *result, root string) {
	if r.restoredWrong() {
		return // the single-file restore already gave wrong data: the report says that
	}
	got, err := hashTree(context.Background(), root)
	switch {
	case errors.Is(err, os.ErrNotExist):
		r.check = "nothing restored at " + root
	case err != nil:
		r.check = "cannot read the restored tree: " + err.Error()
	default:
		if r.check = compareTrees(b.want, got); r.check == "" {
			r.check = "ok"
		}
	}
	if r.restoredWrong() {
		b.printf("!!! %s RESTORED WRONG DATA: %s\n", t.name, r.check)
		return
	}
	b.printf("          %s restore check: %d files, %s, identical to the corpus\n", t.name, len(got),
		fmtBytes(got.bytes()))
}
