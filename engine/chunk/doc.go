// Package chunk splits data into content-defined chunks, so that the same
// bytes give the same chunks wherever they sit in a file and an edit changes
// only the chunks around it. It holds pure functions over []byte: no I/O, no
// state, standard library only.
//
// The algorithm is FastCDC (Xia et al., "FastCDC: a Fast and Efficient
// Content-Defined Chunking Approach", 2016) with normalization level 2:
//
//   - A gear hash rolls over the data, h = h<<1 + gear[b]. Each byte shifts
//     the hash one bit left, so it depends on the last 64 bytes only.
//   - A chunk is never shorter than Min; positions before Min are not tested
//     (only the 64 bytes before Min are hashed, to warm the hash up).
//   - A chunk of length L ends where the hash has all the bits of a mask clear:
//     the strict mask (log2(Avg)+2 bits) while L < Avg, the loose mask
//     (log2(Avg)-2 bits) from Avg on. The first such L wins, or Max.
//
// The result is that most chunks are close to Avg (the mean is about 1.1×Avg
// at Min = Avg/4). The loop takes two bytes per step, the "rolling two
// bytes" of the 2020 FastCDC paper; that is an implementation detail, the cut
// points are the same as one byte at a time.
//
// The gear table is derived per archive from a secret (NewGear), so chunk
// sizes, which a destination can see, do not let anyone fingerprint known
// files. The gear derivation, the mask layout and the cut rule above are part
// of the archive format: changing any of them moves every boundary and ends
// dedup against older backups. Version names them.
//
// Default was chosen by measurement on the benchmark corpus; TUNING.md has
// the numbers and the reasoning. A Chunker is immutable and safe for
// concurrent use.
package chunk

// Version identifies the chunking algorithm: the gear derivation of NewGear
// and the cut rule of Chunker.Cut. An archive records it with its Params.
// Bump it (and keep the old code) if either ever changes.
const Version = 1
