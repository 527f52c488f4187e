package device

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/selection"
)

// AddFiles includes folders or files in the selection.
func (d *Device) AddFiles(paths ...string) error {
	return d.update(func(c *config.Config) error {
		for _, p := range paths {
			abs, err := ArchivePath(p) // "C:" is the drive, not its current folder
			if err != nil {
				return err
			}
			if !slices.Contains(c.Selection.Include, abs) {
				c.Selection.Include = append(c.Selection.Include, abs)
			}
		}
		return nil
	})
}

// RemoveFiles takes folders or files out of the included list.
func (d *Device) RemoveFiles(paths ...string) error {
	return d.update(func(c *config.Config) error {
		for _, p := range paths {
			abs, err := ArchivePath(p)
			if err != nil {
				return err
			}
			c.Selection.Include = slices.DeleteFunc(c.Selection.Include, func(s string) bool { return s == abs })
		}
		return nil
	})
}

// Exclude adds exclusion patterns, after checking they compile.
func (d *Device) Exclude(patterns ...string) error {
	if _, err := selection.Compile(patterns, selection.Options{Home: toSlash(d.userDir)}); err != nil {
		return err
	}
	return d.update(func(c *config.Config) error {
		for _, p := range patterns {
			if !slices.Contains(c.Selection.Exclude, p) {
				c.Selection.Exclude = append(c.Selection.Exclude, p)
			}
		}
		return nil
	})
}

// Unexclude removes exclusion patterns (the user's own or defaults).
func (d *Device) Unexclude(patterns ...string) error {
	return d.update(func(c *config.Config) error {
		found := false
		for _, p := range patterns {
			n := len(c.Selection.Exclude) + len(c.Selection.Defaults)
			c.Selection.Exclude = slices.DeleteFunc(c.Selection.Exclude, func(s string) bool { return s == p })
			c.Selection.Defaults = slices.DeleteFunc(c.Selection.Defaults, func(s string) bool { return s == p })
			found = found || n != len(c.Selection.Exclude)+len(c.Selection.Defaults)
		}
		if !found {
			return fmt.Errorf("no such exclusion")
		}
		return nil
	})
}

// Selection returns what is selected.
func (d *Device) Selection() selection.Selection { return d.Config().Selection }

// SetSelection replaces the whole selection (the Manage Files screen saves
// this way), after checking its patterns compile.
func (d *Device) SetSelection(s selection.Selection) error {
	if _, err := s.Matcher(d.goos, toSlash(d.userDir)); err != nil {
		return err
	}
	return d.update(func(c *config.Config) error {
		c.Selection = s
		return nil
	})
}

// toSlash turns an absolute path of this system into the archive's form
// (selection.ArchivePath: "/C:/Users/ana" for `C:\Users\ana`); anything
// else only gets "/" separators.
func toSlash(p string) string {
	if a, ok := selection.ArchivePath(runtime.GOOS, p); ok {
		return a
	}
	return filepath.ToSlash(p)
}
