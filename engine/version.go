package engine

import (
	"encoding/hex"
	"time"
)

// ChunkID names a chunk: a keyed hash (HMAC-SHA-256 under the archive's ID key)
// of the chunk's plaintext. Because the hash is keyed, a destination that holds
// the archive cannot tell whether it stores a file it knows.
type ChunkID [32]byte

// String returns the ID in hex.
func (id ChunkID) String() string { return hex.EncodeToString(id[:]) }

// Short returns the first 8 hex digits, for messages.
func (id ChunkID) Short() string { return hex.EncodeToString(id[:4]) }

// FileType says what kind of file system object a version describes.
type FileType uint8

// The file types Cairn records. Only regular files have content; the others
// are recorded and recreated, never read.
const (
	TypeRegular FileType = iota + 1
	TypeDir
	TypeSymlink
	TypeFIFO
	TypeSocket
	TypeCharDevice
	TypeBlockDevice
)

var typeNames = map[FileType]string{
	TypeRegular: "file", TypeDir: "dir", TypeSymlink: "symlink", TypeFIFO: "fifo",
	TypeSocket: "socket", TypeCharDevice: "chardev", TypeBlockDevice: "blockdev",
}

func (t FileType) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return "unknown"
}

// Version is one recorded state of one path: what Cairn keeps per file, as
// CrashPlan does, rather than whole-tree snapshots. The view "as of T" is, for
// every path, its newest version recorded at or before T.
type Version struct {
	// Path is absolute and slash-separated ("/home/ana/report.txt"); on Windows
	// the drive is the first element ("/C:/Users/ana/report.txt").
	Path string
	// Recorded is when Cairn captured this state (Unix ns). For a deletion it is
	// when Cairn noticed the file was gone.
	Recorded int64
	// Deleted marks the moment the path disappeared; the other fields are then empty.
	Deleted bool
	Type    FileType
	Size    int64
	ModTime int64  // Unix ns
	Mode    uint32 // permission bits plus setuid, setgid and sticky (07777)
	UID     uint32
	GID     uint32
	User    string // owner's name, so a restore on another computer can map it
	Group   string
	// LinkTarget is a symlink's target, exactly as stored.
	LinkTarget string
	// LinkID is non-zero for a file with more than one hard link: all paths with
	// the same LinkID (within one backup) were one inode, and are restored as one.
	LinkID uint64
	// Rdev is the device number of a character or block device.
	Rdev uint64
	// Inode and CTime are what the file system said when the file was read; with
	// Size and ModTime they tell that a file is unchanged, so it is never read twice.
	Inode uint64
	CTime int64
	// Chunks are the content, in order.
	Chunks []ChunkID
	// Warning is set when the content may not be a consistent copy (the file kept
	// changing while it was read); the version is kept, and the user told.
	Warning string
}

// RecordedTime returns Recorded as a time.Time.
func (v *Version) RecordedTime() time.Time { return time.Unix(0, v.Recorded) }

// ModTimeTime returns ModTime as a time.Time.
func (v *Version) ModTimeTime() time.Time { return time.Unix(0, v.ModTime) }
