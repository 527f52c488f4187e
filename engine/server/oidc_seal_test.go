package server

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/cairnbackup/cairn/engine/server/kek"
)

func TestRefreshTokensAreSealedToTheirAccount(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "oidc-refresh.key")
	fromFile, err := LoadRefreshKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(keyFile); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Fatalf("key file: %v %v", fi.Mode(), err)
	}
	again, err := LoadRefreshKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	kekFile := filepath.Join(dir, "kek")
	if err := kek.Generate(kekFile); err != nil {
		t.Fatal(err)
	}
	ring, err := kek.Load(kekFile)
	if err != nil {
		t.Fatal(err)
	}
	for name, pair := range map[string][2]RefreshSealer{"key file": {fromFile, again}, "kek": {KEKSealer(ring), KEKSealer(ring)}} {
		sealed, err := pair[0].Seal([]byte("the-refresh-token"), "https://idp ada")
		if err != nil || bytes.Contains(sealed, []byte("refresh")) {
			t.Fatalf("%s: seal: %v", name, err)
		}
		if plain, err := pair[1].Open(sealed, "https://idp ada"); err != nil || string(plain) != "the-refresh-token" {
			t.Errorf("%s: open after a restart: %q %v", name, plain, err)
		}
		if _, err := pair[1].Open(sealed, "https://idp bob"); err == nil {
			t.Errorf("%s: ada's token opened as bob's", name)
		}
		sealed[len(sealed)-1] ^= 1
		if _, err := pair[1].Open(sealed, "https://idp ada"); err == nil {
			t.Errorf("%s: a changed token opened", name)
		}
	}
	other, _ := LoadRefreshKey(filepath.Join(dir, "other.key"))
	sealed, _ := fromFile.Seal([]byte("t"), "a")
	if _, err := other.Open(sealed, "a"); err == nil {
		t.Error("another key opened the token")
	}
}
