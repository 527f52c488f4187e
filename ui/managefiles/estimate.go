package managefiles

import (
	"context"
	"os"
	"time"

	"github.com/cairnbackup/cairn/engine/device"
)

// progressEvery is how often a count reports while it runs.
const progressEvery = 200 * time.Millisecond

// estimate counts what v's selection holds on disk, as a backup of it
// would walk it: from each root down, excluded files and folders skipped
// (a root too), links not followed, unreadable folders passed over. The
// engine's EstimateSelection does the same for the saved selection; this
// one counts a selection that is not saved yet.
func estimate(ctx context.Context, v view, progress func(device.Estimate)) (device.Estimate, error) {
	c := counter{ctx: ctx, v: v, progress: progress, last: time.Now()}
	for _, root := range v.sel.Roots() {
		if err := c.root(root); err != nil {
			return c.e, err
		}
	}
	progress(c.e)
	return c.e, nil
}

type counter struct {
	ctx      context.Context
	v        view
	e        device.Estimate
	progress func(device.Estimate)
	last     time.Time
}

func (c *counter) root(root string) error {
	info, err := os.Stat(osPath(root))
	if err != nil || c.v.m.Excluded(root, info.IsDir()) {
		return nil // a missing root (an unplugged drive) holds nothing now
	}
	if !info.IsDir() {
		c.file(info.Size())
		return nil
	}
	return c.dir(root)
}

func (c *counter) dir(dir string) error {
	des, err := os.ReadDir(osPath(dir))
	if err != nil {
		return nil // unreadable: the backup reports it and goes on
	}
	c.e.Dirs++
	for _, de := range des {
		if err := c.ctx.Err(); err != nil {
			return err
		}
		p := child(dir, de.Name())
		if c.v.m.Excluded(p, de.IsDir()) {
			continue
		}
		if de.IsDir() {
			if err := c.dir(p); err != nil {
				return err
			}
			continue
		}
		if info, err := de.Info(); err == nil {
			c.file(info.Size())
		}
	}
	return nil
}

func (c *counter) file(size int64) {
	c.e.Files++
	c.e.Bytes += size
	if time.Since(c.last) >= progressEvery {
		c.progress(c.e)
		c.last = time.Now()
	}
}
