package fs

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"
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
	}{
		{"NTFS file", winIDs{volume: 0xABCD1234, indexHigh: 0x00050000, indexLow: 0x0000A1B2, changeTime: ft},
			0x00050000_0000A1B2, 0xABCD1234, when.UnixNano()},
		{"FAT: no change time", winIDs{volume: 9, indexLow: 3}, 3, 9, 0},
	}
	for _, tt := range tests {
		var i Info
		tt.ids.fill(&i)
		if i.Inode != tt.inode || i.Dev != tt.dev || i.CTime != tt.ctime {
			t.Errorf("%s: inode %#x dev %#x ctime %d, want %#x %#x %d", tt.name, i.Inode, i.Dev, i.CTime, tt.inode, tt.dev, tt.ctime)
		}
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
