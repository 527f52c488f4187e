package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"time"
)

// reqInfo is what a request's log line says beyond the request itself;
// handlers fill it in.
type reqInfo struct {
	user, device string
	addr         string // the client's address (ClientAddr)
	received     int64
	err          error
}

type infoKey struct{}

func infoOf(r *http.Request) *reqInfo {
	i, _ := r.Context().Value(infoKey{}).(*reqInfo)
	return i
}

// wrap adds what every request gets: X-Cairn-Time, the minimum rates, the
// log line, and a 500 instead of a dropped connection when a handler
// panics.
func (s *Server) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{addr: s.clientAddr(r)}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
		rc := http.NewResponseController(w)
		rw := &responseWriter{ResponseWriter: w, now: s.o.Now}
		perWindow := max(1, int64(float64(s.o.MinRate)*s.o.RateWindow.Seconds()))
		rw.pace = pacer{set: rc.SetWriteDeadline, min: perWindow, window: s.o.RateWindow}
		// The write deadline runs from the first byte of the answer, not
		// from now: an HTTP/2 stream is reset when its deadline passes, even
		// while an upload is still arriving. Clear what the previous request
		// on an HTTP/1.1 connection left.
		rc.SetWriteDeadline(time.Time{})
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
			body := &pacedBody{rc: r.Body, info: info,
				pace: pacer{set: rc.SetReadDeadline, min: perWindow, window: s.o.RateWindow}}
			body.pace.start()
			r.Body = body
		}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("handler panicked", "method", r.Method, "path", r.URL.Path, "panic", p)
				if rw.status == 0 {
					s.fail(rw, r, errors.New("panic"))
				}
			}
			s.logRequest(r, rw, info, time.Since(start))
		}()
		h.ServeHTTP(rw, r)
	})
}

func (s *Server) logRequest(r *http.Request, rw *responseWriter, info *reqInfo, d time.Duration) {
	status := rw.status
	if status == 0 {
		status = http.StatusOK
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path), // never the query or headers: no token reaches the log
		slog.Int("status", status),
		slog.Int64("bytes", rw.bytes),
		slog.Int64("received", info.received),
		slog.Duration("duration", d),
		slog.String("user", info.user),
		slog.String("device", info.device),
		slog.String("remote", info.addr),
	}
	if peer := peerAddr(r); peer != info.addr {
		attrs = append(attrs, slog.String("proxy", peer))
	}
	if info.err != nil && status != http.StatusNotFound {
		attrs = append(attrs, slog.String("err", info.err.Error()))
	}
	s.log.LogAttrs(r.Context(), level, "request", attrs...)
}

// responseWriter counts what is written, stamps X-Cairn-Time when the
// header goes out, and keeps the write deadline moving while bytes flow.
type responseWriter struct {
	http.ResponseWriter
	now    func() time.Time
	status int
	bytes  int64
	pace   pacer
}

func (w *responseWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.Header().Set("X-Cairn-Time", strconv.FormatInt(w.now().UnixNano(), 10))
		w.pace.start()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	w.pace.add(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// pacer moves a deadline forward each time min bytes have passed: what does
// not move min bytes within window is cut off by the deadline.
type pacer struct {
	set    func(time.Time) error
	min    int64
	window time.Duration
	n      int64
}

func (p *pacer) start() {
	p.n = 0
	p.set(time.Now().Add(p.window))
}

func (p *pacer) add(n int) {
	p.n += int64(n)
	if p.n >= p.min {
		p.start()
	}
}

// pacedBody is a request body read at a minimum rate.
type pacedBody struct {
	rc   io.ReadCloser
	info *reqInfo
	pace pacer
	done bool
}

func (b *pacedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.info.received += int64(n)
	b.pace.add(n)
	if err == io.EOF && !b.done {
		// The whole body is in: from here on the connection idles (or
		// watches for the client going away) without a deadline.
		b.done = true
		b.pace.set(time.Time{})
	}
	if err != nil && err != io.EOF {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			err = errSlow
		} else {
			err = &bodyError{err}
		}
	}
	return n, err
}

// bodyError is a request body that could not be read: the client went away
// or broke the protocol. Nothing the server must look at.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "reading the request body: " + e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

func (b *pacedBody) Close() error { return b.rc.Close() }
