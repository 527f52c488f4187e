package snapshot_test

import (
	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/snapshot"
)

// A pass is what a backup pass takes for files in use.
var (
	_ backup.InUseReader = (*snapshot.Pass)(nil)
	_ backup.InUseReader = snapshot.Opener(nil)
)
