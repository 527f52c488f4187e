package badgerdb

import (
	"errors"
	"testing"

	"github.com/cairnbackup/cairn/engine"
)

func TestLockHeld(t *testing.T) {
	const (
		unix    = `Cannot acquire directory lock on "/home/ana/.config/cairn/index".  Another process is using this Badger database. error: resource temporarily unavailable`
		windows = `Cannot create lock file "C:\\Users\\ana\\AppData\\Local\\cairn\\index\\LOCK".  Another process is using this Badger database err: The process cannot access the file because it is being used by another process.`
		german  = `Cannot create lock file "C:\\Users\\ana\\AppData\\Local\\cairn\\index\\LOCK".  Another process is using this Badger database err: Der Prozess kann nicht auf die Datei zugreifen, da sie von einem anderen Prozess verwendet wird.`
		denied  = `Cannot create lock file "C:\\cairn\\index\\LOCK".  Another process is using this Badger database err: Access is denied.`
	)
	for _, tc := range []struct {
		name  string
		msg   string
		probe uint32
		held  bool
	}{
		{"unix: flock refused", unix, 0, true},
		{"windows: the lock file is open elsewhere", windows, 32, true},
		{"windows: in another language", german, 32, true},
		{"windows: a locked range", windows, 33, true},
		{"windows: access denied is not another process", denied, 5, false},
		{"windows: the other process has gone since", windows, 0, false},
		{"windows: the folder is missing", windows, 3, false},
		{"another failure with a sharing violation elsewhere", "open MANIFEST: sharing violation", 32, false},
		{"a corrupt index", "manifest has unsupported version", 0, false},
	} {
		if got := lockHeld(tc.msg, tc.probe); got != tc.held {
			t.Errorf("%s: lockHeld = %v, want %v", tc.name, got, tc.held)
		}
	}
}

func TestASecondOpenSaysLocked(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Badger's lock is per process on Unix (flock) and per handle on
	// Windows: either way a second Open of the folder is refused.
	if _, err := Open(dir); !errors.Is(err, engine.ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
}
