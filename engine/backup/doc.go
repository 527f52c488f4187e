// Package backup runs one pass over the selection: it walks the selected
// folders, compares every entry with what the index last saw, reads the new
// and changed files, cuts them into chunks, stores the chunks the archive does
// not have yet, and records a version for everything that changed, including
// deletions.
//
// The pipeline uses every core:
//
//	walker ──files──▶ readers (read, cut) ──chunks──▶ workers (hash, dedup, compress, seal) ──▶ packer
//	   │                                                         │
//	   └────────────── versions of folders, links, deletions ────┴──▶ committer (checkpoints)
//
// Memory is bounded: file data lives in a fixed pool of blocks, and versions
// are committed (packs flushed, segment written, index updated) at regular
// checkpoints, so a pass cut off at any moment keeps what it finished.
package backup
