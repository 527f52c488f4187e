package device

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/index"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/vault"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/internal/testservers"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// A computer backs up to a server whose objects are in an S3 bucket
// (versitygw), and restores from it: the real client, the real handler,
// the real object store.
func TestBackupAndRestoreThroughAServerOnS3(t *testing.T) {
	s3URL := testservers.StartS3(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	dataDir := t.TempDir()
	blobsURL := strings.Replace(s3URL, "?", "/org/cairn?", 1) // a prefix in the bucket
	data, err := server.OpenDataBlobs(ctx, dataDir, blobsURL, nil, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { data.Close() })
	if _, ok := data.Objects.(*blobs.S3); !ok || data.Blobs != nil {
		t.Fatalf("objects in %T, folder store %v", data.Objects, data.Blobs)
	}
	release, err := data.LockServe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	h, _ := passhash.Hash([]byte("account password"), passhash.Test)
	if _, err := data.Records.AddUser(ctx, records.User{Name: "ana", PasswordHash: h}); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Vault: data.Vault, Logger: logger, HashParams: passhash.Test})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(srv.Handler())
	t.Cleanup(ts.Close)

	dir := t.TempDir()
	src := filepath.Join(dir, "ana")
	// 24 MiB of noise makes a pack larger than a part: a multipart upload.
	tree := map[string]testtree.Node{
		"Documents/report.txt": {Data: "quarterly figures\n"},
		"Documents/notes.md":   {Data: "# notes\n"},
		"Pictures/raw.bin":     {Random: 24 << 20},
		"empty":                {Data: ""},
	}
	testtree.Write(t, src, tree)
	d, err := Open(filepath.Join(dir, "home"), Options{UserHome: src})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	addServer(t, d, ts.URL, remote.Fingerprint(ts.Certificate().Raw))
	d.AddFiles(src)
	if res, err := d.Backup(ctx, "", BackupOptions{}); err != nil || len(res.Errors) > 0 {
		t.Fatalf("backup: %+v %v", res, err)
	}

	to := t.TempDir()
	res, err := d.Restore(ctx, "", restore.Options{Paths: []string{src}, To: to, View: index.View{At: index.Latest}})
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("restore: %v %v", err, res.Errors)
	}
	testtree.Equal(t, testtree.Snapshot(t, src), testtree.Snapshot(t, filepath.Join(to, "ana")), testtree.Options{IgnoreDirMTime: true})

	// The bytes are in the bucket, none in the data folder, and the
	// records and the bucket agree.
	if _, err := os.Stat(filepath.Join(dataDir, "objects")); err == nil {
		t.Fatal("objects/ made in the data folder")
	}
	n, largest := 0, int64(0)
	data.Objects.Walk(ctx, func(e blobs.Entry) error { n, largest = n+1, max(largest, e.Size); return nil })
	if largest <= blobs.DefaultPartSize {
		t.Errorf("the largest object has %d bytes: no upload went in parts", largest)
	}
	rep, err := data.Vault.Check(ctx, vault.CheckOptions{})
	if err != nil || len(rep.Problems) > 0 || rep.Files != n || rep.Records != n || n < 3 {
		t.Fatalf("check: %d objects in the bucket, %+v %v", n, rep, err)
	}
}
