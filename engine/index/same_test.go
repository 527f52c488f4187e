package index

import (
	"testing"

	"github.com/cairnbackup/cairn/engine"
)

// Change detection: what makes a file be read again.
func TestSameDecidesWhatIsReadAgain(t *testing.T) {
	base := Stat{Type: engine.TypeRegular, Size: 10, ModTime: 100, CTime: 200, Inode: 7, Mode: 0o644}
	with := func(f func(*Stat)) Stat {
		s := base
		f(&s)
		return s
	}
	tests := []struct {
		name string
		now  Stat
		same bool
	}{
		{"nothing changed", base, true},
		{"size", with(func(s *Stat) { s.Size = 11 }), false},
		{"modification time", with(func(s *Stat) { s.ModTime = 101 }), false},
		{"modification time set back, change time moved", with(func(s *Stat) { s.CTime = 201 }), false},
		{"replaced by another file (Windows file index, Unix inode)", with(func(s *Stat) { s.Inode = 8 }), false},
		{"mode", with(func(s *Stat) { s.Mode = 0o600 }), false},
		{"no change time (FAT)", with(func(s *Stat) { s.CTime = 0 }), true},
		{"no file index known", with(func(s *Stat) { s.Inode = 0 }), true},
		{"a folder now", with(func(s *Stat) { s.Type = engine.TypeDir }), false},
	}
	for _, tt := range tests {
		if got := base.Same(tt.now); got != tt.same {
			t.Errorf("%s: Same = %v, want %v", tt.name, got, tt.same)
		}
	}
	// Recorded by a Cairn that read size and modification time only
	// (Windows before file IDs): not read again for gaining IDs.
	old := Stat{Type: engine.TypeRegular, Size: 10, ModTime: 100, Mode: 0o644}
	if !old.Same(base) {
		t.Error("a file recorded without IDs is read again once they are known")
	}
}
