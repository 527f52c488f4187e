package device

import (
	"os"
	"testing"
)

// The last backup a destination's card shows is the last pass that did
// something: the first backup says how many files it took in, and a pass
// over a watcher's changes that found nothing to record (a file saved and
// deleted at once) does not replace it with "0 files changed".
func TestLastBackupSaysWhatTheLastRealPassDid(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"a.txt", "b.txt"} {
		if err := os.WriteFile(f.path(name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f.backup()
	last := func() LastBackup {
		ds := f.d.Status(ctx).Destinations[0]
		if ds.LastBackup == nil {
			t.Fatal("no last backup")
		}
		return *ds.LastBackup
	}
	if lb := last(); lb.Changed < 2 {
		t.Fatalf("the first backup says %d files changed", lb.Changed)
	}
	first := last()
	if _, err := f.d.Backup(ctx, "", BackupOptions{Changed: []string{f.path("gone.tmp")}}); err != nil {
		t.Fatal(err)
	}
	if lb := last(); lb != first {
		t.Fatalf("a pass that recorded nothing replaced the last backup: %+v, was %+v", lb, first)
	}
	// A full scan that found nothing new says so: it is the last backup.
	f.backup()
	if lb := last(); lb.Changed != 0 || !lb.Finished.After(first.Finished) {
		t.Fatalf("after a scan: %+v", lb)
	}
}
