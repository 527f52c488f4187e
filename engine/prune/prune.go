// Package prune applies the retention policy to an archive and frees the
// space of what no version needs any more.
//
// Three steps, each leaving the archive consistent if interrupted: versions
// the policy lets go are removed from the index (the segments holding them
// are noted first); those segments are rewritten without them; then unused
// chunks are freed, deleting or rewriting their packs.
package prune

import (
	"context"
	"time"

	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/retention"
)

// Options configure a prune.
type Options struct {
	Policy retention.Policy
	Now    time.Time
	// Budget bounds the time spent rewriting packs (0: no limit).
	Budget time.Duration
}

// Result sums up a prune.
type Result struct {
	Paths, Versions, VersionsRemoved int64
	Segments                         repo.SegmentStats
	GC                               repo.GCStats
	Took                             time.Duration
}

// Run prunes r.
func Run(ctx context.Context, r *repo.Repo, o Options) (Result, error) {
	start := time.Now()
	var res Result
	if _, err := r.Sync(ctx); err != nil {
		return res, err
	}
	if err := forget(ctx, r, o, &res); err != nil {
		return res, err
	}
	var err error
	if res.Segments, err = r.RewriteSegments(ctx); err != nil {
		return res, err
	}
	if res.GC, err = r.CollectGarbage(ctx, repo.GCOptions{Budget: o.Budget}); err != nil {
		return res, err
	}
	res.Took = time.Since(start)
	return res, nil
}

// forget decides, path by path, which versions the policy keeps, and
// removes the others in batches.
func forget(ctx context.Context, r *repo.Repo, o Options, res *Result) error {
	var entries []retention.Entry
	var decisions []retention.Decision
	var drops []index.Stored
	flush := func() error {
		if len(drops) == 0 {
			return nil
		}
		err := r.ForgetVersions(drops)
		res.VersionsRemoved += int64(len(drops))
		drops = drops[:0]
		return err
	}
	err := r.Index().Histories(r.Dest(), func(path string, vs []index.Stored) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		res.Paths++
		res.Versions += int64(len(vs))
		entries = entries[:0]
		for i := range vs {
			entries = append(entries, retention.Entry{Recorded: time.Unix(0, vs[i].Recorded), Deleted: vs[i].Deleted})
		}
		decisions = retention.ApplyTo(decisions[:0], entries, o.Policy, o.Now)
		for i, d := range decisions {
			if !d.Keep {
				v := vs[i]
				v.Chunks = nil // only path, time and segment are needed
				drops = append(drops, v)
			}
		}
		if len(drops) >= 50_000 {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}
