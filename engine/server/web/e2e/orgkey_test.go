package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/secrets"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/kek"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/web"
	"github.com/cairnbackup/cairn/engine/server/webarchive"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// newOrgKeySite is newLimitsSite with organisation-held keys: a KEK file,
// given to the API and, as cairn-server serve does, to the pages.
func newOrgKeySite(t *testing.T, archives webarchive.PoolOptions) *limitsSite {
	t.Helper()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "kek")
	if err := kek.Generate(path); err != nil {
		t.Fatal(err)
	}
	ring, err := kek.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	data, err := server.OpenData(ctx, t.TempDir(), nil, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { data.Close() })
	for _, name := range []string{"ana", "bob"} {
		h, _ := passhash.Hash([]byte(name+" account password"), passhash.Test)
		if _, err := data.Records.AddUser(ctx, records.User{Name: name, PasswordHash: h}); err != nil {
			t.Fatal(err)
		}
	}
	noSleep := func(context.Context, time.Duration) {}
	orgKey := func(ctx context.Context, d records.Device) ([]byte, error) {
		return server.OrgSecret(ctx, data.Records, ring, d)
	}
	wb, err := web.New(web.Options{Records: data.Records, Blobs: data.Blobs, Logger: log, HashParams: passhash.Test,
		Sleep: noSleep, Archives: archives, OrgKey: orgKey})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Vault: data.Vault, Logger: log, HashParams: passhash.Test, Sleep: noSleep,
		Web: wb.Mount, KEK: ring})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &limitsSite{t: t, ts: ts, url: ts.URL, fp: remote.Fingerprint(ts.Certificate().Raw), data: data, web: wb}
}

// backupWithKey is backup with a key option of the person's choice.
func (s *limitsSite) backupWithKey(user, deviceName string, mode device.KeyMode) string {
	t := s.t
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "home")
	write(t, src, "docs/thesis.tex", fmt.Appendf(nil, "chapter one of %s", deviceName))
	d, err := device.Open(filepath.Join(dir, "cairn"), device.Options{UserHome: src, Secrets: secrets.Folder(filepath.Join(dir, "secrets"))})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	signin := device.ServerSignIn{Name: "work", URL: s.url, User: user, Device: deviceName, Fingerprint: s.fp,
		Password: func() ([]byte, error) { return []byte(user + " account password"), nil }}
	if _, err := d.AddServerDestinationWithKey(t.Context(), signin, device.KeyOptions{Mode: mode},
		func(string, bool) ([]byte, error) { return []byte(user + " archive password"), nil }, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	d.AddFiles(src)
	if _, err := d.Backup(t.Context(), "", device.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	return d.Config().Destinations[0].DeviceID
}

func (ws *webSession) get(path string) (int, string) {
	ws.s.t.Helper()
	req, _ := http.NewRequest("GET", ws.s.url+path, nil)
	return ws.do(req)
}

// A person whose organisation keeps their archive's key opens it on the
// web pages with their sign-in alone; the one-archive-per-person cap still
// holds; another person gets nothing; an archive with a password of its
// own still asks for it.
func TestWebOpensAnOrganisationHeldArchiveWithoutAPassword(t *testing.T) {
	s := newOrgKeySite(t, webarchive.PoolOptions{PerUser: 1})
	laptop := s.backupWithKey("ana", "laptop", device.KeyOrganisation)
	desktop := s.backupWithKey("ana", "desktop", device.KeyOrganisation)
	own := s.backupWithKey("ana", "studio", device.KeyPassword)
	ana := s.signin("ana")

	status, page := ana.get("/web/devices/" + laptop + "/unlock")
	expectPage(t, status, page, http.StatusOK, "Your organisation keeps this backup")
	if strings.Contains(page, `name="password"`) {
		t.Error("the page asks for an archive password")
	}
	status, page = ana.post("/web/devices/"+laptop+"/unlock", "/web/devices/"+laptop+"/unlock", url.Values{})
	expectPage(t, status, page, http.StatusSeeOther)
	status, page = ana.get("/web/devices/" + laptop + "/browse?path=" + url.QueryEscape("/"))
	expectPage(t, status, page, http.StatusOK)

	status, page = ana.unlock(desktop, "")
	expectPage(t, status, page, http.StatusConflict, "another archive open")

	status, page = ana.get("/web/devices/" + own + "/unlock")
	expectPage(t, status, page, http.StatusOK, "Archive password")

	bob := s.signin("bob")
	status, page = bob.unlock(laptop, "")
	expectPage(t, status, page, http.StatusNotFound)
}
