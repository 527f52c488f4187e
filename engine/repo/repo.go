package repo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/chunk"
	"github.com/cairnbackup/cairn/engine/compress"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/pack"
	"github.com/cairnbackup/cairn/engine/store"
)

// FormatVersion is the archive format this code writes and reads.
const FormatVersion = 1

// DefaultPackSize is the size at which a pack is closed: tens of MiB, so a
// large archive is thousands of files rather than millions, while a pack
// still uploads in seconds over a campus network.
const DefaultPackSize = 32 << 20

// Config is an archive's configuration, sealed at the destination.
type Config struct {
	Format  int          `json:"format"`
	ID      string       `json:"id"`
	Created time.Time    `json:"created"`
	Chunker chunk.Params `json:"chunker"`
	// ChunkerVersion names the gear derivation and cut rule (chunk.Version).
	ChunkerVersion int   `json:"chunker_version"`
	PackSize       int64 `json:"pack_size"`
}

// marker is the plaintext object that says "this is a Cairn archive", so a
// folder can be recognised before anyone types a password.
type marker struct {
	Cairn  string `json:"cairn"`
	Format int    `json:"format"`
	ID     string `json:"id"`
}

const (
	markerName = "archive"
	configName = "config"
	maxSmall   = 1 << 20 // bound for key, config and marker objects
)

var configAD = []byte("cairn v1 config")

// Exists reports whether b holds an archive, and its ID.
func Exists(ctx context.Context, b store.Backend) (string, bool, error) {
	data, err := store.Load(ctx, b, store.KindConfig, markerName, maxSmall)
	if errors.Is(err, engine.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	var m marker
	if err := json.Unmarshal(data, &m); err != nil || m.Cairn != "archive" {
		return "", false, fmt.Errorf("%s holds a damaged archive marker", b.Location())
	}
	if m.Format > FormatVersion {
		return "", false, fmt.Errorf("the archive at %s was made by a newer version of Cairn (format %d); update Cairn", b.Location(), m.Format)
	}
	return m.ID, true, nil
}

// InitOptions configure a new archive.
type InitOptions struct {
	KDF crypt.KDFParams
	// PackSize is the size at which packs are closed; default DefaultPackSize.
	// Tests make it small to get many packs from little data.
	PackSize int64
}

// Init creates a new archive at b, protected by password, and returns its
// master key.
func Init(ctx context.Context, b store.Backend, password []byte, o InitOptions) (crypt.MasterKey, error) {
	kdf := o.KDF
	if o.PackSize <= 0 {
		o.PackSize = DefaultPackSize
	}
	master, err := crypt.NewMasterKey()
	if err != nil {
		return master, err
	}
	keys, err := master.Derive()
	if err != nil {
		return master, err
	}
	var id [16]byte
	rand.Read(id[:])
	cfg := Config{Format: FormatVersion, ID: hex.EncodeToString(id[:]), Created: time.Now().UTC(),
		Chunker: chunk.Default, ChunkerVersion: chunk.Version, PackSize: o.PackSize}
	if err := addKey(ctx, b, master, password, kdf); err != nil {
		return master, err
	}
	plain, _ := json.Marshal(cfg)
	salt := make([]byte, 32)
	rand.Read(salt)
	sealed, err := crypt.NewSealer(keys.Meta).Seal(salt, salt, plain, configAD)
	if err != nil {
		return master, err
	}
	if err := store.Save(ctx, b, store.KindConfig, configName, sealed); err != nil {
		return master, fmt.Errorf("write archive config: %w", err)
	}
	mk, _ := json.Marshal(marker{Cairn: "archive", Format: FormatVersion, ID: cfg.ID})
	if err := store.Save(ctx, b, store.KindConfig, markerName, mk); err != nil {
		return master, fmt.Errorf("write archive marker: %w", err)
	}
	return master, nil
}

func addKey(ctx context.Context, b store.Backend, master crypt.MasterKey, password []byte, kdf crypt.KDFParams) error {
	w, err := crypt.Wrap(master, password, kdf)
	if err != nil {
		return err
	}
	w.Created = time.Now().UTC().Format(time.RFC3339)
	data, err := w.Marshal()
	if err != nil {
		return err
	}
	var id [8]byte
	rand.Read(id[:])
	if err := store.Save(ctx, b, store.KindKey, hex.EncodeToString(id[:]), data); err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	return nil
}

// ChangePassword re-wraps the master key under a new password and removes
// the key file the old password opened. No data is re-encrypted.
func ChangePassword(ctx context.Context, b store.Backend, oldPassword, newPassword []byte, kdf crypt.KDFParams) error {
	master, old, err := unlock(ctx, b, oldPassword, KeyLimits{})
	if err != nil {
		return err
	}
	if err := addKey(ctx, b, master, newPassword, kdf); err != nil {
		return err
	}
	return b.Remove(ctx, store.KindKey, old)
}

// Repo is an open archive with its index. Safe for concurrent use.
type Repo struct {
	backend store.Backend
	keys    crypt.Keys
	cfg     Config
	ix      *index.Index
	dest    index.Dest
	chunker *chunk.Chunker

	nextPack atomic.Uint32
	nextSeg  atomic.Uint32
	mu       sync.Mutex // guards Sync and Commit against each other
	segBuf   []byte     // a buffer Commit's segment writer grew, for the next Commit (guarded by mu)
}

// Forget overwrites the archive keys r holds, for a repo opened for a
// while only (the server's web restore, at the end of a session). r must
// not be used afterwards. (State the Go crypto objects derived from the
// keys cannot be cleared; it goes with the garbage collector.)
func (r *Repo) Forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.keys.ID[:])
	clear(r.keys.Data[:])
	clear(r.keys.Meta[:])
	clear(r.keys.Gear[:])
}

// Open opens the archive at b with its master key; ix caches it under dest.
func Open(ctx context.Context, b store.Backend, master crypt.MasterKey, ix *index.Index, dest index.Dest) (*Repo, error) {
	keys, err := master.Derive()
	if err != nil {
		return nil, err
	}
	sealed, err := store.Load(ctx, b, store.KindConfig, configName, maxSmall)
	if err != nil {
		return nil, fmt.Errorf("read archive config at %s: %w", b.Location(), err)
	}
	if len(sealed) < 32 {
		return nil, fmt.Errorf("archive config at %s is damaged: %w", b.Location(), engine.ErrDamaged)
	}
	plain, err := crypt.NewSealer(keys.Meta).Open(nil, sealed[:32], sealed[32:], configAD)
	if err != nil {
		return nil, fmt.Errorf("archive config at %s does not match the key (damaged, or another archive): %w", b.Location(), engine.ErrDamaged)
	}
	var cfg Config
	if err := json.Unmarshal(plain, &cfg); err != nil {
		return nil, fmt.Errorf("archive config: %w", err)
	}
	if cfg.Format > FormatVersion {
		return nil, fmt.Errorf("the archive was made by a newer version of Cairn (format %d); update Cairn", cfg.Format)
	}
	if cfg.ChunkerVersion > chunk.Version {
		return nil, fmt.Errorf("the archive cuts files with chunker version %d, newer than this Cairn knows; update Cairn", cfg.ChunkerVersion)
	}
	if cfg.PackSize < 1<<16 || cfg.PackSize > pack.MaxSize/2 {
		cfg.PackSize = DefaultPackSize
	}
	ch, err := chunk.New(cfg.Chunker, chunk.NewGear(keys.Gear[:]))
	if err != nil {
		return nil, fmt.Errorf("archive config: %w", err)
	}
	r := &Repo{backend: b, keys: keys, cfg: cfg, ix: ix, dest: dest, chunker: ch}
	next, err := ix.MetaInt(dest, "nextpack")
	if err != nil {
		return nil, err
	}
	r.nextPack.Store(uint32(max(next, 1)))
	next, err = ix.MetaInt(dest, "nextseg")
	if err != nil {
		return nil, err
	}
	r.nextSeg.Store(uint32(max(next, 1)))
	return r, nil
}

// Config returns the archive's configuration.
func (r *Repo) Config() Config { return r.cfg }

// Backend returns the destination storage.
func (r *Repo) Backend() store.Backend { return r.backend }

// Index returns the local index.
func (r *Repo) Index() *index.Index { return r.ix }

// Dest returns the archive's number in the index.
func (r *Repo) Dest() index.Dest { return r.dest }

// Chunker returns the archive's chunker.
func (r *Repo) Chunker() *chunk.Chunker { return r.chunker }

// Worker holds what one goroutine needs to hash, compress, seal and open
// chunks. Not safe for concurrent use: each goroutine makes its own.
type Worker struct {
	IDs        *crypt.IDHasher
	Data       *crypt.Sealer
	Compressor *compress.Compressor
	Opener     *pack.Opener
}

// NewWorker returns a Worker for r's keys.
func (r *Repo) NewWorker() *Worker {
	data := crypt.NewSealer(r.keys.Data)
	return &Worker{IDs: crypt.NewIDHasher(r.keys.ID), Data: data,
		Compressor: compress.NewCompressor(), Opener: pack.NewOpener(crypt.NewSealer(r.keys.Data))}
}

// metaSealer returns a sealer for metadata (not safe for concurrent use).
func (r *Repo) metaSealer() *crypt.Sealer { return crypt.NewSealer(r.keys.Meta) }

// Parallelism is how many goroutines CPU-bound stages use by default.
func Parallelism() int { return max(1, runtime.GOMAXPROCS(0)) }

// MetaSealer returns a sealer for r's metadata (pack tables, segments), for
// checks outside this package. Not safe for concurrent use.
func MetaSealer(r *Repo) *crypt.Sealer { return r.metaSealer() }
