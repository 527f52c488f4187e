// Package webarchive reads a device's archive on the server, for a person
// restoring from a browser: browse the files as of any moment, download one
// version of a file, or a folder as a zip.
//
// The server never holds an archive key at rest. Open takes the archive
// password the person typed, unwraps the master key in memory (repo.Unlock)
// and reads the archive's pack tables and version segments into an index
// that lives in memory only (an index.KV of this package: a skip list while
// loading, then one sorted arena); nothing is written to disk. Close
// forgets the index and the keys; the caller closes an Archive at sign-out
// and after a short idle time.
//
// A key file is written by the user's computer, so its Argon2id settings
// are the user's choice: Open runs none above DefaultKeyLimits (and tries 8
// key files at most). A Pool holds the archives open on the server: the
// sessions of one person that unlock the same archive share one Archive,
// forgotten when the last closes it; a person may have PoolOptions.PerUser
// archives open and all together keep at most PoolOptions.Memory.
//
// DeviceSource gives the engine a device's objects on the server as a
// read-only store.Backend over the blob store, so everything else is the
// engine's own code: repo (keys, configuration, segments, pack tables),
// index (views as of a moment), pack and crypt (opening chunks).
//
// What the archive holds was written by a client, so it is treated as
// untrusted: paths were checked when read (repo), chunk sizes are bounded
// before anything is allocated, every chunk is authenticated and checked
// against its ID, sizes are added without overflow, and zip names cannot
// leave the folder being extracted.
//
// Memory: the index of an archive takes about its encoded size plus 16
// bytes per key (a version, a chunk, a live path's state). Measured
// (cost_test.go, TestOpenCost; archives made by the real client through
// the real server): 10,000 versions open in 0.1 s and keep 2.6 MiB; 100,000
// in 1.2 s keeping 26 MiB, with a transient peak of about 100 MiB of heap
// while the segments are read in.
package webarchive
