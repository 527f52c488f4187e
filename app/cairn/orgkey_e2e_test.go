package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/internal/testtree"
)

// startKEKServer starts a cairn-server that keeps archive keys for the
// organisation: a [keys] section, and 'keys init' run first.
func startKEKServer(t *testing.T) (*server, string) {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "cairn.toml")
	os.WriteFile(conf, []byte("[keys]\nkek_file = \""+filepath.Join(dir, "kek")+"\"\n"), 0o600)
	s := &server{t: t, data: filepath.Join(dir, "server-data"), addr: freePort(t), extra: []string{"--config", conf}}
	if out, err := s.admin(nil, "keys", "init", "--config", conf); err != nil {
		t.Fatalf("keys init: %v\n%s", err, out)
	}
	s.start()
	t.Cleanup(s.stop)
	return s, conf
}

// --key organisation: the person is told who can read the backup; another
// computer signing in as that device opens the archive without any archive
// password, also after the KEK was rotated on the running server.
func TestOrganisationHeldKeyFromTheCommandLine(t *testing.T) {
	s, conf := startKEKServer(t)
	s.addUser("ana", "ana's account password")
	a := newCLI(t)
	src := filepath.Join(a.dir, "home", "ana")
	testtree.Write(t, src, map[string]testtree.Node{"Documents/report.txt": {Data: "quarterly report\n"}})
	a.setenv("CAIRN_SERVER_PASSWORD=ana's account password")
	out := a.ok("dest", "add", "work", s.url, "--user", "ana", "--fingerprint", s.finger, "--device", "laptop", "--key", "organisation")
	if !strings.Contains(out, "IT can read your backup") {
		t.Errorf("dest add said:\n%s", out)
	}
	a.ok("files", "add", src)
	a.ok("backup")

	if out, err := s.admin(nil, "keys", "rotate", "--config", conf); err != nil || !strings.Contains(out, "1 organisation-held keys re-wrapped") {
		t.Fatalf("keys rotate: %v\n%s", err, out)
	}
	b := newCLI(t)
	b.setenv("CAIRN_PASSWORD=not the archive's password")
	b.setenv("CAIRN_SERVER_PASSWORD=ana's account password")
	b.ok("dest", "add", "work", s.url, "--user", "ana", "--fingerprint", s.finger, "--device", "laptop", "--key", "organisation")
	b.restoreAndCompare(src)
}
