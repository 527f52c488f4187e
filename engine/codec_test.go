package engine

import (
	"errors"
	"reflect"
	"testing"
)

func TestVersionCodecRoundTrip(t *testing.T) {
	cases := []Version{
		{Path: "/home/ana/report.txt", Recorded: 1764079320123456789, Type: TypeRegular, Size: 12345,
			ModTime: 1764079000000000001, Mode: 0o644, UID: 1000, GID: 1000, User: "ana", Group: "staff",
			Inode: 99, CTime: 1764079000000000002, Chunks: []ChunkID{{1, 2, 3}, {4, 5, 6}}},
		{Path: "/home/ana/gone.txt", Recorded: 1764079320, Deleted: true, Type: TypeRegular},
		{Path: "/home/ana/link", Recorded: 5, Type: TypeSymlink, LinkTarget: "../x/y", Mode: 0o777},
		{Path: "/dev/null-copy", Recorded: 5, Type: TypeCharDevice, Rdev: 0x103, Mode: 0o666},
		{Path: "/home/ana/hard", Recorded: 5, Type: TypeRegular, LinkID: 77, Size: 3, Chunks: []ChunkID{{9}}},
		{Path: "/home/ana/live.log", Recorded: -5, Type: TypeRegular, Warning: "changed while read", ModTime: -7},
		{Path: "/home/ana/\xff\xfe odd/日本語", Recorded: 1, Type: TypeDir, Mode: 0o755},
	}
	for _, v := range cases {
		for _, withPath := range []bool{true, false} {
			b := AppendVersion([]byte("prefix"), &v, withPath)
			got, rest, err := ParseVersion(append(b[6:], "tail"...), withPath)
			if err != nil {
				t.Fatalf("%s: %v", v.Path, err)
			}
			if string(rest) != "tail" {
				t.Fatalf("%s: rest %q", v.Path, rest)
			}
			want := v
			if !withPath {
				want.Path = ""
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
			}
		}
	}
}

func TestParseVersionRejectsGarbage(t *testing.T) {
	good := AppendVersion(nil, &Version{Path: "/a", Type: TypeRegular, Size: 1, Chunks: []ChunkID{{1}}}, true)
	for name, b := range map[string][]byte{
		"empty":          nil,
		"wrong format":   append([]byte{9}, good[1:]...),
		"truncated":      good[:len(good)-1],
		"only header":    good[:3],
		"huge path len":  {versionCodec, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"huge chunk cnt": append(good[:len(good)-33], 0xff, 0xff, 0x03),
	} {
		if _, _, err := ParseVersion(b, true); !errors.Is(err, ErrBadRecord) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func FuzzParseVersion(f *testing.F) {
	f.Add(AppendVersion(nil, &Version{Path: "/a/b", Type: TypeRegular, Size: 10, Chunks: []ChunkID{{1}}}, true))
	f.Add(AppendVersion(nil, &Version{Path: "/a", Deleted: true}, true))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, _, err := ParseVersion(b, true)
		if err != nil {
			return
		}
		again, _, err := ParseVersion(AppendVersion(nil, &v, true), true)
		if err != nil || !reflect.DeepEqual(again, v) {
			t.Fatalf("re-encoding a parsed record changed it: %v", err)
		}
	})
}
