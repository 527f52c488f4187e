package device

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/secrets"
)

// encodings are the forms a secret could take in a text file.
func encodings(b []byte) [][]byte {
	return [][]byte{b, []byte(hex.EncodeToString(b)), []byte(base64.StdEncoding.EncodeToString(b)),
		[]byte(base64.RawURLEncoding.EncodeToString(b))}
}

// config.json never holds a key, a token or a password.
func TestNoSecretInTheConfiguration(t *testing.T) {
	o := startOrgServer(t, true)
	f := newFixture(t) // a folder destination "drive"
	k := KeyOptions{Mode: KeyCustom, Escrow: true, ShowCustomKey: func(string) error { return nil }}
	if _, err := f.d.AddServerDestinationWithKey(ctx, o.signIn(), k, neverAsked(t), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	conf, err := os.ReadFile(filepath.Join(f.home, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	var secret [][]byte
	for _, dst := range f.d.Config().Destinations {
		for _, name := range []string{archiveKeyName(dst.ArchiveID), customKeyName(dst.ArchiveID), tokenName(dst.Name)} {
			if b, err := f.d.secrets.Get(name); err == nil {
				secret = append(secret, encodings(b)...)
			}
		}
	}
	if len(secret) != 4*4 { // two archive keys, a custom key, a token
		t.Fatalf("found %d encodings of secrets, want 16", len(secret))
	}
	secret = append(secret, []byte("account password"), []byte("correct horse battery"))
	for _, s := range secret {
		if bytes.Contains(conf, s) {
			t.Errorf("config.json holds the secret %q", s)
		}
	}
}

// A home from before the keyring: its key files move into the store.
func TestOldKeyFilesMoveIntoTheStore(t *testing.T) {
	f := newFixture(t)
	id := f.d.Config().Destinations[0].ArchiveID
	master, _ := f.d.secrets.Get(archiveKeyName(id))
	f.d.secrets.Delete(archiveKeyName(id))
	f.d.Close()
	old := filepath.Join(f.home, "keys")
	os.MkdirAll(old, 0o700)
	os.WriteFile(filepath.Join(old, id+".key"), master, 0o600)
	os.WriteFile(filepath.Join(old, "server-work.token"), []byte("t0ken\n"), 0o600)
	f.open()
	if got, err := f.d.secrets.Get(archiveKeyName(id)); err != nil || !bytes.Equal(got, master) {
		t.Fatalf("archive key %x %v", got, err)
	}
	if got, err := f.d.secrets.Get(tokenName("work")); err != nil || string(got) != "t0ken" {
		t.Fatalf("token %q %v", got, err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Fatalf("the old key folder stayed: %v", err)
	}
	writeFile(t, f)
	f.backup() // the key works from its new place
}

func writeFile(t *testing.T, f *fixture) {
	t.Helper()
	if err := os.WriteFile(f.path("a.txt"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRemovingADestinationForgetsItsSecrets(t *testing.T) {
	o := startOrgServer(t, false)
	d := openHome(t, t.TempDir())
	if _, err := d.AddServerDestinationWithKey(ctx, o.signIn(), KeyOptions{}, neverAsked(t), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	id := d.Config().Destinations[0].ArchiveID
	if err := d.RemoveDestination("work"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{archiveKeyName(id), tokenName("work")} {
		if _, err := d.secrets.Get(name); !errors.Is(err, secrets.ErrNotFound) {
			t.Errorf("%s stayed: %v", name, err)
		}
	}
}

func TestSecretsGoWhereTheDeviceIsTold(t *testing.T) {
	store := secrets.Folder(filepath.Join(t.TempDir(), "given"))
	home := filepath.Join(t.TempDir(), "home")
	d, err := Open(home, Options{UserHome: t.TempDir(), Secrets: store})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.AddFolderDestination(ctx, "usb", filepath.Join(t.TempDir(), "usb"), password, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(archiveKeyName(d.Config().Destinations[0].ArchiveID)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(home, secrets.FolderName)); !os.IsNotExist(err) {
		t.Fatal("a secret went to the home folder")
	}
}

// With a real Secret Service (make test runs one), the keys are in it and
// nowhere in Cairn's folder.
func TestTheKeyringHoldsTheKeys(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	if _, kind := secrets.Open(home); kind != secrets.KindKeyring {
		if os.Getenv("CAIRN_TEST_KEYRING") == "1" {
			t.Fatal("CAIRN_TEST_KEYRING=1 but no Secret Service answers")
		}
		t.Skip("no keyring here (CAIRN_TEST_KEYRING=1 makes this a failure)")
	}
	d, err := Open(home, Options{UserHome: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.AddFolderDestination(ctx, "usb", filepath.Join(t.TempDir(), "usb"), password, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	id := d.Config().Destinations[0].ArchiveID
	if _, err := secrets.Keyring(secrets.ServiceName(home)).Get(archiveKeyName(id)); err != nil {
		t.Fatalf("not in the keyring: %v", err)
	}
	if d.SecretsDescription() != "the system keyring" {
		t.Fatalf("description %q", d.SecretsDescription())
	}
	if _, err := os.Stat(filepath.Join(home, secrets.FolderName)); !os.IsNotExist(err) {
		t.Fatal("a secret went to a file too")
	}
	if err := d.RemoveDestination("usb"); err != nil {
		t.Fatal(err)
	}
	if _, err := secrets.Keyring(secrets.ServiceName(home)).Get(archiveKeyName(id)); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("the keyring kept the key of a removed destination: %v", err)
	}
}
