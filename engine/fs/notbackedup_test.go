package fs

import (
	"errors"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine"
)

func TestWindowsEntry(t *testing.T) {
	const (
		dir, reparse = winAttrDirectory, winAttrReparsePoint
		archive      = 0x20
		pinned       = 0x80000
		unpinned     = 0x100000
		cloudTag     = 0x9000601A // IO_REPARSE_TAG_CLOUD_6 (OneDrive)
		dedupTag     = 0x80000013
		wofTag       = 0x80000017
		lxSymlinkTag = 0xA000001D
		unknownTag   = 0x00001234
	)
	for _, c := range []struct {
		name        string
		attrs, tag  uint32
		want        engine.FileType
		wantNote    error
		wantNoteAny bool
	}{
		{"a plain file", archive, 0, engine.TypeRegular, nil, false},
		{"a plain folder", dir, 0, engine.TypeDir, nil, false},
		{"a symlink", reparse, winTagSymlink, engine.TypeSymlink, nil, false},
		{"a folder symlink", dir | reparse, winTagSymlink, engine.TypeSymlink, nil, false},
		{"a junction (My Documents)", dir | reparse, winTagMountPoint, engine.TypeSymlink, ErrJunction, false},
		{"an app execution alias", archive | reparse, winTagAppExecLink, engine.TypeRegular, ErrAppAlias, false},
		{"a OneDrive file not downloaded", archive | reparse | unpinned | winAttrRecallOnDataAccess, cloudTag,
			engine.TypeRegular, ErrCloudOnly, false},
		{"a cloud file recalled on open", archive | winAttrRecallOnOpen, 0, engine.TypeRegular, ErrCloudOnly, false},
		{"an offline file", archive | winAttrOffline, 0, engine.TypeRegular, ErrCloudOnly, false},
		{"a OneDrive file kept on this device", archive | reparse | pinned, cloudTag, engine.TypeRegular, nil, false},
		{"a OneDrive folder", dir | reparse | winAttrRecallOnOpen, cloudTag, engine.TypeDir, nil, false},
		{"a deduplicated file", archive | reparse, dedupTag, engine.TypeRegular, nil, false},
		{"a compressed system file (WOF)", archive | reparse, wofTag, engine.TypeRegular, nil, false},
		{"an unknown filter's file", archive | reparse, unknownTag, engine.TypeRegular, nil, false},
		{"a WSL symlink", reparse, lxSymlinkTag, engine.TypeRegular, nil, true},
		{"a socket", reparse, winTagAFUnix, engine.TypeRegular, nil, true},
	} {
		got, note := windowsEntry(c.attrs, c.tag)
		if got != c.want {
			t.Errorf("%s: recorded as %v, want %v", c.name, got, c.want)
		}
		switch {
		case c.wantNoteAny:
			if !errors.Is(note, ErrNotBackedUp) {
				t.Errorf("%s: note %v, want one that it is not backed up", c.name, note)
			}
		case note != c.wantNote:
			t.Errorf("%s: note %v, want %v", c.name, note, c.wantNote)
		}
		if got == engine.TypeFIFO {
			t.Errorf("%s: recorded as a FIFO, which Windows cannot restore", c.name)
		}
	}
}

func TestDarwinNote(t *testing.T) {
	const hidden, compressed = 0x8000, 0x20 // UF_HIDDEN, UF_COMPRESSED
	for _, c := range []struct {
		name  string
		t     engine.FileType
		flags uint32
		want  error
	}{
		{"a plain file", engine.TypeRegular, 0, nil},
		{"a hidden compressed file", engine.TypeRegular, hidden | compressed, nil},
		{"an iCloud Drive file not downloaded", engine.TypeRegular, darwinDataless, ErrCloudOnly},
		{"a dataless folder (walked: names only)", engine.TypeDir, darwinDataless, nil},
	} {
		if got := darwinNote(c.t, c.flags); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// The note reads as the report shows it.
func TestCloudOnlyNoteWords(t *testing.T) {
	if got, want := ErrCloudOnly.Error(), "cloud-only, not downloaded: not backed up"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
}

func TestWinLongPath(t *testing.T) {
	long := strings.Repeat(`\folder`, 40) // 280 characters
	for _, c := range []struct{ in, want string }{
		{`C:\Users\ana`, `C:\Users\ana`},
		{`C:` + long, `\\?\C:` + long},
		{`\\server\share` + long, `\\?\UNC\server\share` + long},
		{`\\?\C:` + long, `\\?\C:` + long},
		{`folder` + long, `folder` + long}, // relative: left to the caller
	} {
		if got := winLongPath(c.in); got != c.want {
			t.Errorf("winLongPath(%.30q…) = %.40q…, want %.40q…", c.in, got, c.want)
		}
	}
}
