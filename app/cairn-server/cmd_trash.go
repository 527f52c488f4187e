package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/records"
)

func cmdTrash(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("trash needs a subcommand: list or restore")
	}
	switch args[0] {
	case "list":
		return trashList(ctx, e, args[1:])
	case "restore":
		return trashRestore(ctx, e, args[1:])
	}
	return usageErr("unknown subcommand trash %s", args[0])
}

// trashQuery builds the query for a user name and a device ID, either
// optional.
func trashQuery(ctx context.Context, rec records.Store, user, device string) (records.ObjectQuery, error) {
	q := records.ObjectQuery{State: records.Trashed, Device: device}
	if user != "" {
		name, err := userName(user)
		if err != nil {
			return q, err
		}
		u, err := rec.User(ctx, name)
		if err != nil {
			return q, noUser(name, err)
		}
		q.UserID = u.ID
	}
	if device != "" {
		d, err := rec.Device(ctx, device)
		if err != nil || q.UserID != 0 && d.UserID != q.UserID {
			return q, fmt.Errorf("there is no device %s of %s ('cairn-server device list %s' lists them)", device, user, user)
		}
	}
	return q, nil
}

func trashList(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("trash list", e)
	device := fs.String("device", "", "only this device's")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageErr("expected at most a user name, got %q", pos)
	}
	data, err := e.openData(ctx, *dataFlag)
	if err != nil {
		return err
	}
	defer data.Close()
	user := ""
	if len(pos) == 1 {
		user = pos[0]
	}
	q, err := trashQuery(ctx, data.Records, user, *device)
	if err != nil {
		return err
	}
	objs, err := data.Records.Objects(ctx, q)
	if err != nil {
		return err
	}
	grace := 30 * 24 * time.Hour
	if v, err := data.Records.Setting(ctx, server.SettingGrace); err == nil && v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			grace = d
		}
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tDEVICE\tKIND\tNAME\tSIZE\tDELETED\tPURGED AFTER")
	var total int64
	for _, o := range objs {
		total += o.Size
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.UserName, o.DeviceName, o.Kind, o.Name, formatSize(o.Size),
			formatTime(o.Deleted), formatTime(o.Deleted.Add(grace)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d objects, %s, in the trash (grace window %s)\n", len(objs), formatSize(total), grace)
	return nil
}

func trashRestore(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("trash restore", e)
	device := fs.String("device", "", "only this device's objects")
	since := fs.String("since", "", "only what was deleted at or after TIME")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 1, "a user name"); err != nil {
		return err
	}
	data, err := e.openData(ctx, *dataFlag)
	if err != nil {
		return err
	}
	defer data.Close()
	q, err := trashQuery(ctx, data.Records, pos[0], *device)
	if err != nil {
		return err
	}
	if *since != "" {
		t, err := parseTime(*since, e.now())
		if err != nil {
			return usageErr("--since: %v", err)
		}
		q.DeletedSince = t
	}
	rep, err := data.Vault.RestoreTrash(ctx, q)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %d objects (%s)\n", rep.Restored, formatSize(rep.Bytes))
	for _, o := range rep.Skipped {
		fmt.Fprintf(e.stdout, "not restored: %s/%s of %s, deleted %s: its device has stored a new object of that name since\n",
			o.Kind, o.Name, o.DeviceName, formatTime(o.Deleted))
	}
	for _, err := range rep.Failed {
		fmt.Fprintln(e.stderr, "cairn-server: could not restore:", err)
	}
	if len(rep.Failed) > 0 {
		return fmt.Errorf("%d objects could not be restored", len(rep.Failed))
	}
	return nil
}
