package fs

import (
	"golang.org/x/sys/unix"

	"github.com/cairnbackup/cairn/engine"
)

// placeholderNote says why an entry is left out: on macOS, an iCloud Drive
// or File Provider file whose data is not on this Mac (darwinNote).
func placeholderNote(t engine.FileType, st *unix.Stat_t) error { return darwinNote(t, st.Flags) }
