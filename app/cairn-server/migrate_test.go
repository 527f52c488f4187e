package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/internal/testservers"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// migrate runs cairn-server migrate in this process, as a's environment
// would, and returns what it printed.
func (a *admin) migrate(args ...string) (string, error) {
	a.t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		for _, kv := range a.env {
			if v, ok := strings.CutPrefix(kv, k+"="); ok {
				return v
			}
		}
		return os.Getenv(k)
	}
	e := &env{stdout: &out, stderr: &errb, getenv: getenv, now: nil}
	err := cmdMigrate(context.Background(), e, args)
	return out.String() + errb.String(), err
}

// A server with a real client's backup (and a trash) on the embedded
// defaults moves to PostgreSQL and another blob folder; the server started
// on the new stores restores the backup byte for byte.
func TestMigrateToPostgres(t *testing.T) {
	pg := testservers.StartPostgres(t)
	a := newAdmin(t)
	a.addUser("ana")
	addr := freeAddr(t)
	srv := a.serve("--listen", addr)

	// A real backup from a computer.
	dir := t.TempDir()
	src := filepath.Join(dir, "ana")
	testtree.Write(t, src, map[string]testtree.Node{
		"Documents/report.txt": {Data: "quarterly report"},
		"Photos/big.bin":       {Data: string(testtree.RandomBytes("big", 3<<20))},
		"empty.txt":            {Data: ""},
	})
	d, err := device.Open(filepath.Join(dir, "home"), device.Options{UserHome: src})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := t.Context()
	archivePW := func(string, bool) ([]byte, error) { return []byte("archive password"), nil }
	if _, err := d.AddServerDestination(ctx, device.ServerSignIn{Name: "work", URL: srv.url, User: "ana", Device: "laptop",
		Fingerprint: srv.fingerprint, Password: func() ([]byte, error) { return []byte("pw-ana-long"), nil }},
		archivePW, crypt.TestKDF); err != nil {
		t.Fatal(err)
	}
	d.AddFiles(src)
	if _, err := d.Backup(ctx, "", device.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	// Something in the trash, which must move with its record's ID.
	raw := newClient(t, srv.url, srv.fingerprint)
	raw.signin("ana", "phone")
	raw.must("PUT", raw.obj("locks", "l1"), []byte("a lock"), 201)
	raw.must("DELETE", raw.obj("locks", "l1"), nil, 204)

	newData := filepath.Join(t.TempDir(), "new")
	if _, err := a.migrate("--to-db", pg, "--to-blobs", newData); !errors.Is(err, server.ErrRunning) {
		t.Fatalf("migrate while the server runs: %v", err)
	}
	srv.stop()
	out, err := a.migrate("--to-db", pg, "--to-blobs", newData)
	if err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	for _, want := range []string{"records: verified", "objects: verified", "serve --db postgres://"} {
		if !strings.Contains(out, want) {
			t.Fatalf("migrate said:\n%s", out)
		}
	}
	t.Log(out)
	// Run again (as after an interruption): nothing to copy, all verified.
	if out, err := a.migrate("--to-db", pg, "--to-blobs", newData); err != nil || !strings.Contains(out, " 0 copied") {
		t.Fatalf("migrate again: %v\n%s", err, out)
	}

	// The new server: records in PostgreSQL, objects in the new folder, the
	// same certificate (clients pinned it) at the same address.
	if err := exec.Command("cp", "-a", filepath.Join(a.data, server.TLSDir), newData).Run(); err != nil {
		t.Fatal(err)
	}
	b := &admin{t: t, data: newData, env: append(append([]string{}, a.env...), "CAIRN_SERVER_DATA="+newData)}
	os.Rename(filepath.Join(a.data, "records.db"), filepath.Join(a.data, "records.db.old")) // not read any more
	moved := b.serve("--listen", addr, "--db", pg)
	if moved.fingerprint != srv.fingerprint {
		t.Fatal("the new server has another certificate")
	}
	to := t.TempDir()
	if _, err := d.Restore(ctx, "", restore.Options{Paths: []string{src}, To: to, View: index.View{At: index.Latest}}); err != nil {
		t.Fatalf("restore from the new stores: %v\n%s", err, moved.stderr)
	}
	testtree.Equal(t, testtree.Snapshot(t, src), testtree.Snapshot(t, filepath.Join(to, "ana")), testtree.Options{IgnoreDirMTime: true})
	// And backups go on: a new file, a new version.
	os.WriteFile(filepath.Join(src, "new.txt"), []byte("after the move"), 0o600)
	if _, err := d.Backup(ctx, "", device.BackupOptions{}); err != nil {
		t.Fatalf("backup to the new stores: %v\n%s", err, moved.stderr)
	}
	moved.stop()
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// The objects, live and trashed, move to an S3-compatible store, verified.
func TestMigrateToPostgresAndS3(t *testing.T) {
	pg := testservers.StartPostgres(t)
	s3 := testservers.StartS3(t)
	a := newAdmin(t)
	a.env = append(a.env, "AWS_ACCESS_KEY_ID="+os.Getenv("AWS_ACCESS_KEY_ID"), "AWS_SECRET_ACCESS_KEY="+os.Getenv("AWS_SECRET_ACCESS_KEY"))
	a.addUser("ana")
	srv := a.serve()
	c := newClient(t, srv.url, srv.fingerprint)
	c.signin("ana", "laptop")
	c.must("PUT", c.obj("packs", "ab12"), bytes.Repeat([]byte("sealed"), 100000), 201)
	c.must("PUT", c.obj("locks", "l1"), []byte("a lock"), 201)
	c.must("DELETE", c.obj("locks", "l1"), nil, 204)
	srv.stop()
	out, err := a.migrate("--to-db", pg, "--to-blobs", s3)
	if err != nil || !strings.Contains(out, "objects: verified, 2 objects") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if out, err := a.migrate("--to-db", pg, "--to-blobs", s3); err != nil || !strings.Contains(out, "0 copied") {
		t.Fatalf("migrate again: %v\n%s", err, out)
	}
}
