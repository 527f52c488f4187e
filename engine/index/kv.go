package index

import "errors"

// ErrKeyNotFound is returned by KV.Get for a missing key.
var ErrKeyNotFound = errors.New("key not found")

// KV is an ordered key-value store. Implementations are safe for concurrent use.
type KV interface {
	// Get returns a copy of the value of key, or ErrKeyNotFound.
	Get(key []byte) ([]byte, error)
	// Iterator returns an iterator over keys with prefix, reading a consistent
	// snapshot. keysOnly skips loading values.
	Iterator(prefix []byte, keysOnly bool) Iterator
	// Batch returns a write batch. Its writes become visible at Flush; they
	// are applied in order but not atomically as a whole.
	Batch() Batch
	// Sizes reports the store's size on disk.
	Sizes() (lsm, vlog int64)
	Close() error
}

// Iterator walks keys in ascending order. Key and Value results are valid
// only until the next call that moves the iterator. Not safe for concurrent use.
type Iterator interface {
	// Seek moves to the first key >= key (within the prefix).
	Seek(key []byte)
	Valid() bool
	Key() []byte
	Value() ([]byte, error)
	Next()
	Close()
}

// Batch collects writes. The slices passed are copied. Not safe for concurrent use.
type Batch interface {
	Set(key, value []byte) error
	Delete(key []byte) error
	Flush() error
	Cancel()
}
