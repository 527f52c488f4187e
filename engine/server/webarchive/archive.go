package webarchive

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/store"
)

// Errors of an Archive, beside the engine's (engine.ErrWrongPassword,
// engine.ErrNotFound, engine.ErrDamaged, engine.ErrNoArchive).
var (
	// ErrClosed: the archive was closed (signed out, or idle too long); a
	// download in flight stops at its next chunk.
	ErrClosed = errors.New("the archive is closed: unlock it again")
	// ErrTooLarge: a folder is larger than the download cap.
	ErrTooLarge = errors.New("the folder is too large to download at once")
	// ErrNotFile: the path is a folder, a link or a special file, which have
	// no content to download.
	ErrNotFile = errors.New("not a file")
)

// maxChunk bounds the chunk size believed whatever the archive's
// configuration says (its chunker makes 2 MiB at most).
const maxChunk = 64 << 20

// dest is the archive's number in its own in-memory index (the index holds
// one archive).
const dest index.Dest = 1

// Archive is one device's archive, unlocked, in memory: its index (paths,
// versions, chunk locations) and its keys, for the session of one person.
// Nothing of it is written to disk. Safe for concurrent use; Close forgets
// it.
type Archive struct {
	mu     sync.RWMutex
	st     *state // nil once closed
	closed atomic.Bool

	damaged []string // packs whose table could not be read
	took    time.Duration
	memory  int64 // the index's bytes in memory (memKV.size), once read in
}

// state is what Close forgets.
type state struct {
	src     store.Backend
	r       *repo.Repo
	ix      *index.Index
	kv      *memKV
	workers sync.Pool // *repo.Worker: sealers and decompressors, one per goroutine at a time
	maxRaw  uint32    // the largest chunk the archive's chunker makes

	topsOnce sync.Once
	tops     []string // paths with no recorded ancestor, ever
	topsErr  error

	users   int  // operations using it now (Archive.mu)
	closing bool // Close was called: the last user forgets it
}

// forget overwrites the keys and drops the index; called once, when the
// archive is closed and no operation uses it any more.
func (st *state) forget() {
	st.r.Forget()
	st.kv.Close()
}

// DefaultKeyLimits bound what unlocking an archive on the server costs,
// whatever its key files ask for. A key file is written by the user's
// computer, so its Argon2id parameters are the user's choice: without a cap
// one upload could make every unlock take gigabytes and minutes (Argon2id
// cannot be stopped once started). Cairn writes crypt.DefaultKDF (64 MiB,
// 3 passes, up to 4 lanes); the cap is 4 times its memory and over 3 times
// its passes, headroom for a client that chose stronger settings, while
// MaxUnlocking (2) of them at once stay within half a GiB. 8 key files are
// tried at most (a computer writes one, one more per password change or
// recovery), and files over 4 KiB (one is about 300 bytes) are skipped.
var DefaultKeyLimits = repo.KeyLimits{
	KDF:      crypt.KDFParams{Time: 10, Memory: 256 << 10, Threads: 4},
	Files:    8,
	FileSize: 4 << 10,
}

// Open unlocks the archive in src with password and reads its index into
// memory: the key files are tried (within DefaultKeyLimits), the master
// key unwrapped, and every pack table and version segment read (repo.Sync
// into an in-memory index.KV). A wrong password gives an error wrapping
// engine.ErrWrongPassword, key files asking for more work than the limits
// crypt.ErrKDFTooCostly, a source without an archive engine.ErrNoArchive,
// a damaged segment an error naming it that wraps engine.ErrDamaged. Packs
// whose table is damaged are left out (their files fail to download) and
// listed by Damaged.
//
// password is not kept (the caller zeroes its copy); the master key is
// zeroed as soon as the sub-keys are derived. Open costs one Argon2id
// derivation (64 MiB, about 0.1 s, for what Cairn writes) per key file
// tried: callers bound how many run at once. A Pool shares open archives
// and caps their memory.
func Open(ctx context.Context, src store.Backend, password []byte) (*Archive, error) {
	master, err := unlock(ctx, src, password, DefaultKeyLimits)
	if err != nil {
		return nil, err
	}
	defer clear(master[:])
	return openKey(ctx, src, master)
}

// unlock finds the master key password opens, within lim.
func unlock(ctx context.Context, src store.Backend, password []byte, lim repo.KeyLimits) (crypt.MasterKey, error) {
	if _, ok, err := repo.Exists(ctx, src); err != nil {
		return crypt.MasterKey{}, err
	} else if !ok {
		return crypt.MasterKey{}, fmt.Errorf("%s holds no Cairn archive: %w", src.Location(), engine.ErrNoArchive)
	}
	return repo.UnlockWithin(ctx, src, password, lim)
}

// openKey reads the archive's index into memory with its master key.
func openKey(ctx context.Context, src store.Backend, master crypt.MasterKey) (*Archive, error) {
	start := time.Now()
	kv := newMemKV()
	ix := index.New(kv)
	r, err := repo.Open(ctx, src, master, ix, dest)
	if err != nil {
		ix.Close()
		return nil, err
	}
	rep, err := r.Sync(ctx)
	if err != nil {
		r.Forget()
		ix.Close()
		return nil, fmt.Errorf("read the archive of %s: %w", src.Location(), err)
	}
	kv.freeze()
	st := &state{src: src, r: r, ix: ix, kv: kv, maxRaw: uint32(min(max(r.Config().Chunker.Max, 0), maxChunk))}
	st.workers.New = func() any { return r.NewWorker() }
	return &Archive{st: st, damaged: rep.DamagedPacks, took: time.Since(start), memory: kv.size()}, nil
}

// Close forgets the archive: its index and its keys (overwritten). Calls
// after it (and downloads in flight, at their next chunk) fail with
// ErrClosed. It does not wait for them: the last of them to end does the
// forgetting. It does not close the source.
func (a *Archive) Close() {
	a.closed.Store(true)
	a.mu.Lock()
	defer a.mu.Unlock()
	st := a.st
	a.st = nil
	if st == nil || st.closing {
		return
	}
	st.closing = true
	if st.users == 0 {
		st.forget()
	}
}

// Damaged lists the packs whose table could not be read when the archive
// was opened: files with data in them cannot be downloaded.
func (a *Archive) Damaged() []string { return append([]string(nil), a.damaged...) }

// Took is how long Open took.
func (a *Archive) Took() time.Duration { return a.took }

// Memory is about how many bytes the open archive keeps in memory: its
// index (the keys, configuration and caches are a few KiB more). What the
// process takes is more, up to about twice, with Go's garbage collector.
func (a *Archive) Memory() int64 { return a.memory }

// state returns the open state for one operation, or ErrClosed; done ends
// the operation (the state is forgotten only once none uses it).
func (a *Archive) state() (st *state, done func(), err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.st == nil {
		return nil, nil, ErrClosed
	}
	st = a.st
	st.users++
	return st, func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		st.users--
		if st.closing && st.users == 0 {
			st.forget()
		}
	}, nil
}

// alive reports ErrClosed once Close has been called: long operations
// check it between steps.
func (a *Archive) alive() error {
	if a.closed.Load() {
		return ErrClosed
	}
	return nil
}
