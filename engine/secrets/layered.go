package secrets

import (
	"errors"
	"fmt"
	"sync"
)

// layered is the keyring with private files behind it, for the secrets the
// keyring refuses. A secret lives in one place: storing it in the keyring
// removes its file.
type layered struct {
	primary  Store
	fallback Store

	mu      sync.Mutex
	refused error // the last refusal, for Description
}

func (l *layered) Description() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.refused != nil {
		return fmt.Sprintf("the system keyring, and a private file in Cairn's folder for what the keyring refused (%v)", l.refused)
	}
	return KindKeyring.Description()
}

func (l *layered) Get(name string) ([]byte, error) {
	b, err := l.primary.Get(name)
	if err == nil {
		return b, nil
	}
	b, ferr := l.fallback.Get(name)
	if ferr == nil {
		return b, nil
	}
	if errors.Is(err, ErrNotFound) {
		return nil, ferr
	}
	return nil, err // the keyring's failure says more than the file's absence
}

func (l *layered) Set(name string, secret []byte) error {
	err := l.primary.Set(name, secret)
	if err == nil {
		return l.fallback.Delete(name)
	}
	if ferr := l.fallback.Set(name, secret); ferr != nil {
		return fmt.Errorf("%w; nor could Cairn keep it in a private file: %w", err, ferr)
	}
	l.mu.Lock()
	l.refused = err
	l.mu.Unlock()
	return nil
}

func (l *layered) Delete(name string) error {
	return errors.Join(l.primary.Delete(name), l.fallback.Delete(name))
}
