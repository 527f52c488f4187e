package device

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/retention"
	"github.com/cairnbackup/cairn/engine/selection"
)

// Profile is what a computer says about itself in its archive, so that a
// computer replacing it can take over its place and its settings.
type Profile struct {
	Device      string              `json:"device"` // its name
	OS          string              `json:"os"`     // runtime.GOOS
	Home        string              `json:"home"`   // the person's home folder, archive form
	Selection   selection.Selection `json:"selection"`
	BackupEvery config.Duration     `json:"backup_every"`
	VerifyAt    string              `json:"verify_at"`
	Retention   retention.Policy    `json:"retention"`
	Language    string              `json:"language,omitempty"`
	// Cairn is the computer's Cairn folder (configuration, index, keys),
	// archive form: a computer replacing it never brings it over.
	Cairn string `json:"cairn,omitempty"`
	// Saved is when the profile was written (not stored inside it).
	Saved time.Time `json:"-"`
}

// profile describes this computer as seen from a destination.
func (d *Device) profile(dst *config.Destination) Profile {
	c := d.conf()
	name := dst.DeviceName
	if name == "" {
		name, _ = os.Hostname()
	}
	return Profile{Device: name, OS: d.goos, Home: toSlash(d.userDir), Selection: c.Selection,
		BackupEvery: c.BackupEvery, VerifyAt: c.VerifyAt, Retention: c.Retention, Language: c.Language,
		Cairn: toSlash(d.home)}
}

// saveProfile stores this computer's profile in an archive when it differs
// from the one stored last by this process.
func (d *Device) saveProfile(ctx context.Context, r *repo.Repo, dst *config.Destination) error {
	data, err := json.Marshal(d.profile(dst))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	d.mu.Lock()
	same := d.profiles[dst.Name] == sum
	d.mu.Unlock()
	if same {
		return nil
	}
	if err := r.SaveProfile(ctx, data, time.Now()); err != nil {
		return err
	}
	d.mu.Lock()
	d.profiles[dst.Name] = sum
	d.mu.Unlock()
	return nil
}

// ReadProfile returns the newest profile stored at a destination; ok is
// false for an archive written before profiles existed.
func (d *Device) ReadProfile(ctx context.Context, dest string) (p Profile, ok bool, err error) {
	r, _, err := d.repo(ctx, dest)
	if err != nil {
		return p, false, err
	}
	data, saved, ok, err := r.LatestProfile(ctx)
	if err != nil || !ok {
		return p, false, err
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return p, false, fmt.Errorf("the profile in the archive cannot be read: %w", err)
	}
	p.Saved = saved
	return p, true, nil
}
