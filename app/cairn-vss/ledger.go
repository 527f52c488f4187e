package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// fileLedger keeps the live shadow copies' IDs in a JSON file (a list of
// strings). Its folder must be one only the system and administrators
// can change (stateDir checks so on Windows): the service deletes what
// the file names at its start.
type fileLedger struct{ path string }

func (l fileLedger) Load() ([]string, error) {
	b, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []string
	if err := json.Unmarshal(b, &ids); err != nil {
		return nil, fmt.Errorf("%s: %w", l.path, err)
	}
	return ids, nil
}

// Save replaces the file whole (a new file renamed over it), so a crash
// leaves the old list or the new one.
func (l fileLedger) Save(ids []string) error {
	ids = append([]string{}, ids...)
	sort.Strings(ids)
	b, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(l.path), ".snapshots-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), l.path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// memLedger keeps the IDs in memory only: the service uses it when its
// state folder cannot be trusted, and then deletes what it made only while
// it runs.
type memLedger struct{}

func (memLedger) Load() ([]string, error) { return nil, nil }
func (memLedger) Save([]string) error     { return nil }
