package device

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/index/badgerdb"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/secrets"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/folder"
	"github.com/cairnbackup/cairn/engine/throttle"
)

// Device is this computer's backup set.
type Device struct {
	home     string // Cairn's own folder: config, index, key cache
	userDir  string // the person's home folder ("~")
	goos     string
	cfg      atomic.Pointer[config.Config] // a snapshot: replaced whole, never changed in place
	cfgMu    sync.Mutex                    // serialises updates
	ix       *index.Index
	packSize int64
	now      func() time.Time // nil: the backup's default
	secrets  secrets.Store    // archive keys and sign-in tokens: never in the config

	changes    chan struct{}     // ConfigChanged
	upload     *throttle.Limiter // uploads to servers (SetUploadLimit)
	uploadOnce sync.Once

	mu       sync.Mutex
	repos    map[string]*repo.Repo
	profiles map[string][32]byte // per destination, the profile stored last

	// refused holds, per destination name, the server's refusal of this
	// computer's sign-in (*remote.SignedOutError): see signedout.go.
	refused sync.Map
}

// Options for Open.
type Options struct {
	// UserHome is the person's home folder; default os.UserHomeDir.
	UserHome string
	// PackSize is the pack size of archives created from now on (0: the
	// default). Tests use small packs.
	PackSize int64
	// Now is the clock that stamps versions recorded at folder destinations
	// (a server's own clock stamps those sent to it); default time.Now.
	// Tests and the screenshot tour give a clock of their own.
	Now func() time.Time
	// Secrets keeps archive keys and server tokens; default
	// secrets.Open(home): the OS keyring when one answers, else private
	// files in the home folder. Tests give a store of their own.
	Secrets secrets.Store
}

// Open opens (creating if needed) the Cairn home folder.
func Open(home string, opts Options) (*Device, error) {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", home, err)
	}
	abs, err := filepath.Abs(home)
	if err != nil {
		return nil, err
	}
	if opts.UserHome == "" {
		opts.UserHome, _ = os.UserHomeDir()
	}
	cfg, err := config.Load(abs, runtime.GOOS, opts.UserHome)
	if err != nil {
		return nil, err
	}
	db, err := badgerdb.Open(filepath.Join(abs, "index"))
	if err != nil {
		return nil, err
	}
	if opts.Secrets == nil {
		opts.Secrets, _ = secrets.Open(abs)
	}
	d := &Device{home: abs, userDir: opts.UserHome, goos: runtime.GOOS, secrets: opts.Secrets,
		ix: index.New(db), repos: map[string]*repo.Repo{}, changes: make(chan struct{}, 1), profiles: map[string][32]byte{}, packSize: opts.PackSize, now: opts.Now}
	d.cfg.Store(cfg)
	if err := d.migrateKeyFiles(); err != nil {
		d.Close()
		return nil, err
	}
	for _, dst := range cfg.Destinations {
		if dst.Adding { // cut off while being added: as if it never was
			if err := d.dropDestination(dst.Name); err != nil {
				d.Close()
				return nil, fmt.Errorf("forget the destination %q left half-added: %w", dst.Name, err)
			}
		}
	}
	return d, nil
}

// Close closes the index and the destinations.
func (d *Device) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range d.repos {
		r.Backend().Close()
	}
	return d.ix.Close()
}

// Home returns Cairn's home folder.
func (d *Device) Home() string { return d.home }

// Config returns the configuration (a copy: change it through the methods).
func (d *Device) Config() config.Config { return *d.conf().Clone() }

// conf is the current configuration; callers must not change it.
func (d *Device) conf() *config.Config { return d.cfg.Load() }

// update changes the configuration: fn gets a copy, which is saved and
// becomes current when fn returns nil. Updates are serialised; readers
// never see a half-made change.
func (d *Device) update(fn func(c *config.Config) error) error {
	d.cfgMu.Lock()
	defer d.cfgMu.Unlock()
	c := d.conf().Clone()
	if err := fn(c); err != nil {
		return err
	}
	if err := c.Save(d.home); err != nil {
		return err
	}
	d.cfg.Store(c)
	select {
	case d.changes <- struct{}{}:
	default: // one signal waiting is enough
	}
	return nil
}

// ConfigChanged signals after a change of the configuration (selection,
// exclusions, settings, destinations): the service follows it at once.
// One reader.
func (d *Device) ConfigChanged() <-chan struct{} { return d.changes }

// archiveKeyName is the secret that holds an archive's master key.
func archiveKeyName(archiveID string) string { return "archive-key-" + archiveID }

// cacheKey keeps an archive's master key on this computer, in the secrets
// store, so that backups run without asking for the password.
func (d *Device) cacheKey(archiveID string, m crypt.MasterKey) error {
	if err := d.secrets.Set(archiveKeyName(archiveID), m[:]); err != nil {
		return fmt.Errorf("keep the archive key on this computer: %w", err)
	}
	return nil
}

func (d *Device) cachedKey(archiveID string) (crypt.MasterKey, error) {
	var m crypt.MasterKey
	b, err := d.secrets.Get(archiveKeyName(archiveID))
	if err != nil {
		return m, fmt.Errorf("the key of archive %s is not on this computer; add the destination again ('cairn dest add') to unlock it: %w", archiveID, err)
	}
	if len(b) != len(m) {
		return m, fmt.Errorf("the key of archive %s kept in %s is damaged; add the destination again to unlock it", archiveID, secrets.Describe(d.secrets))
	}
	copy(m[:], b)
	return m, nil
}

// SecretsDescription says in words where this computer keeps archive keys
// and sign-in tokens ("the system keyring", or a private file and why).
func (d *Device) SecretsDescription() string { return secrets.Describe(d.secrets) }

func (d *Device) openBackend(dst *config.Destination) (store.Backend, error) {
	switch dst.Type {
	case "folder":
		return folder.Open(dst.Path)
	case "server":
		return d.openRemote(dst)
	}
	return nil, fmt.Errorf("destination %q has unknown type %q", dst.Name, dst.Type)
}

// repo returns the open archive of a destination ("" = the only one).
func (d *Device) repo(ctx context.Context, name string) (*repo.Repo, *config.Destination, error) {
	dst, err := d.conf().Destination(name)
	if err != nil {
		return nil, nil, err
	}
	if err := d.refusal(dst.Name); err != nil {
		return nil, dst, err // signed out: nothing is sent until the person signs in again
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.repos[dst.Name]; ok {
		return r, dst, nil
	}
	b, err := d.openBackend(dst)
	if err != nil {
		return nil, dst, fmt.Errorf("destination %q: %w", dst.Name, err)
	}
	id, ok, err := repo.Exists(ctx, b)
	if err == nil && !ok {
		err = fmt.Errorf("no Cairn archive at %s (was the drive reformatted?): %w", b.Location(), engine.ErrNoArchive)
	}
	if err == nil && id != dst.ArchiveID {
		err = fmt.Errorf("%s holds another archive (%s) than the one this computer backs up to (%s): is it the right drive?", b.Location(), id, dst.ArchiveID)
	}
	if err != nil {
		b.Close()
		d.noteRefusal(dst.Name, err)
		return nil, dst, fmt.Errorf("destination %q: %w", dst.Name, err)
	}
	m, err := d.cachedKey(dst.ArchiveID)
	if err != nil {
		b.Close()
		return nil, dst, err
	}
	r, err := repo.Open(ctx, b, m, d.ix, index.Dest(dst.Index))
	if err != nil {
		b.Close()
		d.noteRefusal(dst.Name, err)
		return nil, dst, fmt.Errorf("destination %q: %w", dst.Name, err)
	}
	d.repos[dst.Name] = r
	return r, dst, nil
}

// ErrExists means a destination with that name exists already.
var ErrExists = errors.New("exists already")
