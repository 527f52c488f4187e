// Package store defines where an archive's objects live: the Backend
// interface, implemented by a folder (an external drive), and later by a
// server client and object storage. One conformance suite (storetest) runs
// against every implementation.
//
// Objects are immutable and named by their content hash, except key files;
// an object is either wholly there under its final name or not there at all
// (writes go to a temporary name and are renamed after fsync).
package store
