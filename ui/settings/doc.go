// Package settings is the Settings screen: the destinations (add one,
// remove one or sign out of a server, change an archive's password), how
// often backups run and when the daily verification scan does, which
// versions are kept, the upload limit, starting at login and the language.
//
// Destinations change at once (each with its own dialog); the other
// settings are edited together and saved with Save, or put back with
// Revert. Everything that touches the disk or the network runs off the UI
// thread.
package settings
