package secrets

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// folderStore keeps each secret in its own file, mode 0600, in a folder of
// mode 0700. Writes are atomic: a crash leaves the old secret or the new one.
type folderStore struct{ dir string }

// Folder returns a store of private files in dir (created when first needed).
func Folder(dir string) Store { return &folderStore{dir: dir} }

// Description implements Describe.
func (f *folderStore) Description() string { return KindFolder.Description() }

// path is the file of a secret: the name in unpadded base64url, so that any
// name is a safe file name (never "..", never a separator).
func (f *folderStore) path(name string) string {
	return filepath.Join(f.dir, base64.RawURLEncoding.EncodeToString([]byte(name))+".secret")
}

func (f *folderStore) Get(name string) ([]byte, error) {
	b, err := os.ReadFile(f.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("secret %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read the secret %q from %s: %w", name, f.dir, err)
	}
	return b, nil
}

func (f *folderStore) Set(name string, secret []byte) error {
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		return fmt.Errorf("make the private folder %s: %w", f.dir, err)
	}
	if err := os.Chmod(f.dir, 0o700); err != nil {
		return fmt.Errorf("make %s private: %w", f.dir, err)
	}
	if err := writeAtomic(f.path(name), secret); err != nil {
		return fmt.Errorf("store the secret %q in %s: %w", name, f.dir, err)
	}
	return nil
}

func (f *folderStore) Delete(name string) error {
	err := os.Remove(f.path(name))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("forget the secret %q: %w", name, err)
	}
	return nil
}

// writeAtomic writes data to a temporary file of mode 0600 beside path,
// syncs it and renames it into place.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
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
