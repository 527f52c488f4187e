// Package crypt holds Cairn's cryptography: the archive's master key, the keys
// derived from it, the password-wrapped key file, and authenticated sealing.
//
// Everything comes from the standard library and golang.org/x/crypto:
//   - the master key is 32 random bytes from crypto/rand;
//   - it is wrapped under a key derived from the password with Argon2id and
//     sealed with AES-256-GCM; changing the password re-wraps the same master
//     key, so no data is re-encrypted;
//   - sub-keys (chunk IDs, data, metadata, chunker gear) come from the master key
//     with HKDF-SHA-256, one label per purpose;
//   - a chunk ID is HMAC-SHA-256 of the chunk's plaintext under the ID key;
//   - every sealed object has its own AES-256-GCM key, HMAC-SHA-256(root, context),
//     where the context is the chunk ID for chunks and a random 32-byte salt for
//     metadata objects, and a random 96-bit nonce. Per-object keys mean no key
//     ever seals more than a handful of messages, so random nonces are safe however
//     large the archive grows, and a sealed chunk can be copied between packs as is.
//
// The package imports no other package of Cairn's.
package crypt
