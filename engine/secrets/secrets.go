package secrets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"
	"time"
)

// ErrNotFound means no secret has that name.
var ErrNotFound = errors.New("no such secret")

// Store keeps named secrets.
type Store interface {
	// Get returns the secret called name; ErrNotFound when there is none.
	Get(name string) ([]byte, error)
	// Set stores secret under name, replacing what was there.
	Set(name string, secret []byte) error
	// Delete forgets name; deleting a missing secret is not an error.
	Delete(name string) error
}

// Kind says where a Store keeps secrets.
type Kind int

// Kinds of store.
const (
	KindKeyring Kind = iota + 1 // the operating system's keyring
	KindFolder                  // private files in Cairn's folder
)

// Description says in words where secrets are kept, for the app to show.
func (k Kind) Description() string {
	switch k {
	case KindKeyring:
		return "the system keyring"
	case KindFolder:
		return "a private file in Cairn's folder, because this computer has no keyring service"
	}
	return "an unknown place"
}

// FolderName is the folder inside the Cairn home where secrets are kept when
// there is no keyring (and those the keyring refused).
const FolderName = "secrets"

// ProbeTimeout bounds how long Open waits for the keyring to answer: a
// Secret Service that hangs (a locked keyring waiting for a prompt nobody
// sees, a broken D-Bus) must not stop Cairn from starting.
const ProbeTimeout = 5 * time.Second

// Open returns the store for the Cairn home folder home: the system keyring
// when it answers, else private files in home/secrets. With the keyring,
// secrets it refuses to store go to those files too (and are read back from
// them), so a keyring that fails now and then loses nothing.
func Open(home string) (Store, Kind) {
	folder := Folder(filepath.Join(home, FolderName))
	kr := Keyring(ServiceName(home))
	if !kr.Available(ProbeTimeout) {
		return folder, KindFolder
	}
	return &layered{primary: kr, fallback: folder}, KindKeyring
}

// ServiceName is the keyring service under which the secrets of the Cairn
// home home are kept: "Cairn" and the first 8 bytes of the SHA-256 of the
// home's absolute path, so two Cairn homes on one computer (two people's, or
// a test's) never see each other's secrets. Moving the home folder thus
// leaves its secrets behind: add the destinations again after a move.
func ServiceName(home string) string {
	abs, err := filepath.Abs(home)
	if err != nil {
		abs = home
	}
	sum := sha256.Sum256([]byte(filepath.Clean(abs)))
	return "Cairn " + hex.EncodeToString(sum[:8])
}

// Describe says in words where s keeps secrets.
func Describe(s Store) string {
	if d, ok := s.(interface{ Description() string }); ok {
		return d.Description()
	}
	return "the secrets store Cairn was given"
}
