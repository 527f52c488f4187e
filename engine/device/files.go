package device

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/cairnbackup/cairn/engine/selection"
)

// AddFiles includes folders or files in the selection.
func (d *Device) AddFiles(paths ...string) error {
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return err
		}
		abs = toSlash(abs)
		if !slices.Contains(d.cfg.Selection.Include, abs) {
			d.cfg.Selection.Include = append(d.cfg.Selection.Include, abs)
		}
	}
	return d.save()
}

// RemoveFiles takes folders or files out of the included list.
func (d *Device) RemoveFiles(paths ...string) error {
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return err
		}
		d.cfg.Selection.Include = slices.DeleteFunc(d.cfg.Selection.Include, func(s string) bool { return s == toSlash(abs) })
	}
	return d.save()
}

// Exclude adds exclusion patterns, after checking they compile.
func (d *Device) Exclude(patterns ...string) error {
	if _, err := selection.Compile(patterns, selection.Options{Home: toSlash(d.userDir)}); err != nil {
		return err
	}
	for _, p := range patterns {
		if !slices.Contains(d.cfg.Selection.Exclude, p) {
			d.cfg.Selection.Exclude = append(d.cfg.Selection.Exclude, p)
		}
	}
	return d.save()
}

// Unexclude removes exclusion patterns (the user's own or defaults).
func (d *Device) Unexclude(patterns ...string) error {
	found := false
	for _, p := range patterns {
		n := len(d.cfg.Selection.Exclude) + len(d.cfg.Selection.Defaults)
		d.cfg.Selection.Exclude = slices.DeleteFunc(d.cfg.Selection.Exclude, func(s string) bool { return s == p })
		d.cfg.Selection.Defaults = slices.DeleteFunc(d.cfg.Selection.Defaults, func(s string) bool { return s == p })
		found = found || n != len(d.cfg.Selection.Exclude)+len(d.cfg.Selection.Defaults)
	}
	if !found {
		return fmt.Errorf("no such exclusion")
	}
	return d.save()
}

// Selection returns what is selected.
func (d *Device) Selection() selection.Selection { return d.cfg.Selection }

func toSlash(p string) string {
	p = filepath.ToSlash(p)
	if vol := filepath.VolumeName(p); vol != "" {
		return "/" + p
	}
	return p
}
