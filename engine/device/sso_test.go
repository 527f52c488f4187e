package device

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// ssoSignIn is a ServerSignIn through single sign-on where the person
// signs in as name in the browser the loopback flow opens; wait reports
// how the browser's sign-in went.
func ssoSignIn(sso *cairntest.SSO, name string) (s ServerSignIn, wait func() error) {
	done := make(chan error, 1)
	s = ServerSignIn{Name: "work", URL: sso.URL, Device: "laptop", Fingerprint: sso.Fingerprint, SSO: true,
		OpenBrowser: func(address string) error {
			go func() { done <- sso.SignInBrowser(address, name) }()
			return nil
		}}
	return s, func() error { return <-done }
}

// A person adds a server by their organisation's sign-in in the browser,
// backs up, and later restores on a second computer without a browser
// (the device flow) under the same device name, with the archive
// password: no account password anywhere.
func TestAddAServerBySingleSignOnBackUpAndRestore(t *testing.T) {
	sso := cairntest.SSOServer(t, cairntest.Options{})
	sso.AddPerson("ada")
	dir := t.TempDir()
	src := filepath.Join(dir, "ada")
	testtree.Write(t, src, map[string]testtree.Node{"Documents/thesis.tex": {Data: "chapter 1"}, "big.bin": {Random: 300 << 10}})
	d, err := Open(filepath.Join(dir, "home"), Options{UserHome: src})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s, browser := ssoSignIn(sso, "ada")
	res, err := d.AddServerDestinationWithKey(ctx, s, KeyOptions{Mode: KeyPassword}, password, crypt.TestKDF)
	if err != nil || !res.Created {
		t.Fatalf("add by single sign-on: %+v %v", res, err)
	}
	if err := browser(); err != nil {
		t.Fatal(err)
	}
	c := d.Config()
	dst, _ := c.Destination("work")
	if !dst.SSO || dst.User != "ada" || dst.KeyMode != string(KeyPassword) {
		t.Errorf("destination %+v", dst)
	}
	d.AddFiles(src)
	if r, err := d.Backup(ctx, "", BackupOptions{}); err != nil || len(r.Errors) > 0 {
		t.Fatalf("backup: %+v %v", r, err)
	}

	d2, err := Open(filepath.Join(dir, "home2"), Options{UserHome: filepath.Join(dir, "elsewhere")})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	approved := make(chan error, 1)
	s2 := ServerSignIn{Name: "work", URL: sso.URL, Device: "laptop", Fingerprint: sso.Fingerprint, SSO: true,
		ShowDeviceCode: func(c remote.DeviceCode) {
			go func() { approved <- sso.ApproveDevice(c.VerificationURI, c.UserCode, "ada") }()
		}}
	if res, err := d2.AddServerDestinationWithKey(ctx, s2, KeyOptions{Mode: KeyPassword}, password, crypt.TestKDF); err != nil || res.Created {
		t.Fatalf("the second computer: %+v %v", res, err)
	}
	if err := <-approved; err != nil {
		t.Fatal(err)
	}
	c2 := d2.Config()
	if dst2, _ := c2.Destination("work"); dst2.User != "ada" {
		t.Errorf("after the device flow the destination names account %q, want ada", dst2.User)
	}
	to := t.TempDir()
	if r, err := d2.Restore(ctx, "", restore.Options{Paths: []string{src}, To: to, View: index.View{At: index.Latest}}); err != nil || len(r.Errors) > 0 {
		t.Fatalf("restore: %v %v", err, r.Errors)
	}
	testtree.Equal(t, testtree.Snapshot(t, src), testtree.Snapshot(t, filepath.Join(to, "ada")), testtree.Options{IgnoreDirMTime: true})
}

// A browser that cannot be opened leads to the device flow; with SSO the
// account password cannot protect the archive key, and that is said
// before anything happens.
func TestSingleSignOnWithoutABrowserAndWithoutAnAccountPassword(t *testing.T) {
	sso := cairntest.SSOServer(t, cairntest.Options{})
	sso.AddPerson("bo")
	d, err := Open(filepath.Join(t.TempDir(), "home"), Options{UserHome: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s := ServerSignIn{Name: "work", URL: sso.URL, Fingerprint: sso.Fingerprint, SSO: true}
	if m, fp, err := d.ServerMethods(ctx, s); err != nil || !m.SSO || m.SSOLabel != cairntest.SSOLabel || fp == "" {
		t.Fatalf("ServerMethods = %+v %q %v", m, fp, err)
	}
	if _, err := d.AddServerDestinationWithKey(ctx, s, KeyOptions{Mode: KeyAccount}, password, crypt.TestKDF); !errors.Is(err, ErrSSOAccountKey) {
		t.Fatalf("key option account with SSO: %v", err)
	}
	if _, err := d.AddServerDestinationWithKey(ctx, s, KeyOptions{}, password, crypt.TestKDF); err == nil {
		t.Fatal("signed in with neither a browser nor a way to show a code")
	}
	approved := make(chan error, 1)
	opened := 0
	s.OpenBrowser = func(string) error { opened++; return errors.New("no display") }
	s.ShowDeviceCode = func(c remote.DeviceCode) {
		go func() { approved <- sso.ApproveDevice(c.VerificationURI, c.UserCode, "bo") }()
	}
	if _, err := d.AddServerDestinationWithKey(ctx, s, KeyOptions{}, password, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if err := <-approved; err != nil || opened != 1 {
		t.Fatalf("approval %v, browser tried %d times", err, opened)
	}
	if c := d.Config(); !c.Destinations[0].SSO || c.Destinations[0].KeyMode != string(KeyPassword) {
		t.Errorf("destination %+v", c.Destinations[0])
	}
}
