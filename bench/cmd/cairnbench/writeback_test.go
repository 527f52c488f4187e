package main

import "testing"

func TestParseUnwritten(t *testing.T) {
	for _, tc := range []struct {
		name    string
		meminfo string
		want    int64
		ok      bool
	}{
		{"both", "MemTotal:       24683472 kB\nDirty:              1024 kB\nWriteback:           512 kB\nAnonPages: 1 kB\n", 1536 << 10, true},
		{"zero", "Dirty: 0 kB\nWriteback: 0 kB\n", 0, true},
		{"missing", "MemTotal: 1 kB\nDirty: 4 kB\n", 4 << 10, false},
		{"garbled", "Dirty: x kB\nWriteback: 0 kB\n", 0, false},
	} {
		got, ok := parseUnwritten([]byte(tc.meminfo))
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("%s: %d, %v; want %d, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
