// Package restore writes versions from an archive back to disk.
//
// What to restore is read from the index as of a moment, in batches, so
// memory stays bounded for any size of tree. For each batch, folders, links
// and special files are made first, then file contents are written in pack
// order by several workers (each pack is read once, in large sequential
// reads, and every chunk in it goes to every file that needs it), and last
// folder modes and times are set, deepest first.
//
// In a folder that was there before, every file is written under a
// temporary name and renamed into place when complete, so an interrupted
// restore never leaves a half-written file where a good one was, and running
// it again skips what is already restored. In folders the restore made
// itself files are written under their own names (unfinishedMarker says how
// that stays safe to resume). All
// writes go through open folder handles without following symlinks, so
// whatever the archive says, nothing is written outside the target.
package restore
