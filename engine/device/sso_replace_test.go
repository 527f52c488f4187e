package device

import (
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// ssoOldComputer is ada's old laptop: signed in through single sign-on,
// its archive protected by an archive password, one backup made.
func ssoOldComputer(t *testing.T, sso *cairntest.SSO) (src string) {
	t.Helper()
	dir := t.TempDir()
	src = filepath.Join(dir, "ada")
	testtree.Write(t, src, map[string]testtree.Node{"Documents/thesis.tex": {Data: "chapter 1"}})
	old, err := Open(filepath.Join(dir, "home"), Options{UserHome: src})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { old.Close() })
	s, browser := ssoSignIn(sso, "ada")
	if _, err := old.AddServerDestinationWithKey(ctx, s, KeyOptions{Mode: KeyPassword}, password, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if err := browser(); err != nil {
		t.Fatal(err)
	}
	old.AddFiles(src)
	if r, err := old.Backup(ctx, "", BackupOptions{}); err != nil || len(r.Errors) > 0 {
		t.Fatalf("backup: %+v %v", r, err)
	}
	return src
}

// countingBrowser signs in as name in every browser opened, and counts
// the trips.
func countingBrowser(t *testing.T, sso *cairntest.SSO, name string, opened *atomic.Int32) func(string) error {
	return func(address string) error {
		opened.Add(1)
		go func() {
			if err := sso.SignInBrowser(address, name); err != nil {
				t.Errorf("the browser: %v", err)
			}
		}()
		return nil
	}
}

// The wizard's sign-in through single sign-on: one trip to the browser
// lists ada's computers and registers nothing; taking the old laptop over
// needs no second trip, not even when the archive password must be asked
// first (the wizard asks, then tries again).
func TestReplaceAComputerBySingleSignOn(t *testing.T) {
	sso := cairntest.SSOServer(t, cairntest.Options{})
	sso.AddPerson("ada")
	src := ssoOldComputer(t, sso)

	d := newComputer(t, filepath.Join(t.TempDir(), "new-home"))
	var opened atomic.Int32
	s := ServerSignIn{Name: "work", URL: sso.URL, Device: "new-laptop", Fingerprint: sso.Fingerprint, SSO: true,
		OpenBrowser: countingBrowser(t, sso, "ada", &opened)}
	devs, fp, err := d.AccountDevices(ctx, s)
	if err != nil || len(devs) != 1 || devs[0].Name != "laptop" || fp == "" {
		t.Fatalf("AccountDevices = %+v %q %v", devs, fp, err)
	}
	s.Fingerprint = fp
	askFirst := errors.New("ask the person first")
	_, err = d.AdoptServerDevice(ctx, s, devs[0].ID, func(string, bool) ([]byte, error) { return nil, askFirst }, crypt.TestKDF)
	if !errors.Is(err, askFirst) {
		t.Fatalf("the first try: %v", err)
	}
	if _, err := d.AdoptServerDevice(ctx, s, devs[0].ID, password, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if n := opened.Load(); n != 1 {
		t.Errorf("the browser was opened %d times", n)
	}
	dst := d.Config().Destinations[0]
	if dst.DeviceID != devs[0].ID || !dst.SSO || dst.DeviceName != "new-laptop" || d.Replacing() == nil {
		t.Errorf("destination %+v, replacing %+v", dst, d.Replacing())
	}
	to := t.TempDir()
	if r, err := d.Restore(ctx, "", restore.Options{Paths: []string{src}, To: to, View: index.View{At: index.Latest}}); err != nil || len(r.Errors) > 0 {
		t.Fatalf("restore: %v %v", err, r.Errors)
	}
	testtree.Equal(t, testtree.Snapshot(t, src), testtree.Snapshot(t, filepath.Join(to, "ada")), testtree.Options{IgnoreDirMTime: true})
	if _, ok := d.takeSession(sso.URL, "new-laptop"); ok {
		t.Error("the session is still kept after the adoption")
	}
	if all, err := d.Devices(ctx, "work"); err != nil || len(all) != 1 || all[0].Name != "new-laptop" {
		t.Errorf("the account's devices after the adoption (the sign-in registered none): %+v %v", all, err)
	}
}

// Without a browser the wizard's sign-in is a code typed on another
// device; a session that is gone (expired) means one more sign-in at the
// adoption, by the same way.
func TestReplaceBySingleSignOnWithoutABrowser(t *testing.T) {
	sso := cairntest.SSOServer(t, cairntest.Options{})
	sso.AddPerson("ada")
	ssoOldComputer(t, sso)

	d := newComputer(t, filepath.Join(t.TempDir(), "new-home"))
	var shown atomic.Int32
	s := ServerSignIn{Name: "work", URL: sso.URL, Device: "lab-pc", Fingerprint: sso.Fingerprint, SSO: true,
		OpenBrowser: func(string) error { return errors.New("no display") },
		ShowDeviceCode: func(c remote.DeviceCode) {
			shown.Add(1)
			go func() {
				if err := sso.ApproveDevice(c.VerificationURI, c.UserCode, "ada"); err != nil {
					t.Errorf("approve: %v", err)
				}
			}()
		}}
	devs, _, err := d.AccountDevices(ctx, s)
	if err != nil || len(devs) != 1 {
		t.Fatalf("AccountDevices = %+v %v", devs, err)
	}
	if _, ok := d.takeSession(sso.URL, "lab-pc"); !ok { // as if 10 minutes went by
		t.Fatal("no session kept")
	}
	if _, err := d.AdoptServerDevice(ctx, s, devs[0].ID, password, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if n := shown.Load(); n != 2 {
		t.Errorf("%d codes shown, want 2", n)
	}
	if dst := d.Config().Destinations[0]; dst.DeviceID != devs[0].ID || d.Replacing() == nil {
		t.Errorf("destination %+v", dst)
	}
}
