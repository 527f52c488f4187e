// Package index is Cairn's local index: what this computer knows about each
// destination's archive, kept on disk so memory stays small however large the
// archive grows.
//
// It is a cache of the destination: everything in it can be rebuilt from the
// pack tables and version segments stored there (repo.RebuildIndex). Writes are
// idempotent upserts, so replaying a segment twice, or a crash half-way through
// a batch, leaves it consistent.
//
// Keys (d = the destination's number, 2 bytes big-endian):
//
//	'c' d chunkID          → pack number, offset, sealed length, plain length
//	'p' d packNum          → pack name, size, chunk count
//	'n' d packName         → pack number
//	'v' d path 0 ^recorded → version record (newest first for each path)
//	's' d path             → last seen stat of a live path (the change detector)
//	'g' d segmentName      → segment info
//	'm' d name             → counters and small facts about the destination
//
// Paths are absolute and slash-separated, so every subtree is one key range
// and the children of a folder come in name order, each followed by its own
// subtree (0x00 < '/').
//
// The storage underneath is the KV interface; badgerdb implements it with
// Badger v4, tuned for a desktop.
package index
