package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/index"
)

// timeFormat prints version times: RFC 3339 in local time, to the
// millisecond, so that any printed time can be given back to --at.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

// parseAt parses an RFC 3339 time for --at. The moment includes everything
// up to the end of its last digit: "14:02:05" means up to 14:02:05.999999999,
// so a time printed by 'cairn versions' selects that version.
func parseAt(s string) (int64, error) {
	if s == "" {
		return index.Latest, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, usageErr("--at %q is not an RFC 3339 time such as 2026-11-25T14:02:00+01:00 or 2026-11-25T13:02:00Z", s)
	}
	digits := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		for j := i + 1; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
			digits++
		}
	}
	step := time.Second
	for i := 0; i < digits && i < 9; i++ {
		step /= 10
	}
	return t.UnixNano() + int64(step) - 1, nil
}

func cmdVersions(ctx context.Context, e *env, args []string) error {
	fs := newFlags("versions", e)
	dest := fs.String("dest", "", "destination name")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("usage: cairn versions [--dest NAME] PATH")
	}
	p, err := device.ArchivePath(pos[0])
	if err != nil {
		return err
	}
	d, err := openDevice(e)
	if err != nil {
		return err
	}
	defer d.Close()
	vs, err := d.Versions(ctx, *dest, p)
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		return fmt.Errorf("%s has no versions in the backup: %w", p, engine.ErrNotFound)
	}
	for _, v := range vs {
		line := fmt.Sprintf("%s %d", v.RecordedTime().Local().Format(timeFormat), v.Size)
		if v.Deleted {
			line += " deleted"
		}
		if v.Warning != "" {
			line += " (" + v.Warning + ")"
		}
		fmt.Fprintln(e.stdout, line)
	}
	return nil
}

func cmdLs(ctx context.Context, e *env, args []string) error {
	fs := newFlags("ls", e)
	dest := fs.String("dest", "", "destination name")
	at := fs.String("at", "", "as of this time (RFC 3339)")
	deleted := fs.Bool("deleted", false, "include deleted files")
	recursive := fs.Bool("r", false, "list the whole tree below PATH")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageErr("usage: cairn ls [--dest NAME] [--at TIME] [--deleted] [-r] [PATH]")
	}
	when, err := parseAt(*at)
	if err != nil {
		return err
	}
	d, err := openDevice(e)
	if err != nil {
		return err
	}
	defer d.Close()
	view := index.View{At: when, WithDeleted: *deleted}
	var paths []string
	if len(pos) == 1 {
		p, err := device.ArchivePath(pos[0])
		if err != nil {
			return err
		}
		paths = []string{p}
	} else {
		paths = d.Selection().Roots()
	}
	for _, p := range paths {
		ent, ok, err := d.Lookup(ctx, *dest, p, view)
		if err != nil {
			return err
		}
		if ok && ent.Version.Type != engine.TypeDir {
			printEntry(e, ent)
			continue
		}
		if !ok && p != "/" && len(pos) == 1 {
			return fmt.Errorf("%s is not in the backup as of that time: %w", p, engine.ErrNotFound)
		}
		if err := d.List(ctx, *dest, p, view, *recursive, func(ent index.Entry) error {
			printEntry(e, ent)
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// printEntry prints one line: type and mode, size, modification time, path
// (folders end in "/"), and when it was deleted.
func printEntry(e *env, ent index.Entry) {
	v := ent.Version
	name := v.Path
	if v.Type == engine.TypeDir {
		name += "/"
	}
	if v.Type == engine.TypeSymlink {
		name += " -> " + v.LinkTarget
	}
	line := fmt.Sprintf("%s %12d %s %s", modeString(v), v.Size, v.ModTimeTime().Local().Format(time.RFC3339), name)
	if ent.DeletedAt != 0 {
		line += "  (deleted " + time.Unix(0, ent.DeletedAt).Local().Format(timeFormat) + ")"
	}
	fmt.Fprintln(e.stdout, line)
}

func modeString(v engine.Version) string {
	t := map[engine.FileType]byte{engine.TypeDir: 'd', engine.TypeSymlink: 'l', engine.TypeFIFO: 'p',
		engine.TypeSocket: 's', engine.TypeCharDevice: 'c', engine.TypeBlockDevice: 'b'}[v.Type]
	if t == 0 {
		t = '-'
	}
	b := []byte{t}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		if v.Mode&(1<<(8-i)) != 0 {
			b = append(b, rwx[i])
		} else {
			b = append(b, '-')
		}
	}
	return string(b)
}
