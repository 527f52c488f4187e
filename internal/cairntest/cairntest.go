// Package cairntest runs the real Cairn server in a test's process. It is
// apart from internal/testservers (PostgreSQL, S3), which the server's own
// packages use in their tests.
package cairntest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// AccountPassword is the password of the user ana on a server Server starts.
const AccountPassword = "account password"

// Options tune the server Server starts.
type Options struct {
	// Now is the server's clock (nil: time.Now).
	Now func() time.Time
	// Escrow makes the organisation's escrow key, as cairn-server escrow
	// init does.
	Escrow bool
	// Wrap, when set, wraps the server's handler: a test counts or watches
	// the requests the server gets.
	Wrap func(http.Handler) http.Handler
	// Configure, when set, changes the server's options before it starts
	// (SSOServer adds single sign-on with it).
	Configure func(*server.Options)
}

// Server runs the real Cairn server in this process, over TLS with a
// self-signed certificate on 127.0.0.1, with one user, ana
// (AccountPassword); sign-ins are not slowed. It stops when the test ends.
// It returns the address and the certificate's fingerprint.
func Server(t testing.TB, o Options) (url, fingerprint string) {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	data, err := server.OpenData(ctx, t.TempDir(), o.Now, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { data.Close() })
	hash, _ := passhash.Hash([]byte(AccountPassword), passhash.Test)
	if _, err := data.Records.AddUser(ctx, records.User{Name: "ana", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	if o.Escrow {
		if _, _, err := server.InitEscrow(ctx, data.Records, false); err != nil {
			t.Fatal(err)
		}
	}
	so := server.Options{Vault: data.Vault, Logger: logger, HashParams: passhash.Test, Now: o.Now,
		Sleep: func(context.Context, time.Duration) {}}
	if o.Configure != nil {
		o.Configure(&so)
	}
	srv, err := server.New(so)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if o.Wrap != nil {
		h = o.Wrap(h)
	}
	ts := httptest.NewTLSServer(h)
	t.Cleanup(ts.Close)
	return ts.URL, remote.Fingerprint(ts.Certificate().Raw)
}
