// Package compress shrinks chunk plaintext before it is sealed.
//
// A compressed payload is tagged with the algorithm that made it (one byte
// stored inside the sealed chunk), so the format can change without breaking
// old archives. Today there are two: None and Zstd. Zstd frames are standard,
// so either implementation reads the other's output: with cgo Cairn links the
// reference zstd library (github.com/DataDog/zstd), about 1.7× faster than the
// pure-Go encoder at the same ratio on text; without cgo (the server, which
// builds with CGO_ENABLED=0) it uses github.com/klauspost/compress/zstd.
//
// Data that does not compress (photos, music, video, archives) is recognised
// from a few small samples and stored as it is, so it costs almost nothing.
package compress
