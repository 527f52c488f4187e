package secrets

import (
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// KeyringStore keeps secrets in the operating system's keyring under one
// service name, base64-encoded (keyrings store text).
type KeyringStore struct{ service string }

// Keyring returns the keyring store for service (see ServiceName).
func Keyring(service string) *KeyringStore { return &KeyringStore{service: service} }

// Description implements Describe.
func (k *KeyringStore) Description() string { return KindKeyring.Description() }

// probeName is a secret nobody stores: asking for it tells whether a keyring
// answers without changing anything.
const probeName = "cairn-probe"

// Available reports whether a keyring answers within timeout.
func (k *KeyringStore) Available(timeout time.Duration) bool {
	done := make(chan error, 1)
	go func() {
		_, err := keyring.Get(k.service, probeName)
		done <- err
	}()
	select {
	case err := <-done:
		return err == nil || errors.Is(err, keyring.ErrNotFound)
	case <-time.After(timeout):
		return false // the goroutine ends when the keyring answers, or with the process
	}
}

func (k *KeyringStore) Get(name string) ([]byte, error) {
	s, err := keyring.Get(k.service, name)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, fmt.Errorf("secret %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("the keyring did not give the secret %q: %w", name, err)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("the keyring's secret %q is damaged (not base64)", name)
	}
	return b, nil
}

func (k *KeyringStore) Set(name string, secret []byte) error {
	if err := keyring.Set(k.service, name, base64.StdEncoding.EncodeToString(secret)); err != nil {
		return fmt.Errorf("the keyring refused to store the secret %q: %w", name, err)
	}
	return nil
}

func (k *KeyringStore) Delete(name string) error {
	err := keyring.Delete(k.service, name)
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("the keyring did not forget the secret %q: %w", name, err)
	}
	return nil
}
