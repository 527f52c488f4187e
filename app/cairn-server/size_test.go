package main

import (
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"500GB", 500e9, true}, {"1TB", 1e12, true}, {"1.5 TB", 1.5e12, true}, {"250MiB", 250 << 20, true},
		{"1024", 1024, true}, {"10kb", 10000, true}, {"2gib", 2 << 30, true}, {"0", 0, true},
		{"", 0, false}, {"TB", 0, false}, {"1XB", 0, false}, {"-1GB", 0, false}, {"1e3", 0, false}, {"99999999PB", 0, false},
	} {
		got, err := parseSize(tc.in)
		if (err == nil) != tc.ok || tc.ok && got != tc.want {
			t.Errorf("parseSize(%q) = %d, %v", tc.in, got, err)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for _, tc := range []struct {
		in   int64
		want string
	}{
		{0, "0 B"}, {999, "999 B"}, {1000, "1 kB"}, {60000, "60 kB"}, {1500, "1.5 kB"}, {1e12, "1 TB"},
		{1.5e12, "1.5 TB"}, {123456789, "123 MB"}, {12345678, "12.3 MB"}, {1234567, "1.23 MB"},
	} {
		if got := formatSize(tc.in); got != tc.want {
			t.Errorf("formatSize(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2026-11-24T10:00:00Z", time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)},
		{"48h", now.Add(-48 * time.Hour)},
		{"3d", now.Add(-72 * time.Hour)},
		{"2026-11-20", time.Date(2026, 11, 20, 0, 0, 0, 0, time.Local)},
	} {
		got, err := parseTime(tc.in, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("parseTime(%q) = %v, %v", tc.in, got, err)
		}
	}
	if _, err := parseTime("yesterday", now); err == nil {
		t.Error("parsed yesterday")
	}
}
