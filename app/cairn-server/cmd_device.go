package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/cairnbackup/cairn/engine/server/records"
)

func cmdDevice(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("device needs a subcommand: list or retire")
	}
	switch args[0] {
	case "list":
		return deviceList(ctx, e, args[1:])
	case "retire":
		return deviceRetire(ctx, e, args[1:])
	}
	return usageErr("unknown subcommand device %s", args[0])
}

func deviceList(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("device list", e)
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
	var userID int64
	if len(pos) == 1 {
		name, err := userName(pos[0])
		if err != nil {
			return err
		}
		u, err := data.Records.User(ctx, name)
		if err != nil {
			return noUser(name, err)
		}
		userID = u.ID
	}
	ds, err := data.Records.Devices(ctx, userID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSER\tDEVICE\tOS\tLAST UPLOAD\tLAST SEEN\tSIZE\tOBJECTS\tSTATUS")
	for _, d := range ds {
		status := "active"
		if !d.Retired.IsZero() {
			status = "retired " + formatTime(d.Retired)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", d.ID, d.UserName, d.Name, d.OS,
			formatTime(d.LastUpload), formatTime(d.LastSeen), formatSize(d.Bytes), d.Objects, status)
	}
	return tw.Flush()
}

func deviceRetire(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("device retire", e)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 1, "a device ID ('cairn-server device list' shows them)"); err != nil {
		return err
	}
	data, err := e.openData(ctx, *dataFlag)
	if err != nil {
		return err
	}
	defer data.Close()
	d, err := data.Records.Device(ctx, pos[0])
	if errors.Is(err, records.ErrNotFound) {
		return fmt.Errorf("there is no device %s ('cairn-server device list' lists them)", pos[0])
	}
	if err != nil {
		return err
	}
	if !d.Retired.IsZero() {
		fmt.Fprintf(e.stdout, "%s of %s was retired already, on %s\n", d.Name, d.UserName, formatTime(d.Retired))
		return nil
	}
	if err := data.Records.RetireDevice(ctx, d.ID, e.now()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "retired %s of %s: it is signed out and its slot is free; its archive stays (%d objects, %s)\n",
		d.Name, d.UserName, d.Objects, formatSize(d.Bytes))
	return nil
}
