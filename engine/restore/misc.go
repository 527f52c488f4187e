package restore

import (
	"io"
	"os/user"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/fs"
)

// sameContent reports whether the file name in parent holds exactly the
// content of v: it is cut and hashed as a backup would, and the chunk IDs
// compared, reading no further than the first difference. Used to skip files
// a previous, interrupted restore finished.
func (b *batch) sameContent(parent *fs.Dir, name string, v *engine.Version) bool {
	f, err := parent.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	ch := b.rn.r.Chunker()
	ids := b.rn.r.NewWorker().IDs
	maxChunk := ch.Params().Max
	buf := make([]byte, 2*maxChunk)
	start, fill, i := 0, 0, 0
	eof := false
	for {
		for fill-start >= maxChunk || (eof && fill > start) {
			n := ch.Cut(buf[start:fill])
			if i >= len(v.Chunks) || engine.ChunkID(ids.Sum(buf[start:start+n])) != v.Chunks[i] {
				return false
			}
			i++
			start += n
		}
		if eof {
			return i == len(v.Chunks)
		}
		fill = copy(buf, buf[start:fill])
		start = 0
		k, err := io.ReadFull(f, buf[fill:])
		fill += k
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			eof = true
		} else if err != nil {
			return false
		}
	}
}

// userIDs maps recorded owner names to this computer's IDs (falling back to
// the recorded numbers), caching lookups.
type userIDs struct {
	mu     sync.Mutex
	users  map[string]uint32
	groups map[string]uint32
}

func newUserIDs() *userIDs { return &userIDs{users: map[string]uint32{}, groups: map[string]uint32{}} }

func (u *userIDs) resolve(v *engine.Version) (uid, gid uint32) {
	u.mu.Lock()
	defer u.mu.Unlock()
	uid, gid = v.UID, v.GID
	if v.User != "" {
		id, ok := u.users[v.User]
		if !ok {
			if x, err := user.Lookup(v.User); err == nil {
				if n, err := strconv.Atoi(x.Uid); err == nil {
					id, ok = uint32(n), true
				}
			}
			if !ok {
				id = v.UID
			}
			u.users[v.User] = id
		}
		uid = id
	}
	if v.Group != "" {
		id, ok := u.groups[v.Group]
		if !ok {
			if x, err := user.LookupGroup(v.Group); err == nil {
				if n, err := strconv.Atoi(x.Gid); err == nil {
					id, ok = uint32(n), true
				}
			}
			if !ok {
				id = v.GID
			}
			u.groups[v.Group] = id
		}
		gid = id
	}
	return uid, gid
}

// progressCounters hold what Progress reports.
type progressCounters struct {
	files, filesDone, bytes, bytesDone atomic.Int64
	current                            atomic.Pointer[string]
}

func (p *progressCounters) setCurrent(s string) { p.current.Store(&s) }

func (rn *run) snapshot() Progress {
	p := &rn.prog
	s := Progress{Files: p.files.Load(), FilesDone: p.filesDone.Load(), Bytes: p.bytes.Load(),
		BytesDone: p.bytesDone.Load(), Elapsed: rn.opts.Now().Sub(rn.start)}
	if c := p.current.Load(); c != nil {
		s.Current = *c
	}
	return s
}

func (rn *run) startProgress() func() {
	if rn.opts.Progress == nil {
		return func() {}
	}
	return engine.Every(200*time.Millisecond, func() { rn.opts.Progress(rn.snapshot()) })
}
