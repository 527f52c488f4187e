// Package device is the engine's API for the app and the command line: this
// computer's configuration, its local index, and its destinations, with one
// method per thing a person does (add a destination, choose files, back up,
// browse versions, restore, verify, prune).
//
// A Device owns the index: only one process can have it open.
package device
