// Package getfiles is the Get Files screen: the backup as a browsable tree
// as of the most recent backup or a chosen moment, with search by name,
// deleted files and each file's versions, and the restore options and the
// list of restores that brings checked files back, one at a time.
//
// Everything that reads the backup or writes to disk runs off the UI thread
// with a context the person can cancel; results come back through the
// screen's do function (fyne.Do in the app).
package getfiles
