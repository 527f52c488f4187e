// Package repo is an archive at one destination: its keys and configuration,
// the packs that hold its chunks, the segments that hold its version records,
// and the local index that caches both.
//
// Writing follows one order everywhere, so that a crash at any moment leaves
// a consistent archive: packs are made durable first, then the segments whose
// versions point into them, then the index. Whatever reached the destination
// but not the index is picked up by Sync on the next run; whatever did not
// reach the destination was never referenced by anything. No version ever
// points at a chunk that is not stored.
package repo
