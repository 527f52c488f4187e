// Package settings is the Settings screen: the destinations (add one,
// remove one or sign out of a server, change an archive's password),
// whether files are watched, how often backups run otherwise and when the
// daily scan of everything selected does (or now), how backups hold back
// (upload limits while the person works and while away, the processor's
// share, the battery, the hours), which versions are kept, starting at
// login and the language.
//
// Destinations change at once (each with its own dialog); the other
// settings are edited together and saved with Save, or put back with
// Revert. Everything that touches the disk or the network runs off the UI
// thread.
package settings
