package fs

import (
	"errors"
	"fmt"

	"github.com/cairnbackup/cairn/engine"
)

// ErrNotBackedUp is what every Info.NotBackedUp wraps: the entry is left
// out by design, not for a failure, and the pass's report says so per file.
var ErrNotBackedUp = errors.New("not backed up")

// Why entries are left out. Each message says what the entry is and why
// leaving it out loses nothing the person would expect back.
var (
	// ErrCloudOnly is a cloud placeholder (OneDrive Files On-Demand, iCloud
	// Drive, a File Provider): reading it would make the system download
	// it, gigabytes on a laptop. Its last backed-up version stays current.
	ErrCloudOnly = fmt.Errorf("cloud-only, not downloaded: %w", ErrNotBackedUp)
	// ErrJunction is a Windows junction, a link to another folder (the
	// profile's "My Documents", "Application Data"…): what it points to
	// is backed up where it is selected, and Windows makes its own again.
	ErrJunction = fmt.Errorf("a Windows junction (a link to another folder; that folder is backed up "+
		"where it is selected): %w", ErrNotBackedUp)
	// ErrAppAlias is a Windows app execution alias (in WindowsApps): a
	// link to an installed app, which reinstalling the app brings back.
	ErrAppAlias = fmt.Errorf("a Windows app execution alias (installing the app makes it again): %w", ErrNotBackedUp)
)

// errReparse is a Windows reparse point of a kind Cairn cannot read or
// bring back faithfully (a WSL link or special file, a socket, another
// program's link).
func errReparse(tag uint32) error {
	return fmt.Errorf("a special Windows file (reparse tag %#x) that Cairn cannot copy: %w", tag, ErrNotBackedUp)
}

// Windows file attributes and reparse tags (winnt.h), here rather than in
// a _windows.go file so the decisions below are tested on every system.
const (
	winAttrDirectory          = 0x10
	winAttrReparsePoint       = 0x400
	winAttrOffline            = 0x1000
	winAttrRecallOnOpen       = 0x40000
	winAttrRecallOnDataAccess = 0x400000

	winTagMountPoint  = 0xA0000003 // a junction, or a volume mounted in a folder
	winTagSymlink     = 0xA000000C
	winTagAppExecLink = 0x8000001B
	winTagAFUnix      = 0x80000023 // a Unix-domain socket: its program makes it again

	winTagNameSurrogate = 0x20000000 // the bit every link-like tag carries
)

// winCloudAttrs mean the data is not on this computer: reading it would
// fetch it (RECALL_ON_DATA_ACCESS: OneDrive, iCloud for Windows;
// RECALL_ON_OPEN: older sync engines; OFFLINE: tape or cloud tiering).
const winCloudAttrs = winAttrOffline | winAttrRecallOnOpen | winAttrRecallOnDataAccess

// windowsEntry decides how a Windows entry is recorded, from its file
// attributes and, for a reparse point, its reparse tag (0 otherwise).
// Go's os.Lstat reports most reparse points as irregular files, which
// must never become FIFOs: a FIFO cannot be made on Windows, so every
// restore would fail on it. The rules, in order:
//   - a file whose data is elsewhere (winCloudAttrs) is not read (ErrCloudOnly);
//     a folder is walked (listing it fetches names, not data);
//   - symlinks are symlinks; junctions and app execution aliases are left
//     out with a note (a junction points at a folder already on this disk;
//     followed, it would back that folder up twice or loop);
//   - other link-like tags (the name-surrogate bit: WSL links, global
//     links) and sockets are left out with a note;
//   - every other reparse point (deduplicated, compressed (WOF), single
//     instance, a downloaded cloud file, unknown filters) keeps its data
//     readable in place, so it is a plain file or folder.
func windowsEntry(attrs, tag uint32) (engine.FileType, error) {
	t := engine.TypeRegular
	if attrs&winAttrDirectory != 0 {
		t = engine.TypeDir
	}
	if t == engine.TypeRegular && attrs&winCloudAttrs != 0 {
		return t, ErrCloudOnly
	}
	if attrs&winAttrReparsePoint == 0 {
		return t, nil
	}
	switch {
	case tag == winTagSymlink:
		return engine.TypeSymlink, nil
	case tag == winTagMountPoint:
		return engine.TypeSymlink, ErrJunction
	case tag == winTagAppExecLink:
		return engine.TypeRegular, ErrAppAlias
	case tag&winTagNameSurrogate != 0 || tag == winTagAFUnix:
		return t, errReparse(tag)
	}
	return t, nil
}

// darwinDataless is SF_DATALESS in st_flags (sys/stat.h): an iCloud Drive
// or File Provider file whose data is not on this Mac.
const darwinDataless = 0x40000000

// darwinNote decides from a macOS entry's st_flags whether it is left out:
// a dataless file is cloud-only (reading it would download it); a dataless
// folder is walked (listing it fetches names only), its files noted one by
// one.
func darwinNote(t engine.FileType, flags uint32) error {
	if t == engine.TypeRegular && flags&darwinDataless != 0 {
		return ErrCloudOnly
	}
	return nil
}

// winLongPath gives an absolute Windows path the `\\?\` prefix that lets
// Windows calls made outside Go's os package (which adds it itself) reach
// paths of 260 characters and more.
func winLongPath(p string) string {
	switch {
	case len(p) < 248, len(p) >= 4 && p[:4] == `\\?\`:
		return p
	case len(p) >= 3 && p[1] == ':' && p[2] == '\\':
		return `\\?\` + p
	case len(p) >= 2 && p[:2] == `\\`:
		return `\\?\UNC\` + p[2:]
	}
	return p
}
