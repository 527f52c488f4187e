// Package managefiles is the Manage Files screen: a tree of the disk,
// listed lazily as folders are opened, with a tri-state check box on every
// file and folder; the exclusion patterns (this system's defaults and the
// person's own), which can be removed, added and restored; and how much the
// selection holds.
//
// Changes are collected and saved together with Save (Revert drops them),
// as CrashPlan's Manage Files does: a person can try things in the tree
// and watch the size change before committing to anything. A saved
// selection takes effect at the next backup.
//
// What a tap does to the selection, and which state a path's box shows, are
// plain functions over selection.Selection (view.go, toggle.go), tested
// without Fyne. The screen only reads folders and counts sizes in the
// background, each cancellable, and applies results through fyne.Do.
package managefiles
