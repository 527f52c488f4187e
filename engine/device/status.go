package device

import (
	"context"
	iofs "io/fs"
	"path/filepath"
	"time"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/fs"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/selection"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// LastBackup is what the last pass to a destination did.
type LastBackup struct {
	Started  time.Time     `json:"started"`
	Finished time.Time     `json:"finished"`
	Took     time.Duration `json:"took"`
	Files    int64         `json:"files"`
	Changed  int64         `json:"changed"`
	Errors   int           `json:"errors"`
	Failed   string        `json:"failed,omitempty"` // why the pass stopped, if it did
}

// DestinationStatus describes one destination.
type DestinationStatus struct {
	config.Destination
	Reachable bool
	Problem   string // why it cannot be used, in words
	// Err is what Problem says, for a screen to say it in its own words
	// (SignedOut tells a computer that was replaced or signed out).
	Err         error
	Packs       int64
	StoredBytes int64
	Files       int64 // live files and folders in the backup
	LastBackup  *LastBackup
	LastPrune   time.Time
	LastVerify  time.Time
	// Pending and Queued describe a server destination's offline queue:
	// what is recorded but not yet at the server.
	Pending int
	Queued  int64
}

// Status is what `cairn status` and the app's home screen show.
type Status struct {
	Home         string
	Selection    selection.Selection
	Destinations []DestinationStatus
	IndexBytes   int64 // the local index on disk
}

// Status reports on every destination.
func (d *Device) Status(ctx context.Context) Status {
	c := d.conf()
	s := Status{Home: d.home, Selection: c.Selection, IndexBytes: dirSize(filepath.Join(d.home, "index"))}
	for _, dst := range c.Destinations {
		ds := DestinationStatus{Destination: dst}
		if r, _, err := d.repo(ctx, dst.Name); err != nil {
			ds.Problem, ds.Err = err.Error(), err
		} else if b, ok := r.Backend().(*remote.Backend); ok {
			if err := b.Ping(ctx); err != nil {
				d.noteRefusal(dst.Name, err)
				ds.Problem, ds.Err = err.Error(), err
			} else {
				ds.Reachable = true
			}
			ds.Pending, ds.Queued = b.Pending()
		} else {
			ds.Reachable = true
		}
		di := index.Dest(dst.Index)
		d.ix.Packs(di, func(p index.PackInfo) error {
			ds.Packs++
			ds.StoredBytes += p.Size
			return nil
		})
		d.ix.StatTree(di, "/", func(string, index.Stat) error {
			ds.Files++
			return nil
		})
		var lb LastBackup
		if d.getMeta(di, "lastbackup", &lb) {
			ds.LastBackup = &lb
		}
		d.getMeta(di, "lastprune", &ds.LastPrune)
		d.getMeta(di, "lastverify", &ds.LastVerify)
		s.Destinations = append(s.Destinations, ds)
	}
	return s
}

// dirSize adds up the sizes of the files in dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, e iofs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			if info, err := e.Info(); err == nil {
				n += fs.DiskUsage(info)
			}
		}
		return nil
	})
	return n
}
