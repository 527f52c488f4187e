package fs

import (
	"os"
	"os/user"
	"strconv"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine"
)

// Info is what Cairn records about a file system object.
type Info struct {
	Type    engine.FileType
	Size    int64
	ModTime int64 // Unix ns
	CTime   int64 // Unix ns; 0 where the OS has none
	Inode   uint64
	Dev     uint64
	Nlink   uint64
	Mode    uint32 // 07777 bits
	UID     uint32
	GID     uint32
	Rdev    uint64
	// NotBackedUp, when not nil, says why the entry is left out by design
	// (it wraps ErrNotBackedUp): a cloud-only file, a Windows junction.
	// The pass notes it in its report and neither reads nor records it.
	NotBackedUp error
}

// LinkID returns a non-zero identity shared by all hard links to the same
// file, or 0 for a file with a single link.
func (i Info) LinkID() uint64 {
	if i.Type != engine.TypeRegular || i.Nlink < 2 {
		return 0
	}
	h := i.Dev*0x9E3779B97F4A7C15 ^ i.Inode
	if h == 0 {
		h = 1
	}
	return h
}

// Names resolves user and group IDs to names, caching the answers.
type Names struct {
	mu     sync.Mutex
	users  map[uint32]string
	groups map[uint32]string
}

// NewNames returns an empty cache.
func NewNames() *Names {
	return &Names{users: map[uint32]string{}, groups: map[uint32]string{}}
}

// User returns the name of uid ("" when unknown).
func (n *Names) User(uid uint32) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if s, ok := n.users[uid]; ok {
		return s
	}
	s := ""
	if u, err := user.LookupId(strconv.Itoa(int(uid))); err == nil {
		s = u.Username
	}
	n.users[uid] = s
	return s
}

// Group returns the name of gid ("" when unknown).
func (n *Names) Group(gid uint32) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if s, ok := n.groups[gid]; ok {
		return s
	}
	s := ""
	if g, err := user.LookupGroupId(strconv.Itoa(int(gid))); err == nil {
		s = g.Name
	}
	n.groups[gid] = s
	return s
}

// IsRoot reports whether the process may change file owners.
func IsRoot() bool { return os.Geteuid() == 0 }

func timeOf(ns int64) time.Time { return time.Unix(0, ns) }
