package remote

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/store"
)

// spool is the local queue of objects not yet at the server:
//
//	<dir>/<kind>/<name>          complete objects waiting to be sent
//	<dir>/tmp/                   objects being written
//	<dir>/deletions/<kind>~<name> deletions to send
//
// Objects are written there as the folder destination writes its own
// (temporary name, fsync, rename), so what is queued survives a crash.
type spool struct {
	dir string
	max int64

	mu    sync.Mutex
	bytes int64
	count int
}

// ErrQueueFull: the offline queue has reached its size limit.
var ErrQueueFull = errors.New("the queue of changes waiting for the server is full")

func openSpool(dir string, max int64) (*spool, error) {
	if dir == "" {
		return nil, errors.New("remote: no folder for the offline queue")
	}
	for _, d := range append([]store.Kind{"tmp", "deletions"}, store.Kinds...) {
		if err := os.MkdirAll(filepath.Join(dir, string(d)), 0o700); err != nil {
			return nil, fmt.Errorf("offline queue: %w", err)
		}
	}
	s := &spool{dir: dir, max: max}
	tmps, _ := os.ReadDir(filepath.Join(dir, "tmp"))
	for _, e := range tmps { // left by a crash: never committed
		os.Remove(filepath.Join(dir, "tmp", e.Name()))
	}
	for _, k := range store.Kinds {
		entries, _ := os.ReadDir(filepath.Join(dir, string(k)))
		for _, e := range entries {
			if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
				s.bytes += info.Size()
				s.count++
			}
		}
	}
	return s, nil
}

func (s *spool) path(kind store.Kind, name string) string {
	return filepath.Join(s.dir, string(kind), name)
}

func (s *spool) pending() (int, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count, s.bytes
}

// create starts a queued object, refusing when the queue is full.
func (s *spool) create() (*os.File, error) {
	s.mu.Lock()
	full := s.bytes >= s.max
	s.mu.Unlock()
	if full {
		return nil, fmt.Errorf("%w (%d MiB waiting; the limit is %d MiB): %w", ErrQueueFull, s.bytes>>20, s.max>>20, store.ErrOffline)
	}
	var r [12]byte
	rand.Read(r[:])
	f, err := os.OpenFile(filepath.Join(s.dir, "tmp", hex.EncodeToString(r[:])), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("offline queue: %w", mapLocal(err))
	}
	return f, nil
}

// commit makes a written object durable in the queue.
func (s *spool) commit(f *os.File, kind store.Kind, name string) error {
	err := f.Sync()
	st, serr := f.Stat()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = serr
	}
	if err == nil {
		err = os.Rename(f.Name(), s.path(kind, name))
	}
	if err == nil {
		if d, derr := os.Open(filepath.Dir(s.path(kind, name))); derr == nil {
			d.Sync()
			d.Close()
		}
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("offline queue: %w", mapLocal(err))
	}
	s.mu.Lock()
	s.bytes += st.Size()
	s.count++
	s.mu.Unlock()
	return nil
}

// sent removes an object the server acknowledged.
func (s *spool) sent(kind store.Kind, name string) error {
	s.drop(kind, name)
	return nil
}

// drop removes an object from the queue, if it is there.
func (s *spool) drop(kind store.Kind, name string) {
	p := s.path(kind, name)
	st, err := os.Stat(p)
	if err != nil {
		return
	}
	if os.Remove(p) == nil {
		s.mu.Lock()
		s.bytes -= st.Size()
		s.count--
		s.mu.Unlock()
	}
}

func (s *spool) has(kind store.Kind, name string) bool {
	_, err := os.Stat(s.path(kind, name))
	return err == nil
}

// list returns the queued objects of a kind, oldest first.
func (s *spool) list(kind store.Kind) []string {
	entries, _ := os.ReadDir(filepath.Join(s.dir, string(kind)))
	type item struct {
		name string
		mod  int64
	}
	var items []item
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && store.ValidName(e.Name()) {
			items = append(items, item{e.Name(), info.ModTime().UnixNano()})
		}
	}
	slices.SortFunc(items, func(a, b item) int {
		return cmp.Or(cmp.Compare(a.mod, b.mod), strings.Compare(a.name, b.name))
	})
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.name
	}
	return names
}

type deletion struct {
	kind store.Kind
	name string
}

func (s *spool) queueDeletion(kind store.Kind, name string) error {
	p := filepath.Join(s.dir, "deletions", string(kind)+"~"+name)
	return os.WriteFile(p, nil, 0o600)
}

func (s *spool) deletions() []deletion {
	entries, _ := os.ReadDir(filepath.Join(s.dir, "deletions"))
	var out []deletion
	for _, e := range entries {
		kind, name, ok := strings.Cut(e.Name(), "~")
		if ok && store.ValidName(name) && slices.Contains(store.Kinds, store.Kind(kind)) {
			out = append(out, deletion{store.Kind(kind), name})
		}
	}
	return out
}

func (s *spool) deleted(kind store.Kind, name string) {
	os.Remove(filepath.Join(s.dir, "deletions", string(kind)+"~"+name))
}

func mapLocal(err error) error {
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("%w: this computer's disk is full", engine.ErrDestinationFull)
	}
	return err
}
