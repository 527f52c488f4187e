package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/cairnbackup/cairn/engine/crypt"
)

// kdfFor returns the key-derivation cost; CAIRN_TEST_FAST_KDF=1 makes it
// cheap for tests (it is never a good idea for real archives).
func kdfFor(e *env) crypt.KDFParams {
	if e.getenv("CAIRN_TEST_FAST_KDF") == "1" {
		return crypt.TestKDF
	}
	return crypt.DefaultKDF
}

func cmdDest(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("usage: cairn dest add NAME PATH | dest list | dest remove NAME | dest passwd NAME")
	}
	d, err := openDevice(e)
	if err != nil {
		return err
	}
	defer d.Close()
	switch args[0] {
	case "add":
		if len(args) != 3 {
			return usageErr("usage: cairn dest add NAME PATH")
		}
		res, err := d.AddFolderDestination(ctx, args[1], args[2], passwordFunc(e), kdfFor(e))
		if err != nil {
			return err
		}
		if res.Created {
			fmt.Fprintf(e.stdout, "Created a new archive at %s as destination %q.\n", args[2], args[1])
			fmt.Fprintln(e.stdout, "Keep the password safe: without it nobody, not even you, can read this archive.")
		} else {
			s := res.Sync
			fmt.Fprintf(e.stdout, "Attached to the archive at %s as destination %q: %d versions in %d packs read in %s.\n",
				args[2], args[1], s.NewVersions, s.NewPacks, s.Took.Round(1e6))
		}
		return nil
	case "list":
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tTYPE\tLOCATION\tARCHIVE")
		for _, x := range d.Config().Destinations {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.Name, x.Type, x.Path, x.ArchiveID)
		}
		return tw.Flush()
	case "remove":
		if len(args) != 2 {
			return usageErr("usage: cairn dest remove NAME")
		}
		if err := d.RemoveDestination(args[1]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "This computer no longer backs up to %q. The archive there is untouched.\n", args[1])
		return nil
	case "passwd":
		if len(args) != 2 {
			return usageErr("usage: cairn dest passwd NAME")
		}
		ask := passwordFunc(e)
		oldPw, err := ask("Current password: ", false)
		if err != nil {
			return err
		}
		newPw := []byte(e.getenv("CAIRN_NEW_PASSWORD"))
		if len(newPw) == 0 {
			if newPw, err = ask("New password: ", true); err != nil {
				return err
			}
		}
		if err := d.ChangePassword(ctx, args[1], oldPw, newPw, kdfFor(e)); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "Password changed. The old password no longer opens the archive.")
		return nil
	}
	return usageErr("unknown: cairn dest %s", args[0])
}
