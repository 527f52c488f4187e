// Package pack defines the pack file: the unit in which chunks travel to and
// rest at a destination.
//
// Layout (all integers little-endian):
//
//	header   "CAIRNPK" 0x01                          8 bytes, magic and format version
//	blobs    nonce || AES-256-GCM(algo || payload)   one per chunk, AD = chunk ID
//	table    salt(32) || nonce || AES-256-GCM(table)  the pack's own index
//	trailer  uint32 length of table section || "CRNT"
//
// A blob's key is derived from the archive's data key and the chunk ID, so a
// blob can be moved between packs without re-encryption; the table's key from
// the meta key and the table's random salt. The table lists every chunk
// (ID, offset, sealed length, plaintext length) so the index can be rebuilt
// from the destination alone. A pack is named by 16 random bytes (hex): a
// content hash would cost a second pass over every byte stored, and every
// byte that matters is authenticated anyway.
package pack
