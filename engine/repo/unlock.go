package repo

import (
	"context"
	"errors"
	"fmt"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/store"
)

// KeyLimits bound the work of unlocking, for a caller that does not trust
// the archive's key files: the server, which unlocks key files its users'
// computers wrote, and which a user could write to ask Argon2id for
// gigabytes. The zero value bounds nothing (a computer unlocking its own
// archive: Unlock).
type KeyLimits struct {
	// KDF: key files asking for more memory, passes or lanes than this are
	// not tried. Zero: no bound.
	KDF crypt.KDFParams
	// Files: at most this many key files are read and tried. Zero: all.
	Files int
	// FileSize: key files larger than this are skipped unread (a key file
	// the client writes is a few hundred bytes). Zero: none skipped (a key
	// file over 1 MiB is an error).
	FileSize int64
}

// Unlock finds the key file that password opens and returns the master key.
func Unlock(ctx context.Context, b store.Backend, password []byte) (crypt.MasterKey, error) {
	master, _, err := unlock(ctx, b, password, KeyLimits{})
	return master, err
}

// UnlockWithin is Unlock within lim. When no key file tried opens and some
// were passed over for asking too much work, the error wraps
// crypt.ErrKDFTooCostly (and engine.ErrWrongPassword too when the password
// was checked against others and opened none).
func UnlockWithin(ctx context.Context, b store.Backend, password []byte, lim KeyLimits) (crypt.MasterKey, error) {
	master, _, err := unlock(ctx, b, password, lim)
	return master, err
}

type keyFile struct {
	name string
	size int64
}

func unlock(ctx context.Context, b store.Backend, password []byte, lim KeyLimits) (crypt.MasterKey, string, error) {
	maxSize := lim.FileSize
	if maxSize <= 0 {
		maxSize = maxSmall
	}
	var files []keyFile
	if err := b.List(ctx, store.KindKey, func(n string, size int64) error {
		files = append(files, keyFile{n, size})
		return nil
	}); err != nil {
		return crypt.MasterKey{}, "", fmt.Errorf("list key files: %w", err)
	}
	if len(files) == 0 {
		return crypt.MasterKey{}, "", fmt.Errorf("%s holds no key file: %w", b.Location(), engine.ErrNoArchive)
	}
	read, checked := 0, 0
	var tooCostly error
	for _, f := range files {
		if lim.FileSize > 0 && f.size > lim.FileSize {
			continue
		}
		if lim.Files > 0 && read >= lim.Files {
			break
		}
		read++
		w, err := loadKeyFile(ctx, b, f.name, maxSize)
		if err != nil {
			return crypt.MasterKey{}, "", err
		}
		if w == nil {
			continue
		}
		if lim.KDF != (crypt.KDFParams{}) {
			if err := w.Params.Within(lim.KDF); err != nil {
				tooCostly = fmt.Errorf("key file %s: %w", f.name, err)
				continue
			}
		}
		checked++
		m, err := w.Unwrap(password)
		if err == nil {
			return m, f.name, nil
		}
		if !errors.Is(err, crypt.ErrWrongPassword) {
			return crypt.MasterKey{}, "", err
		}
	}
	return crypt.MasterKey{}, "", noKeyOpened(b.Location(), checked, tooCostly)
}

// loadKeyFile reads and parses one key file; nil (and no error) for one
// that is not a key file, which is passed over.
func loadKeyFile(ctx context.Context, b store.Backend, name string, maxSize int64) (*crypt.WrappedKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := store.Load(ctx, b, store.KindKey, name, maxSize)
	if err != nil {
		return nil, err
	}
	w, err := crypt.ParseWrappedKey(data)
	if err != nil {
		return nil, nil
	}
	return w, nil
}

// noKeyOpened is the error when no key file opened: a wrong password,
// unless key files were passed over for asking too much work.
func noKeyOpened(where string, checked int, tooCostly error) error {
	wrong := fmt.Errorf("the password does not unlock the archive at %s: %w", where, engine.ErrWrongPassword)
	switch {
	case tooCostly == nil:
		return wrong
	case checked == 0:
		return fmt.Errorf("no key file of the archive at %s could be tried: %w", where, tooCostly)
	default:
		return fmt.Errorf("%w; and %w", wrong, tooCostly)
	}
}
