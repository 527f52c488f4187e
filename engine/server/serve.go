package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// HTTPServer returns the http.Server that Serve runs: the handler with the
// timeouts and limits of the Options. No ReadTimeout or WriteTimeout: an
// upload of MaxObject over a slow link takes long, and the minimum rates
// cut off clients that stall instead.
func (s *Server) HTTPServer(cert tls.Certificate) *http.Server {
	return &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.o.ReadHeaderTimeout,
		IdleTimeout:       s.o.IdleTimeout,
		MaxHeaderBytes:    s.o.MaxHeaderBytes,
		TLSConfig:         TLSConfig(cert),
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug), // TLS handshake noise from scanners
	}
}

// tls12Suites are the TLS 1.2 cipher suites the server offers: forward
// secret (ECDHE) and authenticated encryption (AES-GCM, ChaCha20-Poly1305)
// only, for ECDSA and RSA certificates alike (an administrator may bring
// either). CBC suites with SHA-1 MACs are left out; every client that can
// run Cairn speaks these, and TLS 1.3's suites are all AEAD already.
var tls12Suites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// TLSConfig is the server's TLS configuration for cert: TLS 1.2 or newer,
// with the suites of tls12Suites.
func TLSConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		CipherSuites: tls12Suites,
	}
}

// Serve answers on ln with TLS until ctx ends, purging the trash in the
// background. It then stops accepting, waits up to ShutdownTimeout for the
// requests in flight (uploads being received complete and are
// acknowledged), and returns nil; or it returns the error that stopped it.
func (s *Server) Serve(ctx context.Context, ln net.Listener, cert tls.Certificate) error {
	srv := s.HTTPServer(cert)
	bg, stopBg := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { s.purgeLoop(bg) })
	wg.Go(func() { s.syncLoop(bg) })
	wg.Go(func() { s.oidcCheckLoop(bg) })
	defer func() {
		stopBg()
		wg.Wait()
	}()

	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing the requests in flight", "within", s.o.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.o.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		s.log.Warn("requests still in flight after the shutdown timeout were cut off; their clients will retry")
		srv.Close()
	} else if err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

func (s *Server) purgeLoop(ctx context.Context) {
	t := time.NewTicker(s.o.PurgeEvery)
	defer t.Stop()
	for {
		s.Purge(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Purge deletes for good what has been in the trash longer than the grace
// window, and forgets old failed sign-ins, sign-in addresses and audit
// entries.
func (s *Server) Purge(ctx context.Context) {
	now := s.o.Now()
	n, bytes, err := s.vault.PurgeExpired(ctx, now.Add(-s.o.Grace))
	if n > 0 {
		s.log.Info("purged the trash", "objects", n, "bytes", bytes, "grace", s.o.Grace)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		s.log.Error("purging the trash failed; it will be tried again", "err", err)
	}
	s.forgetSignins(ctx, now)
}

// auditLog is the audit log of the web pages, in the same records.
type auditLog interface {
	ForgetAudit(ctx context.Context, before time.Time) (int64, error)
}

// forgetSignins forgets failed sign-ins older than the longest limit's
// window, sign-in addresses unused for KnownFor, and audit entries older
// than AuditRetention.
func (s *Server) forgetSignins(ctx context.Context, now time.Time) {
	warn := func(what string, err error) {
		if err != nil && !errors.Is(err, context.Canceled) {
			s.log.Warn(what+" failed; it will be tried again at the next purge", "err", err)
		}
	}
	warn("forgetting old failed sign-ins", s.rec.ForgetSigninFailures(ctx, now.Add(-max(s.o.SigninWindow, s.o.AccountWindow))))
	warn("forgetting old sign-in addresses", s.rec.ForgetSigninAddrs(ctx, now.Add(-s.o.KnownFor)))
	if a, ok := s.rec.(auditLog); ok {
		n, err := a.ForgetAudit(ctx, now.Add(-s.o.AuditRetention))
		warn("forgetting old audit entries", err)
		if n > 0 {
			s.log.Info("forgot old audit entries", "entries", n, "older_than", s.o.AuditRetention)
		}
	}
}
