package device

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/folder"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// PasswordFunc asks for a password. confirm asks twice (a new password).
type PasswordFunc func(prompt string, confirm bool) ([]byte, error)

// AddResult says what AddFolderDestination did.
type AddResult struct {
	Created bool            // a new archive was made
	Sync    repo.SyncReport // for an existing archive: what was read from it
}

// AddFolderDestination adds a folder (an external drive) as a destination:
// it creates an archive there, or attaches to the one already there after
// checking the password, and reads what it holds into the index.
func (d *Device) AddFolderDestination(ctx context.Context, name, path string, password PasswordFunc, kdf crypt.KDFParams) (AddResult, error) {
	return d.addFolder(ctx, name, path, password, kdf, false)
}

// addFolder adds a folder destination; adopt takes over the archive of a
// computer this one replaces, and refuses a folder without one.
func (d *Device) addFolder(ctx context.Context, name, path string, password PasswordFunc, kdf crypt.KDFParams, adopt bool) (AddResult, error) {
	var res AddResult
	if name == "" || len(name) > 64 {
		return res, fmt.Errorf("a destination needs a name of 1 to 64 characters")
	}
	if _, err := d.conf().Destination(name); err == nil {
		return res, fmt.Errorf("destination %q: %w", name, ErrExists)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return res, err
	}
	var b store.Backend
	if _, err := os.Stat(abs); err == nil {
		b, err = folder.Open(abs)
		if err != nil {
			return res, err
		}
	}
	var id string
	var exists bool
	if b != nil {
		if id, exists, err = repo.Exists(ctx, b); err != nil {
			return res, err
		}
	}
	if adopt && !exists {
		return res, fmt.Errorf("there is no Cairn archive at %s: choose the folder or drive the old computer backed up to: %w", abs, engine.ErrNoArchive)
	}
	var master crypt.MasterKey
	if exists {
		pw, err := password(fmt.Sprintf("Password of the archive at %s: ", abs), false)
		if err != nil {
			return res, err
		}
		if master, err = repo.Unlock(ctx, b, pw); err != nil {
			return res, err
		}
	} else {
		// The password first: a person who cancels leaves nothing behind.
		pw, err := password(fmt.Sprintf("New password for the archive at %s: ", abs), true)
		if err != nil {
			return res, err
		}
		if b, err = folder.Create(abs); err != nil {
			return res, err
		}
		if master, err = repo.Init(ctx, b, pw, repo.InitOptions{KDF: kdf, PackSize: d.packSize}); err != nil {
			return res, err
		}
		if id, _, err = repo.Exists(ctx, b); err != nil {
			return res, err
		}
		res.Created = true
	}
	if err := d.cacheKey(id, master); err != nil {
		return res, fmt.Errorf("store the archive key on this computer: %w", err)
	}
	dst := config.Destination{Name: name, Type: "folder", Path: abs, ArchiveID: id}
	if adopt {
		dst.Adopted = time.Now().UnixNano()
	}
	if err := d.addDestination(dst); err != nil {
		return res, err
	}
	return res, d.attach(ctx, name, exists, adopt, &res)
}

// attach makes a destination just added ready for use: it reads an
// existing archive into the index and, when this computer adopts the
// archive, starts the replace-device wizard. Until then the destination is
// marked Adding and no backup uses it; if anything fails it is dropped
// again, leaving things as they were, so the person can simply try again.
func (d *Device) attach(ctx context.Context, name string, exists, adopt bool, res *AddResult) error {
	err := func() error {
		r, _, err := d.repo(ctx, name)
		if err != nil {
			return err
		}
		if exists {
			if res.Sync, err = r.Sync(ctx); err != nil {
				return err
			}
		}
		var st *config.ReplaceState
		if adopt {
			st = d.replaceState(ctx, name)
		}
		return d.update(func(c *config.Config) error {
			dst, err := c.Destination(name)
			if err != nil {
				return err
			}
			dst.Adding = false
			if st != nil {
				c.Replace = st
			}
			return nil
		})
	}()
	if err != nil {
		d.dropDestination(name)
	}
	return err
}

// RemoveDestination forgets a destination on this computer (the archive at
// the destination is left as it is), and signs out of a server.
func (d *Device) RemoveDestination(name string) error {
	dst, err := d.conf().Destination(name)
	if err != nil {
		return err
	}
	d.mu.Lock()
	if r, ok := d.repos[dst.Name]; ok {
		if b, ok := r.Backend().(*remote.Backend); ok {
			b.SignOut(context.Background()) // best effort: IT can revoke it too
		}
	}
	d.mu.Unlock()
	return d.dropDestination(dst.Name)
}

// dropDestination forgets everything this computer keeps about a
// destination: its entry, index, key, sign-in and queue.
func (d *Device) dropDestination(name string) error {
	dst, err := d.conf().Destination(name)
	if err != nil {
		return err
	}
	d.mu.Lock()
	if r, ok := d.repos[dst.Name]; ok {
		r.Backend().Close()
		delete(d.repos, dst.Name)
	}
	d.mu.Unlock()
	d.forgetRefusal(dst.Name)
	d.secrets.Delete(tokenName(dst.Name)) // best effort: the token is revoked or useless without the destination
	os.RemoveAll(d.spoolDir(dst.Name))
	if err := d.ix.DropDest(index.Dest(dst.Index)); err != nil {
		return err
	}
	d.forgetArchiveKey(dst)
	return d.update(func(c *config.Config) error {
		c.Destinations = slices.DeleteFunc(c.Destinations, func(x config.Destination) bool { return x.Name == dst.Name })
		if c.Replace != nil && c.Replace.Destination == dst.Name {
			c.Replace = nil
		}
		return nil
	})
}

// ChangePassword re-wraps the archive key of a destination under a new password.
func (d *Device) ChangePassword(ctx context.Context, name string, oldPw, newPw []byte, kdf crypt.KDFParams) error {
	r, _, err := d.repo(ctx, name)
	if err != nil {
		return err
	}
	return repo.ChangePassword(ctx, r.Backend(), oldPw, newPw, kdf)
}

// addDestination gives a new destination its number in the index (dropping
// anything an earlier destination with that number left) and saves it.
func (d *Device) addDestination(dst config.Destination) error {
	return d.update(func(c *config.Config) error {
		if _, err := c.Destination(dst.Name); err == nil {
			return fmt.Errorf("destination %q: %w", dst.Name, ErrExists)
		}
		dst.Index = c.NextIndex()
		dst.Added = time.Now().UTC()
		dst.Adding = true // until attach
		if err := d.ix.DropDest(index.Dest(dst.Index)); err != nil {
			return err
		}
		c.Destinations = append(c.Destinations, dst)
		return nil
	})
}
