package main

import (
	"path/filepath"
	"testing"
)

func TestDefaultHome(t *testing.T) {
	const (
		xdgConfig = "/home/ana/.config"
		xdgCache  = "/home/ana/.cache"
		macConfig = "/Users/ana/Library/Application Support"
		macCache  = "/Users/ana/Library/Caches"
		roaming   = `C:\Users\ana\AppData\Roaming`
		local     = `C:\Users\ana\AppData\Local`
	)
	cairn := func(dir string) string { return filepath.Join(dir, "cairn") }
	for _, tc := range []struct {
		name             string
		goos             string
		config, localDir string
		existing         string // a folder that exists already
		want             string
	}{
		{"linux: the configuration folder, as before", "linux", xdgConfig, xdgCache, "", cairn(xdgConfig)},
		{"linux: never the cache", "linux", xdgConfig, xdgCache, cairn(xdgCache), cairn(xdgConfig)},
		{"macOS: Application Support, as before", "darwin", macConfig, macCache, "", cairn(macConfig)},
		{"windows: a new Cairn in the local profile", "windows", roaming, local, "", cairn(local)},
		{"windows: set up in the local profile", "windows", roaming, local, cairn(local), cairn(local)},
		{"windows: set up in the roaming profile before keeps it", "windows", roaming, local, cairn(roaming), cairn(roaming)},
		{"windows: no local profile known", "windows", roaming, "", "", cairn(roaming)},
		{"windows: no roaming profile known", "windows", "", local, "", cairn(local)},
		{"no folder known", "linux", "", "", "", ""},
	} {
		exists := func(p string) bool { return p == tc.existing }
		if got := defaultHome(tc.goos, tc.config, tc.localDir, exists); got != tc.want {
			t.Errorf("%s: defaultHome = %q, want %q", tc.name, got, tc.want)
		}
	}
}
