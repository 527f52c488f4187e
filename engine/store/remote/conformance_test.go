package remote_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/engine/store/storetest"
)

// The store conformance suite against the real server, in this process.
func TestConformanceAgainstTheServer(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Backend {
		ctx := context.Background()
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		data, err := server.OpenData(ctx, t.TempDir(), nil, logger)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { data.Close() })
		h, _ := passhash.Hash([]byte("password-ana"), passhash.Test)
		if _, err := data.Records.AddUser(ctx, records.User{Name: "ana", PasswordHash: h}); err != nil {
			t.Fatal(err)
		}
		srv, err := server.New(server.Options{Vault: data.Vault, Logger: logger, HashParams: passhash.Test})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewUnstartedServer(srv.Handler())
		ts.EnableHTTP2 = true
		ts.StartTLS()
		t.Cleanup(ts.Close)
		fp := remote.Fingerprint(ts.Certificate().Raw)
		acct, err := remote.SignIn(ctx, ts.URL, fp, "ana", "password-ana", "laptop", "linux")
		if err != nil {
			t.Fatal(err)
		}
		b, err := remote.Open(remote.Config{URL: ts.URL, DeviceID: acct.DeviceID, Token: acct.Token, Fingerprint: fp, Spool: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}, storetest.Options{Immutable: true})
}
