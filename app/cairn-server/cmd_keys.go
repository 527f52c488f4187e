package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/config"
	"github.com/cairnbackup/cairn/engine/server/kek"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// keysSummary is what the usage says of the keys commands.
var keysSummary = []string{
	"keys init --config F        make the key-encryption key file named in [keys] kek_file (organisation-held keys)",
	"keys rotate --config F      a new key-encryption key; every organisation-held key is re-wrapped under it",
}

func cmdKeys(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("keys needs a subcommand: init or rotate")
	}
	switch args[0] {
	case "init":
		return keysInit(e, args[1:])
	case "rotate":
		return keysRotate(ctx, e, args[1:])
	}
	return usageErr("unknown subcommand keys %s", args[0])
}

// kekFile is the [keys] kek_file of the configuration file.
func kekFile(e *env, path string) (string, error) {
	if path == "" {
		path = e.getenv("CAIRN_SERVER_CONFIG")
	}
	if path == "" {
		return "", usageErr("no configuration file: give --config FILE (or set CAIRN_SERVER_CONFIG) with a [keys] section naming kek_file")
	}
	f, err := config.Load(path)
	if err != nil {
		return "", err
	}
	if f.Keys == nil {
		return "", usageErr("%s has no [keys] section: add one with kek_file = \"/etc/cairn/kek\" (docs/SERVER.md, \"Organisation-held keys\")", path)
	}
	return f.Keys.KEKFile, nil
}

func keysInit(e *env, args []string) error {
	fs, _ := newFlags("keys init", e)
	conf := fs.String("config", "", "the configuration file (also CAIRN_SERVER_CONFIG)")
	if pos, err := parse(fs, args); err != nil || len(pos) > 0 {
		return errors.Join(err, wantArgs(pos, 0, "no arguments"))
	}
	path, err := kekFile(e, *conf)
	if err != nil {
		return err
	}
	if err := kek.Generate(path); err != nil {
		return fmt.Errorf("%w (an existing file is never overwritten: 'keys rotate' adds a key to it)", err)
	}
	fmt.Fprintf(e.stdout, "made %s (readable only by this user).\n", path)
	fmt.Fprintln(e.stdout, "Back it up somewhere safe and apart from the server's data: without it, no organisation-held key opens.")
	return nil
}

func keysRotate(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("keys rotate", e)
	conf := fs.String("config", "", "the configuration file (also CAIRN_SERVER_CONFIG)")
	if pos, err := parse(fs, args); err != nil || len(pos) > 0 {
		return errors.Join(err, wantArgs(pos, 0, "no arguments"))
	}
	path, err := kekFile(e, *conf)
	if err != nil {
		return err
	}
	data, err := e.openData(ctx, *dataFlag)
	if err != nil {
		return err
	}
	defer data.Close()
	if _, err := kek.Load(path); err != nil { // a loose or broken file stops here, before anything changes
		return err
	}
	id, err := kek.Rotate(path)
	if err != nil {
		return err
	}
	ring, err := kek.Load(path)
	if err != nil {
		return err
	}
	n, err := server.RewrapOrgKeys(ctx, data.Records, ring, e.now)
	if err != nil {
		return fmt.Errorf("%w; %d keys were re-wrapped: keep every line of %s and run 'keys rotate' again once the cause is fixed", err, n, path)
	}
	fmt.Fprintf(e.stdout, "new key-encryption key %s; %d organisation-held keys re-wrapped under it.\n", id, n)
	fmt.Fprintf(e.stdout, "The lines after the first in %s may now be removed, once every running server has been restarted with the new file;\n", path)
	fmt.Fprintln(e.stdout, "back up the new file: the old copies no longer open the keys.")
	return nil
}

// webOrgKey lets the web pages open organisation-held archives with the
// server's KEK; nil when the server has none.
func webOrgKey(rec records.Store, ring *kek.Ring) func(context.Context, records.Device) ([]byte, error) {
	if ring == nil {
		return nil
	}
	return func(ctx context.Context, d records.Device) ([]byte, error) {
		return server.OrgSecret(ctx, rec, ring, d)
	}
}
