package device

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/kek"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// kekServer is the real server with organisation-held keys: its KEK file
// and its records, for a rotation.
type kekServer struct {
	url, fp, kekPath string
	rec              records.Store
}

func startKEKServer(t *testing.T) *kekServer {
	t.Helper()
	k := &kekServer{kekPath: filepath.Join(t.TempDir(), "kek")}
	if err := kek.Generate(k.kekPath); err != nil {
		t.Fatal(err)
	}
	ring, err := kek.Load(k.kekPath)
	if err != nil {
		t.Fatal(err)
	}
	k.url, k.fp = cairntest.Server(t, cairntest.Options{Configure: func(o *server.Options) {
		o.KEK, k.rec = ring, o.Vault.Records()
	}})
	return k
}

// rotate is 'cairn-server keys rotate': a new KEK, everything re-wrapped,
// the old key dropped from the file.
func (k *kekServer) rotate(t *testing.T) {
	t.Helper()
	if _, err := kek.Rotate(k.kekPath); err != nil {
		t.Fatal(err)
	}
	ring, _ := kek.Load(k.kekPath)
	if n, err := server.RewrapOrgKeys(ctx, k.rec, ring, time.Now); err != nil || n == 0 {
		t.Fatalf("re-wrapped %d: %v", n, err)
	}
	b, _ := os.ReadFile(k.kekPath)
	first, _, _ := cutLine(b)
	os.WriteFile(k.kekPath, first, 0o600)
}

func cutLine(b []byte) ([]byte, []byte, bool) {
	for i, c := range b {
		if c == '\n' {
			return b[:i+1], b[i+1:], true
		}
	}
	return b, nil, false
}

func (k *kekServer) signIn(name, device string) ServerSignIn {
	return ServerSignIn{Name: name, URL: k.url, User: "ana", Device: device, Fingerprint: k.fp,
		Password: func() ([]byte, error) { return []byte(cairntest.AccountPassword), nil }}
}

// The organisation keeps the key: computer A backs up with nothing to
// remember; computer B, signed in as the same person, takes A over and
// restores its files without any archive password; after the KEK is
// rotated, B still backs up and a third computer still gets in.
func TestOrganisationHeldKeyEndToEnd(t *testing.T) {
	k := startKEKServer(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "ana")
	testtree.Write(t, src, map[string]testtree.Node{"thesis.tex": {Data: "chapter one"}, "data/a.csv": {Data: "1,2"}})
	a := openHome(t, src)
	org := KeyOptions{Mode: KeyOrganisation}
	if _, err := a.AddServerDestinationWithKey(ctx, k.signIn("work", "laptop"), org, neverAsked(t), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	dst := a.Config().Destinations[0]
	if dst.KeyMode != string(KeyOrganisation) {
		t.Errorf("key mode %q", dst.KeyMode)
	}
	if kept, err := a.secrets.Get(customKeyName(dst.ArchiveID)); err != nil || len(kept) != 52 {
		t.Errorf("the key is not in the keyring: %d bytes, %v", len(kept), err)
	}
	a.AddFiles(src)
	if _, err := a.Backup(ctx, "", BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	assertAccountPasswordDoesNotOpen(t, k, dst.DeviceID)

	b := openHome(t, filepath.Join(dir, "new-home"))
	devs, _, err := b.AccountDevices(ctx, k.signIn("work", "desktop"))
	if err != nil || len(devs) != 2 || devs[0].Name != "laptop" {
		t.Fatalf("%+v %v", devs, err) // laptop, and the probe's sign-in
	}
	_, err = b.AdoptServerDevice(ctx, k.signIn("work", "desktop"), devs[0].ID, neverAsked(t), crypt.TestKDF)
	if err != nil {
		t.Fatal(err)
	}
	if m := b.Config().Destinations[0].KeyMode; m != string(KeyOrganisation) {
		t.Errorf("adopted with key mode %q", m)
	}
	out := filepath.Join(dir, "restored")
	thesis := filepath.ToSlash(filepath.Join(src, "thesis.tex"))
	if _, err := b.Restore(ctx, "", restore.Options{Paths: []string{thesis}, View: index.View{At: index.Latest}, To: out}); err != nil {
		t.Fatal(err)
	}
	assertRestored(t, out, "chapter one")

	k.rotate(t)
	os.WriteFile(filepath.Join(src, "late.txt"), []byte("after the rotation"), 0o644)
	b.AddFiles(src)
	if err := b.FinishReplace(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Backup(ctx, "", BackupOptions{}); err != nil {
		t.Fatalf("backing up after the rotation: %v", err)
	}
	c := openHome(t, filepath.Join(dir, "third-home"))
	if _, err := c.AdoptServerDevice(ctx, k.signIn("work", "tablet"), devs[0].ID, neverAsked(t), crypt.TestKDF); err != nil {
		t.Fatalf("a computer after the rotation: %v", err)
	}
}

// assertAccountPasswordDoesNotOpen: the archive is protected by the
// organisation's key, not by the account password.
func assertAccountPasswordDoesNotOpen(t *testing.T, k *kekServer, device string) {
	t.Helper()
	acct, err := remote.SignIn(ctx, k.url, k.fp, "ana", cairntest.AccountPassword, "probe", "linux")
	if err != nil {
		t.Fatal(err)
	}
	b, err := remote.Open(remote.Config{URL: k.url, DeviceID: device, Token: acct.Token, Fingerprint: k.fp, Spool: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := repo.Unlock(ctx, b, []byte(cairntest.AccountPassword)); !errors.Is(err, engine.ErrWrongPassword) {
		t.Errorf("the account password: %v", err)
	}
	secret, err := b.OrgKey(ctx, device) // another device of the same person reads it
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Unlock(ctx, b, secret); err != nil {
		t.Errorf("the organisation's key does not open the archive: %v", err)
	}
}

func assertRestored(t *testing.T, dir, want string) {
	t.Helper()
	found := false
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && filepath.Base(p) == "thesis.tex" {
			b, _ := os.ReadFile(p)
			found = string(b) == want
		}
		return nil
	})
	if !found {
		t.Errorf("thesis.tex with %q is not under %s", want, dir)
	}
}

// A server that does not offer organisation-held keys says so, and no
// destination and no archive are made.
func TestOrganisationKeyRefusedByAServerWithoutIt(t *testing.T) {
	url, fp := serverAt(t, nil)
	d := openHome(t, t.TempDir())
	s := ServerSignIn{Name: "work", URL: url, User: "ana", Device: "laptop", Fingerprint: fp,
		Password: func() ([]byte, error) { return []byte(cairntest.AccountPassword), nil }}
	_, err := d.AddServerDestinationWithKey(ctx, s, KeyOptions{Mode: KeyOrganisation}, neverAsked(t), crypt.TestKDF)
	if !errors.Is(err, remote.ErrOrgKeysNotOffered) {
		t.Fatalf("%v", err)
	}
	if len(d.Config().Destinations) != 0 {
		t.Error("a destination was added")
	}
}
