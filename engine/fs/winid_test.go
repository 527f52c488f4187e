package fs

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine"
)

func TestWinIDsFillInodeAndChangeTime(t *testing.T) {
	// 2024-01-02 03:04:05.0000001 UTC as a Windows FILETIME.
	when := time.Date(2024, 1, 2, 3, 4, 5, 100, time.UTC)
	ft := when.UnixNano()/100 + winEpochDelta
	tests := []struct {
		name  string
		ids   winIDs
		inode uint64
		dev   uint64
		ctime int64
		nlink uint64
	}{
		{"NTFS file", winIDs{volume: 0xABCD1234, idLow: 0x00050000_0000A1B2, changeTime: ft, links: 1},
			0x00050000_0000A1B2, 0xABCD1234, when.UnixNano(), 1},
		{"FAT: no change time", winIDs{volume: 9, idLow: 3}, 3, 9, 0, 1},
		{"NTFS file with 3 hard links: no change time", winIDs{volume: 7, idLow: 42, changeTime: ft, links: 3}, 42, 7, 0, 3},
		{"ReFS 128-bit ID", winIDs{volume: 7, idLow: 42, idHigh: 5, links: 2}, winFileID(42, 5), 7, 0, 2},
		{"links but no ID: not grouped", winIDs{volume: 7, links: 2}, 0, 7, 0, 1},
		{"ReFS's invalid 64-bit ID", winIDs{volume: 7, idLow: ^uint64(0), links: 2}, 0, 7, 0, 1},
	}
	for _, tt := range tests {
		var i Info
		tt.ids.fill(&i)
		if i.Inode != tt.inode || i.Dev != tt.dev || i.CTime != tt.ctime || i.Nlink != tt.nlink {
			t.Errorf("%s: inode %#x dev %#x ctime %d nlink %d, want %#x %#x %d %d", tt.name,
				i.Inode, i.Dev, i.CTime, i.Nlink, tt.inode, tt.dev, tt.ctime, tt.nlink)
		}
	}
}

// Two names of one NTFS file (a hard link) share a LinkID, as on Linux, so
// the backup records them as one file and restore links them again; a
// file with one link, or whose ID is not known, has none.
func TestWinIDsHardLinkGroup(t *testing.T) {
	info := func(ids winIDs) Info {
		i := Info{Type: engine.TypeRegular}
		ids.fill(&i)
		return i
	}
	a := info(winIDs{volume: 0xC0FFEE, idLow: 0x0003000000001234, links: 2})
	b := info(winIDs{volume: 0xC0FFEE, idLow: 0x0003000000001234, links: 2})
	other := info(winIDs{volume: 0xC0FFEE, idLow: 0x0003000000001235, links: 2})
	if a.LinkID() == 0 || a.LinkID() != b.LinkID() {
		t.Errorf("two names of one file: LinkIDs %#x and %#x, want the same non-zero", a.LinkID(), b.LinkID())
	}
	if other.LinkID() == a.LinkID() {
		t.Errorf("another file shares LinkID %#x", a.LinkID())
	}
	for _, ids := range []winIDs{{volume: 1, idLow: 9, links: 1}, {volume: 1, links: 2}} {
		if id := info(ids).LinkID(); id != 0 {
			t.Errorf("%+v: LinkID %#x, want 0", ids, id)
		}
	}
}

func TestWinFileID(t *testing.T) {
	tests := []struct {
		name      string
		low, high uint64
		want      uint64
	}{
		{"NTFS: the file reference number as it is", 0x0005000000001234, 0, 0x0005000000001234},
		{"not known", 0, 0, 0},
		{"FILE_INVALID_FILE_ID", ^uint64(0), 0, 0},
	}
	for _, tt := range tests {
		if got := winFileID(tt.low, tt.high); got != tt.want {
			t.Errorf("%s: %#x, want %#x", tt.name, got, tt.want)
		}
	}
	// ReFS: 128-bit IDs differing in either half stay apart, and never 0.
	seen := map[uint64][2]uint64{}
	for _, id := range [][2]uint64{{1, 1}, {1, 2}, {2, 1}, {0, 1}, {0x1234, 0x8000000000000000}, {^uint64(0), ^uint64(0)}} {
		got := winFileID(id[0], id[1])
		if prev, dup := seen[got]; dup || got == 0 {
			t.Errorf("%#x: folded to %#x (also %#x)", id, got, prev)
		}
		seen[got] = id
	}
}

// A file another program holds open without sharing (Outlook's .pst) is
// said to be in use, from the Windows error numbers; other errors pass
// through.
func TestInUseError(t *testing.T) {
	path := `C:\Users\ana\Documents\Outlook Files\ana.pst`
	tests := []struct {
		name  string
		err   error
		inUse bool
	}{
		{"sharing violation on open", &os.PathError{Op: "open", Path: path, Err: syscall.Errno(winErrSharingViolation)}, true},
		{"lock violation on read", &os.PathError{Op: "read", Path: path, Err: syscall.Errno(winErrLockViolation)}, true},
		{"wrapped", fmt.Errorf("read: %w", syscall.Errno(winErrLockViolation)), true},
		{"access denied", &os.PathError{Op: "open", Path: path, Err: syscall.Errno(5)}, false},
		{"not an errno", errors.New("disk on fire"), false},
	}
	for _, tt := range tests {
		got := inUseError(tt.err)
		if errors.Is(got, ErrInUse) != tt.inUse {
			t.Errorf("%s: %v, in use %v, want %v", tt.name, got, errors.Is(got, ErrInUse), tt.inUse)
		}
		if !tt.inUse && got != tt.err {
			t.Errorf("%s: changed to %v", tt.name, got)
		}
		var pe *os.PathError
		if tt.inUse && errors.As(tt.err, &pe) && got.Error() != pe.Op+" "+path+": "+ErrInUse.Error() {
			t.Errorf("%s: %q lost its operation or path", tt.name, got)
		}
	}
}
