package device

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/retention"
	"github.com/cairnbackup/cairn/engine/throttle"
)

// Settings are what the Settings screen edits.
type Settings struct {
	BackupEvery  time.Duration    // how often backups run by themselves
	VerifyAt     string           // daily verification scan, "HH:MM" local time
	Retention    retention.Policy // which versions are kept
	StartAtLogin bool
	Language     string // "" follows the system
	OfflineQueue int64  // bytes kept for an unreachable server
	// Throttle is how backups hold back: upload limits while present and
	// away, the CPU share, the battery level, the hours.
	Throttle throttle.Policy
	// Watch backs up files within seconds of a save (default on); off, the
	// scan every BackupEvery finds changes.
	Watch bool
}

// Settings returns the current settings.
func (d *Device) Settings() Settings {
	c := d.conf()
	return Settings{BackupEvery: time.Duration(c.BackupEvery), VerifyAt: c.VerifyAt, Retention: c.Retention,
		StartAtLogin: c.StartAtLogin, Language: c.Language, OfflineQueue: c.OfflineQueue,
		Throttle: policyOf(c), Watch: !c.WatchOff}
}

func policyOf(c *config.Config) throttle.Policy {
	t := c.Throttle
	p := throttle.Policy{PresentKBps: c.BandwidthKBps, AwayKBps: t.AwayKBps, AwayAfter: time.Duration(t.AwayAfter),
		CPUPercent: t.CPUPercent, MinBattery: t.MinBattery}
	if w := t.Window; w != nil {
		p.Window = &throttle.Window{From: w.From, To: w.To}
		for _, d := range w.Days {
			p.Window.Days = append(p.Window.Days, time.Weekday(d))
		}
	}
	return p
}

func throttleOf(p throttle.Policy) (bandwidth int, t config.Throttle) {
	t = config.Throttle{AwayKBps: p.AwayKBps, AwayAfter: config.Duration(p.AwayAfter), CPUPercent: p.CPUPercent,
		MinBattery: p.MinBattery}
	if w := p.Window; w != nil {
		t.Window = &config.Window{From: w.From, To: w.To}
		for _, d := range w.Days {
			t.Window.Days = append(t.Window.Days, int(d))
		}
	}
	return p.PresentKBps, t
}

// SetSettings checks and saves settings.
func (d *Device) SetSettings(s Settings) error {
	if s.BackupEvery < time.Minute || s.BackupEvery > 7*24*time.Hour {
		return errors.New("backups run between every minute and once a week")
	}
	if _, err := time.Parse("15:04", s.VerifyAt); err != nil {
		return fmt.Errorf("the verification time %q is not HH:MM", s.VerifyAt)
	}
	if err := s.Retention.Validate(); err != nil {
		return err
	}
	if s.OfflineQueue < 0 {
		return errors.New("limits cannot be negative")
	}
	if err := s.Throttle.Validate(); err != nil {
		return err
	}
	return d.update(func(c *config.Config) error {
		c.BackupEvery, c.VerifyAt, c.Retention = config.Duration(s.BackupEvery), s.VerifyAt, s.Retention
		c.BandwidthKBps, c.Throttle = throttleOf(s.Throttle)
		c.StartAtLogin, c.Language, c.WatchOff = s.StartAtLogin, s.Language, !s.Watch
		if s.OfflineQueue > 0 {
			c.OfflineQueue = s.OfflineQueue
		}
		return nil
	})
}

// Search calls fn for every path below under (as of view) whose name
// contains query, ignoring case, stopping after max matches (0: no limit).
func (d *Device) Search(ctx context.Context, dest, under, query string, view index.View, max int, fn func(index.Entry) error) error {
	q := strings.ToLower(query)
	n := 0
	stop := errors.New("enough")
	err := d.List(ctx, dest, under, view, true, func(e index.Entry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		name := e.Version.Path[strings.LastIndexByte(e.Version.Path, '/')+1:]
		if !strings.Contains(strings.ToLower(name), q) {
			return nil
		}
		n++
		if err := fn(e); err != nil {
			return err
		}
		if max > 0 && n >= max {
			return stop
		}
		return nil
	})
	if errors.Is(err, stop) {
		return nil
	}
	return err
}

// Estimate is how much a selection holds on disk.
type Estimate struct {
	Files, Dirs, Bytes int64
}

// EstimateSelection walks the selection as a backup would (exclusions
// applied) and adds up what it holds, reporting as it goes.
func (d *Device) EstimateSelection(ctx context.Context, progress func(Estimate)) (Estimate, error) {
	c := d.conf()
	m, err := c.Selection.Matcher(d.goos, toSlash(d.userDir))
	if err != nil {
		return Estimate{}, err
	}
	var e Estimate
	last := time.Now()
	for _, root := range c.Selection.Roots() {
		err := walkSelected(ctx, root, m, func(isDir bool, size int64) {
			if isDir {
				e.Dirs++
			} else {
				e.Files++
				e.Bytes += size
			}
			if progress != nil && time.Since(last) > 200*time.Millisecond {
				progress(e)
				last = time.Now()
			}
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return e, err
		}
	}
	if progress != nil {
		progress(e)
	}
	return e, nil
}
