package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/cairnbackup/cairn/engine/selection"
)

func cmdFiles(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("usage: cairn files add PATH... | files exclude PATTERN... | files list")
	}
	d, err := openDevice(e)
	if err != nil {
		return err
	}
	defer d.Close()
	switch args[0] {
	case "add":
		if len(args) < 2 {
			return usageErr("usage: cairn files add PATH...")
		}
		return d.AddFiles(args[1:]...)
	case "remove":
		if len(args) < 2 {
			return usageErr("usage: cairn files remove PATH...")
		}
		return d.RemoveFiles(args[1:]...)
	case "exclude":
		if len(args) < 2 {
			return usageErr("usage: cairn files exclude PATTERN...")
		}
		if err := d.Exclude(args[1:]...); errors.Is(err, selection.ErrBadPattern) {
			return &codeError{exitUsage, err}
		} else if err != nil {
			return err
		}
		return nil
	case "unexclude":
		if len(args) < 2 {
			return usageErr("usage: cairn files unexclude PATTERN...")
		}
		return d.Unexclude(args[1:]...)
	case "list":
		s := d.Selection()
		fmt.Fprintln(e.stdout, "Included:")
		for _, p := range s.Include {
			fmt.Fprintln(e.stdout, "  "+p)
		}
		fmt.Fprintln(e.stdout, "Excluded (yours):")
		for _, p := range s.Exclude {
			fmt.Fprintln(e.stdout, "  "+p)
		}
		fmt.Fprintln(e.stdout, "Excluded (defaults; remove one with 'cairn files unexclude PATTERN'):")
		for _, p := range s.Defaults {
			fmt.Fprintln(e.stdout, "  "+p)
		}
		return nil
	}
	return usageErr("unknown: cairn files %s", args[0])
}
