package device

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// orgServer is a real server in this process with the accounts ana and bo
// ("account password" and "bo's password"); withEscrow makes its escrow key.
type orgServer struct {
	url, fp string
	data    *server.Data
	escrow  [32]byte // the private key, when made
}

func startOrgServer(t *testing.T, withEscrow bool) *orgServer {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	data, err := server.OpenData(context.Background(), t.TempDir(), nil, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { data.Close() })
	for user, pw := range map[string]string{"ana": "account password", "bo": "bo's password"} {
		h, _ := passhash.Hash([]byte(pw), passhash.Test)
		if _, err := data.Records.AddUser(ctx, records.User{Name: user, PasswordHash: h, Quota: 1 << 30, MaxDevices: 4}); err != nil {
			t.Fatal(err)
		}
	}
	o := &orgServer{data: data}
	if withEscrow {
		if _, o.escrow, err = server.InitEscrow(ctx, data.Records, false); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := server.New(server.Options{Vault: data.Vault, Logger: logger, HashParams: passhash.Test})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(srv.Handler())
	t.Cleanup(ts.Close)
	o.url, o.fp = ts.URL, remote.Fingerprint(ts.Certificate().Raw)
	return o
}

// signIn is ana's sign-in from the computer "laptop".
func (o *orgServer) signIn() ServerSignIn {
	return ServerSignIn{Name: "work", URL: o.url, User: "ana", Device: "laptop", Fingerprint: o.fp,
		Password: func() ([]byte, error) { return []byte("account password"), nil }}
}

func openHome(t *testing.T, src string) *Device {
	t.Helper()
	d, err := Open(filepath.Join(t.TempDir(), "home"), Options{UserHome: src})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func fixed(pw string) PasswordFunc {
	return func(string, bool) ([]byte, error) { return []byte(pw), nil }
}

func neverAsked(t *testing.T) PasswordFunc {
	return func(prompt string, _ bool) ([]byte, error) {
		t.Errorf("asked %q", prompt)
		return nil, errors.New("not to be asked")
	}
}

// The whole escrow story: a person who chose escrow forgets their archive
// password; the administrator recovers the key with the offline private
// key and a temporary password; on a new computer the person unlocks with
// it, gets every file back and sets a password of their own.
func TestEscrowRecoversAForgottenPassword(t *testing.T) {
	o := startOrgServer(t, true)
	src := filepath.Join(t.TempDir(), "ana")
	testtree.Write(t, src, map[string]testtree.Node{
		"Documents/report.txt": {Data: "quarterly report"},
		"Photos/big.bin":       {Data: string(testtree.RandomBytes("big", 3<<20))},
	})
	want := testtree.Snapshot(t, src)
	old := openHome(t, src)
	if _, err := old.AddServerDestinationWithKey(ctx, o.signIn(), KeyOptions{Mode: KeyPassword, Escrow: true}, fixed("a password ana forgets"), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if c := old.Config(); c.Destinations[0].KeyMode != "password" || !c.Destinations[0].Escrowed {
		t.Fatalf("the key choice is not kept: %+v", c.Destinations[0])
	}
	old.AddFiles(src)
	if _, err := old.Backup(ctx, "", BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	pub, _ := remote.EscrowPublic(o.escrow)
	if st, err := old.Escrowed(ctx, "work"); err != nil || st.KeyFingerprint != pub.Fingerprint() {
		t.Fatalf("escrow status %+v %v", st, err)
	}

	rec, err := server.RecoverEscrow(ctx, o.data, "ana", "laptop", o.escrow, []byte("temporary 123"), crypt.TestKDF)
	if err != nil {
		t.Fatal(err)
	}
	if rec.ArchiveID != old.Config().Destinations[0].ArchiveID {
		t.Fatalf("recovered archive %s", rec.ArchiveID)
	}

	fresh := openHome(t, src)
	if _, err := fresh.AddServerDestinationWithKey(ctx, o.signIn(), KeyOptions{Mode: KeyPassword}, fixed("temporary 123"), crypt.TestKDF); err != nil {
		t.Fatalf("unlock with the temporary password: %v", err)
	}
	to := filepath.Join(t.TempDir(), "restored")
	if res, err := fresh.Restore(ctx, "", restore.Options{Paths: []string{src}, To: to, View: index.View{At: index.Latest}}); err != nil || len(res.Errors) > 0 {
		t.Fatalf("restore: %v %v", err, res.Errors)
	}
	testtree.Equal(t, want, testtree.Snapshot(t, filepath.Join(to, "ana")), testtree.Options{})
	if err := fresh.ChangePassword(ctx, "work", []byte("temporary 123"), []byte("ana's own again"), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	r, _, _ := fresh.repo(ctx, "work")
	if _, err := repo.Unlock(ctx, r.Backend(), []byte("temporary 123")); !errors.Is(err, engine.ErrWrongPassword) {
		t.Fatalf("the temporary password still opens the archive: %v", err)
	}
}

func TestNoEscrowUnlessChosen(t *testing.T) {
	o := startOrgServer(t, true)
	d := openHome(t, t.TempDir())
	if _, err := d.AddServerDestinationWithKey(ctx, o.signIn(), KeyOptions{Mode: KeyPassword}, fixed("archive pw"), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if _, err := o.data.Records.Escrow(ctx, d.Config().Destinations[0].DeviceID); !errors.Is(err, records.ErrNotFound) {
		t.Fatalf("escrowed without being asked: %v", err)
	}
	if _, err := d.Escrowed(ctx, "work"); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("status: %v", err)
	}
	if _, err := server.RecoverEscrow(ctx, o.data, "ana", "laptop", o.escrow, []byte("temporary 123"), crypt.TestKDF); err == nil || !strings.Contains(err.Error(), "did not choose escrow") {
		t.Fatalf("recovery without escrow: %v", err)
	}
}

func TestEscrowIsRefusedWhereItCannotBeTrusted(t *testing.T) {
	none := startOrgServer(t, false)
	d := openHome(t, t.TempDir())
	_, err := d.AddServerDestinationWithKey(ctx, none.signIn(), KeyOptions{Escrow: true}, neverAsked(t), crypt.TestKDF)
	if err == nil || !strings.Contains(err.Error(), "offers no key escrow") || len(d.Config().Destinations) != 0 {
		t.Fatalf("a server without escrow: %v", err)
	}
	o := startOrgServer(t, true)
	_, err = d.AddServerDestinationWithKey(ctx, o.signIn(), KeyOptions{Escrow: true, EscrowFingerprint: strings.Repeat("ab", 32)}, neverAsked(t), crypt.TestKDF)
	if err == nil || !strings.Contains(err.Error(), "not "+strings.Repeat("ab", 32)) || len(d.Config().Destinations) != 0 {
		t.Fatalf("another escrow key than the published one: %v", err)
	}
	pub, _ := remote.EscrowPublic(o.escrow)
	if _, err := d.AddServerDestinationWithKey(ctx, o.signIn(), KeyOptions{Escrow: true, EscrowFingerprint: pub.Fingerprint()}, neverAsked(t), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
}

// Account mode: one password; the archive opens with it on another computer.
func TestAccountPasswordProtectsTheArchive(t *testing.T) {
	o := startOrgServer(t, false)
	d := openHome(t, t.TempDir())
	res, err := d.AddServerDestinationWithKey(ctx, o.signIn(), KeyOptions{}, neverAsked(t), crypt.TestKDF)
	if err != nil || !res.Created {
		t.Fatalf("%+v %v", res, err)
	}
	r, _, _ := d.repo(ctx, "work")
	if _, err := repo.Unlock(ctx, r.Backend(), []byte("account password")); err != nil {
		t.Fatalf("the account password does not open the archive: %v", err)
	}
	other := openHome(t, t.TempDir())
	if res, err := other.AddServerDestinationWithKey(ctx, o.signIn(), KeyOptions{Mode: KeyAccount}, neverAsked(t), crypt.TestKDF); err != nil || res.Created {
		t.Fatalf("attach with the account password: %+v %v", res, err)
	}
}

func TestAccountModeSaysWhenTheArchiveHasItsOwnPassword(t *testing.T) {
	o := startOrgServer(t, false)
	d := openHome(t, t.TempDir())
	if _, err := d.AddServerDestinationWithKey(ctx, o.signIn(), KeyOptions{Mode: KeyPassword}, fixed("separate"), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	other := openHome(t, t.TempDir())
	_, err := other.AddServerDestinationWithKey(ctx, o.signIn(), KeyOptions{Mode: KeyAccount}, neverAsked(t), crypt.TestKDF)
	if !errors.Is(err, engine.ErrWrongPassword) || !strings.Contains(err.Error(), "your account password does not open") {
		t.Fatalf("%v", err)
	}
}

var customKeyForm = regexp.MustCompile(`^([A-Z2-7]{4}-){12}[A-Z2-7]{4}$`)

func TestCustomKeyIsShownOnceAndOpensTheArchive(t *testing.T) {
	o := startOrgServer(t, false)
	d := openHome(t, t.TempDir())
	var shown []string
	k := KeyOptions{Mode: KeyCustom, ShowCustomKey: func(key string) error { shown = append(shown, key); return nil }}
	if _, err := d.AddServerDestinationWithKey(ctx, o.signIn(), k, neverAsked(t), crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if len(shown) != 1 || !customKeyForm.MatchString(shown[0]) {
		t.Fatalf("shown %q", shown)
	}
	id := d.Config().Destinations[0].ArchiveID
	if kept, err := d.secrets.Get(customKeyName(id)); err != nil || string(kept) != strings.ReplaceAll(shown[0], "-", "") {
		t.Fatalf("kept %q %v", kept, err)
	}
	other := openHome(t, t.TempDir())
	if _, err := other.AddServerDestinationWithKey(ctx, o.signIn(), k, fixed("not a key"), crypt.TestKDF); err == nil || !strings.Contains(err.Error(), "not a Cairn archive key") {
		t.Fatalf("garbage key: %v", err)
	}
	typed := strings.ToLower(strings.ReplaceAll(shown[0], "-", " "))
	if _, err := other.AddServerDestinationWithKey(ctx, o.signIn(), k, fixed(typed), crypt.TestKDF); err != nil {
		t.Fatalf("the key typed in lower case with spaces: %v", err)
	}
	if len(shown) != 1 {
		t.Fatal("the key was shown again")
	}
}

func TestCustomKeyWithoutAWayToShowItIsRefused(t *testing.T) {
	d := openHome(t, t.TempDir())
	if _, err := d.AddServerDestinationWithKey(ctx, ServerSignIn{}, KeyOptions{Mode: KeyCustom}, neverAsked(t), crypt.TestKDF); err == nil {
		t.Fatal("accepted")
	}
	if _, err := ParseKeyMode("secret"); err == nil {
		t.Fatal("an unknown mode was accepted")
	}
}
