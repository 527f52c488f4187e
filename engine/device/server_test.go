package device

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// serverAt starts the real server in this process with its clock at now().
func serverAt(t *testing.T, now func() time.Time) (url, fingerprint string) {
	t.Helper()
	return cairntest.Server(t, cairntest.Options{Now: now})
}

func addServer(t *testing.T, d *Device, url, fp string) {
	t.Helper()
	_, err := d.AddServerDestination(ctx, ServerSignIn{Name: "work", URL: url, User: "ana", Device: "laptop", Fingerprint: fp,
		Password: func() ([]byte, error) { return []byte("account password"), nil }}, password, crypt.TestKDF)
	if err != nil {
		t.Fatal(err)
	}
}

// Versions at a server are stamped with the server's clock, so a computer
// whose clock is wrong cannot make them look older (and pruned early).
func TestVersionsAtAServerUseTheServersClock(t *testing.T) {
	serverNow := time.Date(2031, 3, 1, 9, 0, 0, 0, time.UTC)
	url, fp := serverAt(t, func() time.Time { return serverNow })
	dir := t.TempDir()
	src := filepath.Join(dir, "ana")
	testtree.Write(t, src, map[string]testtree.Node{"a.txt": {Data: "a"}})
	d, err := Open(filepath.Join(dir, "home"), Options{UserHome: src})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	addServer(t, d, url, fp)
	d.AddFiles(src)
	if _, err := d.Backup(ctx, "", BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	vs, _ := d.Versions(ctx, "", filepath.Join(src, "a.txt"))
	if len(vs) != 1 || vs[0].RecordedTime().Sub(serverNow).Abs() > time.Minute {
		t.Fatalf("recorded %v, the server says it is %v", vs[0].RecordedTime(), serverNow)
	}
	// This computer's clock is years off the server's: pruning is refused.
	if _, err := d.Prune(ctx, "", 0); err == nil || !strings.Contains(err.Error(), "clock") {
		t.Fatalf("prune with a wrong clock: %v", err)
	}
}

func TestOfflineChangesAreQueuedAndSent(t *testing.T) {
	url, fp := serverAt(t, nil)
	dir := t.TempDir()
	src := filepath.Join(dir, "ana")
	testtree.Write(t, src, map[string]testtree.Node{"a.txt": {Data: "a"}})
	d, err := Open(filepath.Join(dir, "home"), Options{UserHome: src})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	addServer(t, d, url, fp)
	d.AddFiles(src)
	// The server moves away: point the destination at a port nobody listens on.
	d.update(func(c *config.Config) error { c.Destinations[0].URL = "https://127.0.0.1:1"; return nil })
	d.mu.Lock()
	delete(d.repos, "work")
	d.mu.Unlock()
	os.WriteFile(filepath.Join(src, "b.txt"), []byte("written offline"), 0o644)
	if _, err := d.Backup(ctx, "", BackupOptions{}); err != nil {
		t.Fatalf("a backup while offline must queue, not fail: %v", err)
	}
	if n, bytes := d.Pending(ctx, "work"); n == 0 || bytes == 0 {
		t.Fatal("nothing queued")
	}
	// Back: the queue is sent first by the next backup.
	d.update(func(c *config.Config) error { c.Destinations[0].URL = url; return nil })
	d.mu.Lock()
	d.repos["work"].Backend().Close()
	delete(d.repos, "work")
	d.mu.Unlock()
	if _, err := d.Backup(ctx, "", BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	if n, _ := d.Pending(ctx, "work"); n != 0 {
		t.Fatalf("%d objects still queued", n)
	}
	r, _, _ := d.repo(ctx, "work")
	if rep, err := r.RebuildIndex(ctx); err != nil || rep.NewVersions == 0 {
		t.Fatalf("what the server holds: %+v %v", rep, err)
	}
	if vs, _ := d.Versions(ctx, "", filepath.Join(src, "b.txt")); len(vs) != 1 {
		t.Fatal("the file written offline is not on the server")
	}
}

func TestServerCertificateTrust(t *testing.T) {
	url, fp := serverAt(t, nil)
	d, err := Open(t.TempDir(), Options{UserHome: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	pw := func() ([]byte, error) { return []byte("account password"), nil }
	base := ServerSignIn{Name: "work", URL: url, User: "ana", Device: "laptop", Password: pw}

	wrong := base
	wrong.Fingerprint = strings.Repeat("ab:", 31) + "ab"
	if _, err := d.AddServerDestination(ctx, wrong, password, crypt.TestKDF); err == nil || !strings.Contains(err.Error(), "impersonating") {
		t.Fatalf("wrong fingerprint: %v", err)
	}
	silent := base // no fingerprint, nobody to ask
	if _, err := d.AddServerDestination(ctx, silent, password, crypt.TestKDF); err == nil || !strings.Contains(err.Error(), "--fingerprint "+fp) {
		t.Fatalf("self-signed without a fingerprint: %v", err)
	}
	refused := base
	refused.ConfirmFingerprint = func(seen string) (bool, error) { return false, nil }
	if _, err := d.AddServerDestination(ctx, refused, password, crypt.TestKDF); err != ErrNotTrusted {
		t.Fatalf("refused: %v", err)
	}
	var shown string
	accepted := base
	accepted.ConfirmFingerprint = func(seen string) (bool, error) { shown = seen; return true, nil }
	if _, err := d.AddServerDestination(ctx, accepted, password, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	if shown != fp || d.Config().Destinations[0].Fingerprint != fp {
		t.Fatalf("shown %s, pinned %s, server %s", shown, d.Config().Destinations[0].Fingerprint, fp)
	}
}

// TestUploadLimitHoldsUploadsToAServer: with a limit, sending 600 KB to a
// server takes about as long as the limit says; the limit applies at once.
func TestUploadLimitHoldsUploadsToAServer(t *testing.T) {
	url, fp := serverAt(t, time.Now)
	dir := t.TempDir()
	src := filepath.Join(dir, "ana")
	testtree.Write(t, src, map[string]testtree.Node{"big.bin": {Data: string(testtree.RandomBytes("big", 600<<10))}})
	d, err := Open(filepath.Join(dir, "home"), Options{UserHome: src})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	addServer(t, d, url, fp)
	d.AddFiles(src)
	d.SetUploadLimit(200 << 10)
	start := time.Now()
	if _, err := d.Backup(ctx, "", BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	// 600 KiB (incompressible) at 200 KiB/s: about 3 s; generous bounds.
	if took := time.Since(start); took < 2*time.Second || took > 30*time.Second {
		t.Fatalf("600 KiB at 200 KiB/s took %v", took)
	}
}
