package alerts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// memoryVersion is the format of the memory file; a newer one is refused
// rather than misread.
const memoryVersion = 1

// memory is what an Alerter remembers across observations and restarts.
type memory struct {
	Version int `json:"version"`
	// Shown are the times alerts were shown in the last 24 hours, for
	// Policy.MaxPerDay.
	Shown []time.Time `json:"shown"`
	// Last is, by alert key, when it was last shown and for which condition.
	Last map[string]sent `json:"last"`
	// Count is how many alerts were ever shown: the sequence of sent.Seq.
	Count int64 `json:"count"`
	// NoBackup is the running time since the last complete pass.
	NoBackup failing `json:"no_backup"`
	// DownSince is, for destinations that never answered, when Cairn first
	// saw them not answer.
	DownSince map[string]time.Time `json:"down_since"`
	// Unreadable is, by path, when a file told about was last seen
	// unreadable.
	Unreadable map[string]time.Time `json:"unreadable"`
}

// sent is one alert shown.
type sent struct {
	At time.Time `json:"at"`
	// Episode is when its condition started (LastComplete, LastReached):
	// when that changes, the condition cleared and came back, and the
	// alert may be shown again at once.
	Episode time.Time `json:"episode"`
	// Seq orders alerts shown at the same time.
	Seq int64 `json:"seq"`
}

// failing is the time without a complete pass.
type failing struct {
	Since time.Time     `json:"since"` // LastComplete it counts from
	Ran   time.Duration `json:"ran"`   // time the service ran since
}

func newMemory() memory {
	return memory{Version: memoryVersion, Last: map[string]sent{}, DownSince: map[string]time.Time{},
		Unreadable: map[string]time.Time{}}
}

// load reads the memory file; a missing one is an empty memory.
func load(path string) (memory, error) {
	m := newMemory()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("read alert memory: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("read alert memory %s: %w", path, err)
	}
	if m.Version > memoryVersion {
		return m, fmt.Errorf("alert memory %s has version %d, newer than this Cairn's %d", path, m.Version, memoryVersion)
	}
	m.Version = memoryVersion
	if m.Last == nil {
		m.Last = map[string]sent{}
	}
	if m.DownSince == nil {
		m.DownSince = map[string]time.Time{}
	}
	if m.Unreadable == nil {
		m.Unreadable = map[string]time.Time{}
	}
	return m, nil
}

// save writes the memory file whole, through a rename, so that a crash
// leaves the old memory or the new one.
func (m memory) save(path string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save alert memory: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("save alert memory: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("save alert memory: %w", err)
	}
	return nil
}
