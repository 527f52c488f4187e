// Package config is the device's configuration file: destinations, the
// selection and the retention policy. It holds no secret (keys live in the
// key cache, later the OS keyring).
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cairnbackup/cairn/engine/retention"
	"github.com/cairnbackup/cairn/engine/selection"
)

// Destination is one place this computer backs up to.
type Destination struct {
	Name      string `json:"name"`
	Type      string `json:"type"` // "folder" or "server"
	Path      string `json:"path,omitempty"`
	ArchiveID string `json:"archive_id"`
	// Index is the destination's number in the local index.
	Index uint16    `json:"index"`
	Added time.Time `json:"added"`

	// A server destination: its address, the account, this computer's
	// device there, and the certificate fingerprint trusted at first
	// sign-in ("" when certificate authorities vouch for the server). The
	// sign-in token is kept with the keys, not here.
	URL         string `json:"url,omitempty"`
	User        string `json:"user,omitempty"`
	DeviceID    string `json:"device_id,omitempty"`
	DeviceName  string `json:"device_name,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	// SSO: this computer signed in through the organisation's single
	// sign-on (User is then ""): a later sign-in goes that way too, and
	// there is no account password to protect the archive key.
	SSO bool `json:"sso,omitempty"`
	// KeyMode says what protects the archive key: "account" (the account
	// password), "password" (an archive password of its own) or "custom"
	// (a key the person keeps); Escrowed that the organisation holds a
	// sealed copy. The key itself is in the secrets store, never here.
	KeyMode  string `json:"key_mode,omitempty"`
	Escrowed bool   `json:"escrowed,omitempty"`

	// Adopted is when this computer took over the archive of a computer it
	// replaced (Unix ns; 0: it made the archive itself). The old
	// computer's files older than that are not recorded deleted for being
	// missing here (backup.Options.Adopted).
	Adopted int64 `json:"adopted,omitempty"`
	// Adding is set while the destination is being added (its archive
	// read into the index): no backup uses it until that is done, and one
	// left by a crash is dropped when Cairn starts.
	Adding bool `json:"adding,omitempty"`
}

// Location is where the destination is, in words.
func (d *Destination) Location() string {
	if d.Type == "server" {
		return d.URL
	}
	return d.Path
}

// Config is the whole configuration.
type Config struct {
	Version      int                 `json:"version"`
	Destinations []Destination       `json:"destinations"`
	Selection    selection.Selection `json:"selection"`
	Retention    retention.Policy    `json:"retention"`
	// PruneEvery is how often a backup is followed by pruning (retention and
	// freeing space). Default one day.
	PruneEvery Duration `json:"prune_every"`
	// OfflineQueue bounds, per server destination, the changes kept on this
	// computer while the server cannot be reached (bytes). Default 5 GiB.
	OfflineQueue int64 `json:"offline_queue"`

	// BackupEvery is how often the app backs up by itself. Default 15
	// minutes (CrashPlan's); continuous protection watches in between.
	BackupEvery Duration `json:"backup_every"`
	// VerifyAt is the daily time ("03:00", local) of the verification scan
	// of the whole selection.
	VerifyAt string `json:"verify_at"`
	// BandwidthKBps limits uploads to server destinations (0: no limit).
	BandwidthKBps int `json:"bandwidth_kbps"`
	// StartAtLogin starts the app when the person logs in. Default on.
	StartAtLogin bool `json:"start_at_login"`
	// Throttle says how backups hold back so the computer stays quick.
	Throttle Throttle `json:"throttle"`
	// WatchOff turns real-time watching off (changes are then found by the
	// scan every BackupEvery). Default: watching.
	WatchOff bool `json:"watch_off,omitempty"`
	// Language is the app's language ("" follows the system).
	Language string `json:"language,omitempty"`
	// Replace is the state of an unfinished replace-device wizard; while it
	// is set, no backup runs.
	Replace *ReplaceState `json:"replace,omitempty"`
}

// ReplaceState remembers where the replace-device wizard is, so it can be
// closed and resumed.
type ReplaceState struct {
	Destination string    `json:"destination"` // the adopted archive's destination
	OldDevice   string    `json:"old_device"`  // the old computer's name
	OldOS       string    `json:"old_os,omitempty"`
	OldHome     string    `json:"old_home"` // the old computer's home folder, archive form ("" unknown)
	Step        string    `json:"step"`     // ReplaceChoose, ReplaceTransfer
	Started     time.Time `json:"started"`
	// The transfer chosen, kept so that an interrupted one resumes as it was.
	Files    []string `json:"files,omitempty"`    // archive paths to bring over
	FilesTo  string   `json:"files_to,omitempty"` // a folder; "" puts them in their places
	Settings []string `json:"settings,omitempty"` // of "selection", "exclusions", "frequency"
}

// Steps of the replace-device wizard.
const (
	ReplaceChoose   = "choose"   // adopted; choosing what to transfer
	ReplaceTransfer = "transfer" // transferring (resumed if interrupted)
)

// Duration is a time.Duration written as text ("24h").
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// New returns the configuration of a fresh install.
func New(goos, home string) *Config {
	return &Config{
		Version:      1,
		Selection:    selection.Selection{Defaults: selection.DefaultExclusions(goos, home)},
		Retention:    retention.Default(),
		PruneEvery:   Duration(24 * time.Hour),
		OfflineQueue: 5 << 30,
		BackupEvery:  Duration(15 * time.Minute),
		VerifyAt:     "03:00",
		StartAtLogin: true,
		Throttle:     Throttle{AwayAfter: Duration(15 * time.Minute), CPUPercent: 50, MinBattery: 20},
	}
}

// Throttle is how backups hold back (engine/throttle.Policy). The upload
// limit while the person is at the computer is Config.BandwidthKBps.
type Throttle struct {
	AwayKBps   int      `json:"away_kbps"`   // upload limit while away (0: none)
	AwayAfter  Duration `json:"away_after"`  // idle this long counts as away
	CPUPercent int      `json:"cpu_percent"` // share of the cores backups use while the person is there
	MinBattery int      `json:"min_battery"` // on battery below this percent, backups wait (0: never)
	// Window, when set, limits backups to some hours of some days.
	Window *Window `json:"window,omitempty"`
}

// Window is "back up only between From and To (HH:MM) on these days"
// (0 = Sunday … 6 = Saturday; none: every day).
type Window struct {
	Days []int  `json:"days,omitempty"`
	From string `json:"from"`
	To   string `json:"to"`
}

// FileName is the configuration file inside the Cairn home folder.
const FileName = "config.json"

// Load reads the configuration from dir; a missing file gives New's.
func Load(dir, goos, home string) (*Config, error) {
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if errors.Is(err, os.ErrNotExist) {
		return New(goos, home), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	c := New(goos, home)
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("configuration file %s is not valid: %w", filepath.Join(dir, FileName), err)
	}
	if err := c.Retention.Validate(); err != nil {
		return nil, fmt.Errorf("configuration file %s: retention: %w", filepath.Join(dir, FileName), err)
	}
	return c, nil
}

// Save writes the configuration atomically (temporary file, fsync, rename).
func (c *Config) Save(dir string) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, FileName), append(b, '\n'), 0o600)
}

// Destination finds a destination by name; "" means the only one.
func (c *Config) Destination(name string) (*Destination, error) {
	if name == "" {
		switch len(c.Destinations) {
		case 0:
			return nil, errors.New("no destination yet: add one with 'cairn dest add NAME PATH'")
		case 1:
			return &c.Destinations[0], nil
		}
		return nil, errors.New("there are several destinations: say which with --dest NAME")
	}
	for i := range c.Destinations {
		if c.Destinations[i].Name == name {
			return &c.Destinations[i], nil
		}
	}
	return nil, fmt.Errorf("no destination named %q ('cairn dest list' shows them)", name)
}

// NextIndex returns an unused index number for a new destination.
func (c *Config) NextIndex() uint16 {
	var n uint16 = 1
	for _, d := range c.Destinations {
		if d.Index >= n {
			n = d.Index + 1
		}
	}
	return n
}

// WriteFileAtomic replaces path with data: a reader sees the old or the new
// content, never a mix, even after a crash.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Clone returns a deep copy.
func (c *Config) Clone() *Config {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // a Config always marshals
	}
	out := &Config{}
	if err := json.Unmarshal(b, out); err != nil {
		panic(err)
	}
	return out
}
