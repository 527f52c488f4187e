package blobs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cairnbackup/cairn/engine/store"
)

// Walk implements Store. Files that cannot be objects (bad names, a folder
// where a file belongs) are skipped.
func (d *Disk) Walk(ctx context.Context, fn func(Entry) error) error {
	for _, base := range []string{dirObjects, dirTrash} {
		root := filepath.Join(d.root, base)
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if !e.Type().IsRegular() {
				return nil
			}
			r, err := filepath.Rel(root, p)
			if err != nil {
				return nil
			}
			entry, ok := parseEntry(strings.Split(filepath.ToSlash(r), "/"), base == dirTrash)
			if !ok {
				return nil
			}
			info, err := e.Info()
			if err != nil {
				return nil // gone meanwhile
			}
			entry.Info = Info{Size: info.Size(), ModTime: info.ModTime()}
			return fn(entry)
		})
		if err != nil {
			return fmt.Errorf("walk %s: %w", root, err)
		}
	}
	return nil
}

// parseEntry reads device/kind[/shard]/name[@id]; ok is false for paths the
// store does not write.
func parseEntry(parts []string, trash bool) (Entry, bool) {
	var e Entry
	if len(parts) < 3 || len(parts) > 4 {
		return e, false
	}
	name := parts[len(parts)-1]
	if trash {
		i := strings.LastIndexByte(name, '@')
		if i < 0 {
			return e, false
		}
		id, err := strconv.ParseInt(name[i+1:], 10, 64)
		if err != nil || id <= 0 {
			return e, false
		}
		name, e.TrashID = name[:i], id
	}
	e.Ref = Ref{Device: parts[0], Kind: parts[1], Name: name}
	if e.Ref.Check() != nil {
		return e, false
	}
	want := rel(e.Ref)
	if len(want) != len(parts) || len(parts) == 4 && parts[2] != want[2] {
		return e, false
	}
	return e, store.ValidName(name)
}
