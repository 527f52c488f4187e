package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// A hostile or compromised server answers with terminal escape codes, bidi
// overrides and bytes that are not UTF-8 in device names, OS names, error
// texts and status lines. The command line's output must stay printable,
// and still show what the server said, escaped.

const (
	hostileName = "evil\x1b]0;pwned\x07laptop\x1b[2J\u202eexe.txt"
	hostileOS   = "linux\x1b[31m\u2066red"
	hostileSays = "denied\x1b]0;pwned\x07\x1b[2J\u202e\nforged line"
	// A reason phrase with an escape, a bidi override and a byte that is
	// not UTF-8.
	hostileStatus = "\x1b[2J\xff\u202eteapot"

	// How the command line shows them.
	shownName   = `evil\x1b]0;pwned\x07laptop\x1b[2J\u202eexe.txt`
	shownOS     = `linux\x1b[31m\u2066red`
	shownSays   = `denied\x1b]0;pwned\x07\x1b[2J\u202e\nforged line`
	shownStatus = `\x1b[2J\xff\u202eteapot`
)

// hostileProxy stands between the command line and a real cairn-server, as
// a compromised server would: it passes requests on, except those its
// current answer takes over.
type hostileProxy struct {
	url, finger string
	answer      atomic.Pointer[func(w http.ResponseWriter, r *http.Request) bool]
}

func newHostileProxy(t *testing.T, s *server) *hostileProxy {
	t.Helper()
	target, err := url.Parse(s.url)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = &http.Transport{TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true, // the real server's self-signed certificate, pinned below
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 || remote.Fingerprint(raw[0]) != s.finger {
				return errors.New("not the test's cairn-server")
			}
			return nil
		}}}
	p := &hostileProxy{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f := p.answer.Load(); f != nil && (*f)(w, r) {
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.url, p.finger = srv.URL, remote.Fingerprint(srv.Certificate().Raw)
	return p
}

// take makes the proxy answer requests that match by itself (nil: pass
// everything on).
func (p *hostileProxy) take(match func(r *http.Request) bool, answer func(w http.ResponseWriter, r *http.Request)) {
	if match == nil {
		p.answer.Store(nil)
		return
	}
	f := func(w http.ResponseWriter, r *http.Request) bool {
		if !match(r) {
			return false
		}
		answer(w, r)
		return true
	}
	p.answer.Store(&f)
}

func request(method, path string) func(r *http.Request) bool {
	return func(r *http.Request) bool { return r.Method == method && r.URL.Path == path }
}

// rawAnswer writes an answer byte for byte, status line included (net/http
// would write its own reason phrase).
func rawAnswer(code int, reason, body string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			code, reason, len(body), body)
		buf.Flush()
	}
}

func jsonAnswer(code int, v any) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(v)
	}
}

// assertPrintableOutput fails unless out holds only printable text (line
// breaks and tabs allowed) and shows each of mentions.
func assertPrintableOutput(t *testing.T, what, out string, mentions ...string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("%s: output is not valid UTF-8: %q", what, out)
	}
	for _, r := range out {
		if r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			t.Errorf("%s: output holds %U: %q", what, r, out)
			break
		}
	}
	for _, m := range mentions {
		if !strings.Contains(out, m) {
			t.Errorf("%s: output does not show %q: %q", what, m, out)
		}
	}
}

func TestHostileServerTextIsPrintedSafely(t *testing.T) {
	b, _ := json.Marshal(map[string]string{"error": hostileSays})
	saysJSON := string(b)
	s := startServer(t)
	s.addUser("ana", "pw-ana-123")
	p := newHostileProxy(t, s)
	c := newCLI(t)
	c.setenv("CAIRN_SERVER_PASSWORD=pw-ana-123")
	add := []string{"dest", "add", "work", p.url, "--user", "ana", "--fingerprint", p.finger, "--device", "laptop"}

	// A refused sign-in, in the server's words.
	p.take(request(http.MethodPost, "/api/v1/signin"),
		jsonAnswer(http.StatusUnauthorized, map[string]string{"error": hostileSays, "code": "credentials"}))
	_, errOut := c.expect(exitError, add...)
	assertPrintableOutput(t, "dest add", errOut, "wrong user name or password", shownSays)

	p.take(nil, nil)
	c.ok(add...)

	// Device names and OS names another computer (or the server) chose.
	p.take(request(http.MethodGet, "/api/v1/devices"), jsonAnswer(http.StatusOK, []map[string]any{
		{"id": "0123456789abcdef0123456789abcdef", "name": hostileName, "os": hostileOS, "bytes": 1}}))
	out := c.ok("devices")
	assertPrintableOutput(t, "devices", out, shownName, shownOS)

	// The server's failure, as `cairn status` shows it.
	p.take(request(http.MethodGet, "/healthz"),
		rawAnswer(http.StatusServiceUnavailable, hostileStatus, saysJSON))
	out = c.ok("status")
	assertPrintableOutput(t, "status", out, "not reachable", shownStatus, shownSays)

	// An upload refused with a hostile status line and text.
	src := filepath.Join(c.dir, "home", "ana")
	testtree.Write(t, src, map[string]testtree.Node{"a.txt": {Data: "a"}})
	c.ok("files", "add", src)
	p.take(func(r *http.Request) bool { return r.Method == http.MethodPut },
		rawAnswer(http.StatusBadRequest, hostileStatus, saysJSON))
	out, errOut = c.expect(exitError, "backup")
	assertPrintableOutput(t, "backup", out+errOut, "400 "+shownStatus, shownSays)
}
