package remote

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cairnbackup/cairn/engine/store"
)

// A hostile or compromised server writes terminal escape codes, bidi
// overrides and invalid UTF-8 into everything it answers. What reaches the
// caller (and so the command line, the logs and the desktop app) is
// printable, and still shows what the server said, escaped.

const (
	hostileName = "evil\x1b]0;pwned\x07laptop\x1b[2J\u202eexe.txt"
	hostileOS   = "linux\x1b[31m\u2066red"
	hostileSays = "denied\x1b]0;pwned\x07\x1b[2J\u202e\nforged line"
	// hostileStatus has a reason phrase with an escape, a bidi override and
	// a byte that is not UTF-8.
	hostileStatus = "\x1b[2J\xff\u202eteapot"
)

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rawAnswer writes an HTTP answer byte for byte, status line included
// (net/http would write its own reason phrase).
func rawAnswer(w http.ResponseWriter, r *http.Request, code int, reason, body string) bool {
	r.Body.Close()
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		code, reason, len(body), body)
	buf.Flush()
	return true
}

func hostileDevices(t *testing.T) string {
	return jsonText(t, []map[string]any{{"id": devID, "name": hostileName, "os": hostileOS, "bytes": 1}})
}

// assertPrintable fails unless s is printable on one line.
func assertPrintable(t *testing.T, what, s string, mentions ...string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s is not valid UTF-8: %q", what, s)
	}
	for _, r := range s {
		if r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			t.Errorf("%s holds %U: %q", what, r, s)
			break
		}
	}
	for _, m := range mentions {
		if !strings.Contains(s, m) {
			t.Errorf("%s does not show %q: %q", what, m, s)
		}
	}
}

func TestDeviceNamesFromTheServerArePrintable(t *testing.T) {
	f, b := newFake(t)
	f.handler = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasPrefix(r.URL.Path, "/api/v1/devices") && !strings.Contains(r.URL.Path, devID) ||
			r.URL.Path == "/api/v1/signin/devices" {
			w.Write([]byte(hostileDevices(t)))
			return true
		}
		return false
	}
	devs, err := b.Devices(ctx)
	if err != nil || len(devs) != 1 {
		t.Fatalf("devices: %v %v", devs, err)
	}
	assertPrintable(t, "device name", devs[0].Name, `evil\x1b]0;pwned\x07laptop\x1b[2J\u202eexe.txt`)
	assertPrintable(t, "OS", devs[0].OS, `linux\x1b[31m\u2066red`)

	devs, err = AccountDevices(ctx, b.cfg.URL, b.cfg.Fingerprint, "ana", "pw")
	if err != nil || len(devs) != 1 {
		t.Fatalf("account devices: %v %v", devs, err)
	}
	assertPrintable(t, "device name at sign-in", devs[0].Name, `evil\x1b]0;pwned\x07laptop`)
}

func TestServerErrorTextsArePrintable(t *testing.T) {
	says := func(code int, errCode string) func(w http.ResponseWriter, r *http.Request) bool {
		return status(code, jsonText(t, map[string]string{"error": hostileSays, "code": errCode}))
	}
	shown := `denied\x1b]0;pwned\x07\x1b[2J\u202e\nforged line`
	cases := []struct {
		name     string
		handler  func(w http.ResponseWriter, r *http.Request) bool
		call     func(b *Backend) error
		sentinel error
		mentions []string
	}{
		{"sign-in refused", says(http.StatusUnauthorized, "credentials"), func(b *Backend) error {
			_, err := SignIn(ctx, b.cfg.URL, b.cfg.Fingerprint, "ana", "pw", "laptop", "linux")
			return err
		}, ErrCredentials, []string{shown}},
		{"replaced by a hostile name", status(http.StatusUnauthorized,
			jsonText(t, map[string]string{"code": codeReplaced, "replaced_by": hostileName})),
			putOne, ErrToken, []string{`evil\\x1b]0;pwned\\x07laptop`}},
		{"upload refused", says(http.StatusForbidden, ""), putOne, nil, []string{shown}},
		{"upload refused, hostile status line", func(w http.ResponseWriter, r *http.Request) bool {
			return rawAnswer(w, r, http.StatusForbidden, hostileStatus, jsonText(t, map[string]string{"error": hostileSays}))
		}, putOne, nil, []string{`403 \x1b[2J\xff\u202eteapot`, shown}},
		{"server failure, hostile status line", func(w http.ResponseWriter, r *http.Request) bool {
			return rawAnswer(w, r, http.StatusServiceUnavailable, hostileStatus, jsonText(t, map[string]string{"error": hostileSays}))
		}, func(b *Backend) error { return b.Ping(ctx) }, store.ErrOffline, []string{`503 \x1b[2J\xff\u202eteapot`, shown}},
		{"object read, hostile status line", func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodHead {
				w.Header().Set("Content-Length", "10")
				return true
			}
			return rawAnswer(w, r, http.StatusTeapot, hostileStatus, "")
		}, func(b *Backend) error {
			o, err := b.Open(ctx, store.KindPack, "aa01")
			if err != nil {
				return err
			}
			_, err = o.ReadAt(make([]byte, 10), 0)
			return err
		}, nil, []string{`418 \x1b[2J\xff\u202eteapot`}},
		{"list with a hostile name", list(jsonText(t, []map[string]any{{"name": hostileName, "size": 1}})),
			listPacks, nil, []string{`evil\\x1b]0;pwned\\x07laptop`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, b := newFake(t)
			f.handler = tc.handler
			err := tc.call(b)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Errorf("%v does not match %v", err, tc.sentinel)
			}
			assertPrintable(t, "the error", err.Error(), tc.mentions...)
		})
	}
}
