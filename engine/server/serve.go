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
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{cert},
			MinVersion:   tls.VersionTLS12,
		},
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug), // TLS handshake noise from scanners
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
// window, and forgets old failed sign-ins.
func (s *Server) Purge(ctx context.Context) {
	now := s.o.Now()
	n, bytes, err := s.vault.PurgeExpired(ctx, now.Add(-s.o.Grace))
	if n > 0 {
		s.log.Info("purged the trash", "objects", n, "bytes", bytes, "grace", s.o.Grace)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		s.log.Error("purging the trash failed; it will be tried again", "err", err)
	}
	if err := s.rec.ForgetSigninFailures(ctx, now.Add(-s.o.SigninWindow)); err != nil && !errors.Is(err, context.Canceled) {
		s.log.Warn("forgetting old failed sign-ins failed", "err", err)
	}
}
