package main

import (
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/server/webarchive"
)

func TestWebArchiveFlags(t *testing.T) {
	for _, c := range []struct {
		args   []string
		errSay string
		check  func(webarchive.PoolOptions) bool
	}{
		{nil, "", func(o webarchive.PoolOptions) bool {
			return o.PerUser == 2 && o.Memory == 512<<20 && o.Keys == webarchive.DefaultKeyLimits
		}},
		{[]string{"--web-archives-per-user", "1", "--web-archive-memory", "2GiB", "--web-kdf-memory", "128MiB", "--web-kdf-passes", "4"},
			"", func(o webarchive.PoolOptions) bool {
				return o.PerUser == 1 && o.Memory == 2<<30 && o.Keys.KDF.Memory == 128<<10 && o.Keys.KDF.Time == 4 && o.Keys.Files == 8
			}},
		{[]string{"--web-kdf-memory", "32MiB"}, "between 64 MiB (what Cairn writes) and 4 GiB", nil},
		{[]string{"--web-kdf-passes", "2"}, "between 3 (what Cairn writes) and 100", nil},
		{[]string{"--web-archives-per-user", "0"}, "1 or more", nil},
	} {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		f := addWebArchiveFlags(fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		o, err := f.options()
		if c.errSay != "" {
			if err == nil || !strings.Contains(err.Error(), c.errSay) {
				t.Errorf("%v: %v, want %q", c.args, err, c.errSay)
			}
			continue
		}
		if err != nil || !c.check(o) {
			t.Errorf("%v: %+v %v", c.args, o, err)
		}
	}
}
