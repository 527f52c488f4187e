// Package vault keeps the server's records and its blob storage in step:
// storing an object, deleting it to the trash, restoring it, purging the
// trash after the grace window, and checking that the two agree.
//
// The order of the steps is what makes a crash harmless:
//
//   - Put: the bytes are staged and made durable, then, under the commit
//     lock, named (no replacing) and recorded. Only then is the upload
//     acknowledged. A crash between naming and recording leaves a file
//     without a record (a stray): the next Put of that name, or Check, moves
//     it to the trash, where it waits out the grace window like any deleted
//     object.
//   - Delete: the record goes to the trash first, then the file. A crash in
//     between leaves a trashed record whose file is still under its name;
//     that is finished the same way as a stray.
//   - Restore: the file comes back first, then the record; interrupted, it
//     looks like an interrupted Delete and is undone the same way (the
//     administrator restores again).
//   - Purge: the file goes first, then the record; interrupted, the record
//     of a file that is gone is forgotten by Check.
//
// The commit lock serialises these short steps across goroutines and, on
// Unix, across processes (a flock on a file in the data folder), so
// administration commands can restore and check while the server runs.
package vault
