package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/cairnbackup/cairn/engine/printable"
	"github.com/cairnbackup/cairn/engine/verify"
)

func cmdVerify(ctx context.Context, e *env, args []string) error {
	fs := newFlags("verify", e)
	dest := fs.String("dest", "", "destination name")
	full := fs.Bool("full", false, "read and check every byte stored (slow), not only the tables")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("usage: cairn verify [--dest NAME] [--full]")
	}
	d, err := openDevice(e)
	if err != nil {
		return err
	}
	defer d.Close()
	pr := newProgressLine(e)
	rep, err := d.Verify(ctx, *dest, verify.Options{Full: *full, Progress: func(done, total int) {
		pr.draw(fmt.Sprintf("Verifying: %d of %d packs", done, total))
	}})
	pr.clear()
	if err != nil {
		return err
	}
	what := "tables of"
	if *full {
		what = fmt.Sprintf("%s in", size(rep.Bytes))
	}
	fmt.Fprintf(e.stdout, "Checked the %s %d packs (%d chunks) and %d versions in %s.\n", what, rep.Packs, rep.Chunks,
		rep.Versions, rep.Took.Round(time.Millisecond))
	if rep.OK() {
		fmt.Fprintln(e.stdout, "Everything is intact.")
		return nil
	}
	for _, p := range rep.MissingPacks {
		fmt.Fprintf(e.stderr, "missing pack: %s\n", p)
	}
	for _, p := range rep.DamagedPacks {
		fmt.Fprintf(e.stderr, "damaged pack: %s\n", p)
	}
	for _, a := range rep.Affected {
		which := fmt.Sprintf("%d older version(s)", a.Versions)
		if a.Newest {
			which = fmt.Sprintf("%d version(s), the newest among them", a.Versions)
		}
		fmt.Fprintf(e.stderr, "damaged: %s: %s cannot be restored\n", a.Path, which)
	}
	msg := fmt.Sprintf("damage found: %d files affected, %d chunks damaged, %d missing", len(rep.Affected), rep.DamagedChunks, rep.MissingChunks)
	if rep.WillBeBackedUp > 0 {
		msg += fmt.Sprintf("; the next backup stores %d of them again from this computer", rep.WillBeBackedUp)
	}
	return &codeError{exitDamaged, fmt.Errorf("%s", msg)}
}

func cmdPrune(ctx context.Context, e *env, args []string) error {
	fs := newFlags("prune", e)
	dest := fs.String("dest", "", "destination name")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("usage: cairn prune [--dest NAME]")
	}
	d, err := openDevice(e)
	if err != nil {
		return err
	}
	defer d.Close()
	res, err := d.Prune(ctx, *dest, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Pruned in %s: %d of %d versions removed by the retention policy, %d segments rewritten, %d packs deleted, %d rewritten, %s freed.\n",
		res.Took.Round(time.Millisecond), res.VersionsRemoved, res.Versions, res.Segments.Rewritten,
		res.GC.PacksDeleted, res.GC.PacksRepack, size(max(res.GC.BytesFreed, 0)))
	return nil
}

func cmdRepairIndex(ctx context.Context, e *env, args []string) error {
	fs := newFlags("repair-index", e)
	dest := fs.String("dest", "", "destination name")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("usage: cairn repair-index [--dest NAME]")
	}
	d, err := openDevice(e)
	if err != nil {
		return err
	}
	defer d.Close()
	rep, err := d.RepairIndex(ctx, *dest)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Rebuilt the index from the destination in %s: %d packs, %d segments, %d versions.\n",
		rep.Took.Round(time.Millisecond), rep.NewPacks, rep.NewSegments, rep.NewVersions)
	if len(rep.DamagedPacks) > 0 {
		fmt.Fprintf(e.stderr, "%d packs could not be read and were left out; run 'cairn verify' to see which files that affects\n", len(rep.DamagedPacks))
	}
	return nil
}

func cmdStatus(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return usageErr("usage: cairn status")
	}
	d, err := openDevice(e)
	if err != nil {
		return err
	}
	defer d.Close()
	s := d.Status(ctx)
	fmt.Fprintf(e.stdout, "Cairn home: %s (index %s)\n", s.Home, size(s.IndexBytes))
	fmt.Fprintf(e.stdout, "Selected: %d folders, %d exclusions of yours, %d default exclusions\n",
		len(s.Selection.Include), len(s.Selection.Exclude), len(s.Selection.Defaults))
	if len(s.Destinations) == 0 {
		fmt.Fprintln(e.stdout, "No destination yet: add one with 'cairn dest add NAME PATH'.")
	}
	for _, ds := range s.Destinations {
		fmt.Fprintf(e.stdout, "\n%s (%s %s)\n", printable.Name(ds.Name), ds.Type, printable.String(ds.Location(), 0))
		if !ds.Reachable {
			// The problem can quote the server: printable, on one line.
			fmt.Fprintf(e.stdout, "  not reachable: %s\n", printable.Message(ds.Problem))
		}
		if ds.Pending > 0 {
			fmt.Fprintf(e.stdout, "  pending: %d changes (%s) wait on this computer to be sent\n", ds.Pending, size(ds.Queued))
		}
		fmt.Fprintf(e.stdout, "  %d files and folders backed up, %s stored in %d packs\n", ds.Files, size(ds.StoredBytes), ds.Packs)
		if lb := ds.LastBackup; lb != nil {
			state := "completed"
			if lb.Failed != "" {
				state = "stopped: " + printable.Message(lb.Failed)
			} else if lb.Errors > 0 {
				state = fmt.Sprintf("completed, %d files could not be read", lb.Errors)
			}
			fmt.Fprintf(e.stdout, "  last backup: %s, %s (%s)\n", lb.Finished.Local().Format(time.RFC3339), state, lb.Took.Round(time.Millisecond))
		} else {
			fmt.Fprintln(e.stdout, "  never backed up")
		}
		if !ds.LastPrune.IsZero() {
			fmt.Fprintf(e.stdout, "  last pruned: %s\n", ds.LastPrune.Local().Format(time.RFC3339))
		}
		if !ds.LastVerify.IsZero() {
			fmt.Fprintf(e.stdout, "  last verified: %s\n", ds.LastVerify.Local().Format(time.RFC3339))
		}
	}
	return nil
}

func cmdDevices(ctx context.Context, e *env, args []string) error {
	fs := newFlags("devices", e)
	dest := fs.String("dest", "", "destination name (a server)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("usage: cairn devices [--dest NAME]")
	}
	d, err := openDevice(e)
	if err != nil {
		return err
	}
	defer d.Close()
	devs, err := d.Devices(ctx, *dest)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tOS\tLAST BACKUP\tSIZE\tID")
	for _, dv := range devs {
		last := "never"
		if dv.LastUpload > 0 {
			last = time.Unix(0, dv.LastUpload).Local().Format("2006-01-02 15:04")
		}
		// Other computers chose these names, and the server relays them:
		// printable, so no name can write to the terminal or break the table.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", printable.Name(dv.Name), printable.Name(dv.OS), last, size(dv.Bytes),
			printable.Name(dv.ID))
	}
	return tw.Flush()
}
