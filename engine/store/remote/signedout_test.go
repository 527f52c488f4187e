package remote

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Each of the server's answers to a sign-in it no longer accepts reads as
// a SignedOutError (which is ErrToken), with what the server said; and
// after one, the backend sends nothing more.
func TestARefusedSignInStopsTheBackend(t *testing.T) {
	at := time.Date(2026, 12, 6, 11, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		body     string
		replaced bool
		by       string
		at       time.Time
	}{
		{`{"code":"token","error":"sign in again"}`, false, "", time.Time{}},
		{`{"code":"signed_out","error":"signed out by an administrator","at":` + itoa(at.UnixNano()) + `}`, false, "", at},
		{`{"code":"device_replaced","error":"replaced","replaced_by":"New\u001b[2Jlaptop","at":` + itoa(at.UnixNano()) + `}`, true, "New laptop", at},
		{`not even JSON`, false, "", time.Time{}},
	} {
		f, b := newFake(t)
		var asked atomic.Int64
		f.handler = func(w http.ResponseWriter, r *http.Request) bool {
			asked.Add(1)
			return status(http.StatusUnauthorized, c.body)(w, r)
		}
		err := listPacks(b)
		var so *SignedOutError
		if !errors.As(err, &so) || !errors.Is(err, ErrToken) {
			t.Fatalf("%s: %v", c.body, err)
		}
		by := so.ReplacedBy // the server's text, made printable
		if c.by != "" && (strings.ContainsRune(by, 0x1b) || !strings.HasPrefix(by, "New") || !strings.HasSuffix(by, "laptop")) {
			t.Errorf("%s: replaced by %q", c.body, by)
		}
		if so.Replaced != c.replaced || (c.by == "") != (by == "") || !so.At.Equal(c.at) {
			t.Errorf("%s: %+v", c.body, so)
		}
		for range 10 {
			if err := listPacks(b); !errors.Is(err, ErrToken) {
				t.Fatalf("after the refusal: %v", err)
			}
		}
		if n := asked.Load(); n != 1 {
			t.Errorf("%s: the server was asked %d times", c.body, n)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
