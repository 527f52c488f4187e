package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
)

func cmdUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("user needs a subcommand: add, list, passwd, signout, quota, devices, disable, enable or admin")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "add":
		return userAdd(ctx, e, args)
	case "list":
		return userList(ctx, e, args)
	case "passwd":
		return userPasswd(ctx, e, args)
	case "signout":
		return userSignout(ctx, e, args)
	case "quota", "devices", "disable", "enable", "admin":
		return userChange(ctx, e, sub, args)
	}
	return usageErr("unknown subcommand user %s", sub)
}

func userAdd(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("user add", e)
	pwFile := fs.String("password-file", "", "read the password from the first line of this file")
	quota := sizeFlag{v: records.DefaultQuota}
	fs.Var(&quota, "quota", "the most the user may store, trash included")
	devices := fs.Int("devices", records.DefaultMaxDevices, "the most devices the user may sign in from")
	admin := fs.Bool("admin", false, "the user is an administrator")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 1, "a user name"); err != nil {
		return err
	}
	name, err := userName(pos[0])
	if err != nil {
		return err
	}
	if *devices < 1 || quota.v < 1 {
		return usageErr("--devices and --quota must be at least 1")
	}
	data, err := e.openData(ctx, *dataFlag)
	if err != nil {
		return err
	}
	defer data.Close()
	if _, err := data.Records.User(ctx, name); err == nil {
		return fmt.Errorf("user %s exists already", name)
	}
	pw, err := readPassword(e, *pwFile, name)
	if err != nil {
		return err
	}
	hash, err := passhash.Hash(pw, e.hashParams())
	if err != nil {
		return err
	}
	u, err := data.Records.AddUser(ctx, records.User{Name: name, PasswordHash: hash, Admin: *admin,
		Quota: quota.v, MaxDevices: *devices, Created: e.now()})
	if errors.Is(err, records.ErrExists) {
		return fmt.Errorf("user %s exists already", name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added user %s: quota %s, up to %d devices\n", u.Name, formatSize(u.Quota), u.MaxDevices)
	return nil
}

func userList(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("user list", e)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "no arguments"); err != nil {
		return err
	}
	data, err := e.openData(ctx, *dataFlag)
	if err != nil {
		return err
	}
	defer data.Close()
	us, err := data.Records.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tUSED\tQUOTA\tDEVICES\tSTATUS\tCREATED\tSOURCE")
	for _, u := range us {
		status := "active"
		switch {
		case u.Disabled && u.SyncDisabled:
			status = "disabled by the directory"
		case u.Disabled:
			status = "disabled"
		}
		if u.Admin {
			status += ", admin"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d of %d\t%s\t%s\t%s\n", u.Name, formatSize(u.Used), formatSize(u.Quota),
			u.Devices, u.MaxDevices, status, formatTime(u.Created), u.Source)
	}
	return tw.Flush()
}

func userPasswd(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("user passwd", e)
	pwFile := fs.String("password-file", "", "read the password from the first line of this file")
	devices := fs.Bool("signout-devices", false, "also sign every device of the user out (after a stolen password)")
	data, u, err := oneUser(ctx, e, fs, dataFlag, args)
	if err != nil {
		return err
	}
	defer data.Close()
	name := u.Name
	pw, err := readPassword(e, *pwFile, name)
	if err != nil {
		return err
	}
	hash, err := passhash.Hash(pw, e.hashParams())
	if err != nil {
		return err
	}
	if err := data.Records.UpdateUser(ctx, name, records.UserChange{PasswordHash: &hash}); err != nil {
		return noUser(name, err)
	}
	// Whoever knew the old password may have a browser signed in with it.
	if err := data.Records.RemoveUserWebSessions(ctx, u.ID); err != nil {
		return fmt.Errorf("the password of %s is changed, but their browsers could not be signed out: %w", name, err)
	}
	if !*devices {
		fmt.Fprintf(e.stdout, "changed the password of %s and signed their browsers out; devices signed in stay signed in "+
			"('cairn-server user signout %s' signs them out)\n", name, name)
		return nil
	}
	n, err := data.Records.RevokeUserTokens(ctx, u.ID, records.RevokedPassword, e.now())
	if err != nil {
		return fmt.Errorf("the password of %s is changed and their browsers signed out, but their devices could not be: %w", name, err)
	}
	fmt.Fprintf(e.stdout, "changed the password of %s and signed their browsers and %d device sign-ins out\n", name, n)
	return nil
}

// userSignout signs every device of a user out in one step: a lost
// computer, a password that leaked. Each device signs in again with the
// password; its archive stays.
func userSignout(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("user signout", e)
	data, u, err := oneUser(ctx, e, fs, dataFlag, args)
	if err != nil {
		return err
	}
	defer data.Close()
	name := u.Name
	n, err := data.Records.RevokeUserTokens(ctx, u.ID, records.RevokedAdmin, e.now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "signed out %d device sign-ins of %s: each device must sign in again with the password to go on backing up\n", n, name)
	return nil
}

func userChange(ctx context.Context, e *env, sub string, args []string) error {
	fs, dataFlag := newFlags("user "+sub, e)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	want := map[string]int{"quota": 2, "devices": 2, "disable": 1, "enable": 1, "admin": 2}[sub]
	what := map[string]string{"quota": "a user name and a size", "devices": "a user name and a number",
		"disable": "a user name", "enable": "a user name", "admin": "a user name and on or off"}[sub]
	if err := wantArgs(pos, want, what); err != nil {
		return err
	}
	name, err := userName(pos[0])
	if err != nil {
		return err
	}
	var c records.UserChange
	var done string
	switch sub {
	case "quota":
		q, err := parseSize(pos[1])
		if err != nil || q < 1 {
			return usageErr("%q is not a quota: write 500GB, 1TB, 250MiB or a number of bytes", pos[1])
		}
		c.Quota, done = &q, "quota of "+name+" is now "+formatSize(q)
	case "devices":
		n, err := strconv.Atoi(pos[1])
		if err != nil || n < 1 {
			return usageErr("%q is not a number of devices", pos[1])
		}
		c.MaxDevices, done = &n, fmt.Sprintf("%s may now have up to %d devices", name, n)
	case "disable", "enable":
		off := sub == "disable"
		c.Disabled, done = &off, name+" is "+sub+"d"
	case "admin":
		if pos[1] != "on" && pos[1] != "off" {
			return usageErr("user admin %s: say on or off, not %q", name, pos[1])
		}
		on := pos[1] == "on"
		c.Admin, done = &on, name+" is an administrator"
		if !on {
			done = name + " is not an administrator"
		}
	}
	data, err := e.openData(ctx, *dataFlag)
	if err != nil {
		return err
	}
	defer data.Close()
	if c.MaxDevices != nil {
		u, err := data.Records.User(ctx, name)
		if err != nil {
			return noUser(name, err)
		}
		if u.Devices > *c.MaxDevices {
			return fmt.Errorf("%s has %d devices already; retire %d with 'cairn-server device retire ID' first ('cairn-server device list %s' shows them)",
				name, u.Devices, u.Devices-*c.MaxDevices, name)
		}
	}
	if err := data.Records.UpdateUser(ctx, name, c); err != nil {
		return noUser(name, err)
	}
	fmt.Fprintln(e.stdout, done)
	return nil
}

// oneUser parses a command's arguments, one user name, opens the data
// folder and finds the user; the caller closes data.
func oneUser(ctx context.Context, e *env, fs *flag.FlagSet, dataFlag *string, args []string) (*server.Data, records.User, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return nil, records.User{}, err
	}
	if err := wantArgs(pos, 1, "a user name"); err != nil {
		return nil, records.User{}, err
	}
	name, err := userName(pos[0])
	if err != nil {
		return nil, records.User{}, err
	}
	data, err := e.openData(ctx, *dataFlag)
	if err != nil {
		return nil, records.User{}, err
	}
	u, err := data.Records.User(ctx, name)
	if err != nil {
		data.Close()
		return nil, records.User{}, noUser(name, err)
	}
	return data, u, nil
}

func noUser(name string, err error) error {
	if errors.Is(err, records.ErrNotFound) {
		return fmt.Errorf("there is no user %s ('cairn-server user list' lists them)", name)
	}
	return err
}
