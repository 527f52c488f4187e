package remote

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/store"
)

// These tests use a small stand-in server: the point is what the client does
// with answers the real server never gives (garbage, lies, outages). The
// real server is exercised by the end-to-end tests of app/cairn.

var ctx = context.Background()

const devID = "0123456789abcdef0123456789abcdef"

// fake is an in-memory server whose answers a test can bend.
type fake struct {
	mu      sync.Mutex
	objects map[string][]byte
	order   []string // PUTs, in arrival order
	down    bool
	handler func(w http.ResponseWriter, r *http.Request) bool // may take over a request
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
		return
	}
	w.Header().Set("X-Cairn-Time", "1764079320000000000")
	if f.handler != nil && f.handler(w, r) {
		return
	}
	p := strings.TrimPrefix(r.URL.Path, "/api/v1/devices/"+devID+"/")
	switch {
	case r.URL.Path == "/healthz":
		fmt.Fprint(w, "ok")
	case r.Method == http.MethodGet && strings.HasSuffix(p, "/"):
		var parts []string
		for k, v := range f.objects {
			if path.Dir(k) == strings.TrimSuffix(p, "/") {
				parts = append(parts, fmt.Sprintf(`{"name":%q,"size":%d,"arrived":1}`, path.Base(k), len(v)))
			}
		}
		fmt.Fprintf(w, "[%s]", strings.Join(parts, ","))
	case r.Method == http.MethodPut:
		data, _ := io.ReadAll(r.Body)
		f.objects[p] = data
		f.order = append(f.order, p)
		w.WriteHeader(http.StatusCreated)
	case r.Method == http.MethodHead || r.Method == http.MethodGet:
		data, ok := f.objects[p]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(string(data)))
	case r.Method == http.MethodDelete:
		delete(f.objects, p)
		w.WriteHeader(http.StatusNoContent)
	}
}

func newFake(t *testing.T) (*fake, *Backend) {
	t.Helper()
	f := &fake{objects: map[string][]byte{}}
	srv := httptest.NewTLSServer(f)
	t.Cleanup(srv.Close)
	fp := Fingerprint(srv.Certificate().Raw)
	b, err := Open(Config{URL: srv.URL, DeviceID: devID, Token: "t0123456789abcdef", Fingerprint: fp,
		Spool: t.TempDir(), MaxSpool: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	b.retryDelay, b.offlineFor = time.Millisecond, 0
	return f, b
}

func put(t *testing.T, b *Backend, kind store.Kind, name, data string) error {
	if t != nil {
		t.Helper()
	}
	up, err := b.Create(ctx, kind)
	if err != nil {
		return err
	}
	io.WriteString(up, data)
	return up.Commit(name)
}

func TestOfflineQueueSendsPacksBeforeSegmentsWhenBack(t *testing.T) {
	f, b := newFake(t)
	f.down = true
	if err := put(t, b, store.KindPack, "aa01", "pack one"); err != nil {
		t.Fatalf("queueing while offline: %v", err)
	}
	put(t, b, store.KindSegment, "ss01", "segment referring to pack one")
	put(t, b, store.KindPack, "aa02", "pack two")
	if n, bytes := b.Pending(); n != 3 || bytes == 0 {
		t.Fatalf("pending %d %d", n, bytes)
	}
	// Queued objects can be read back while offline.
	o, err := b.Open(ctx, store.KindPack, "aa01")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	o.ReadAt(buf, 0)
	o.Close()
	if string(buf) != "pack one" {
		t.Fatalf("read %q", buf)
	}
	if err := b.Drain(ctx); !errors.Is(err, store.ErrOffline) {
		t.Fatalf("drain while down: %v", err)
	}
	f.mu.Lock()
	f.down = false
	f.mu.Unlock()
	if err := b.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.order, " "); got != "packs/aa01 packs/aa02 versions/ss01" {
		t.Fatalf("sent in order %s", got)
	}
	if n, _ := b.Pending(); n != 0 {
		t.Fatalf("%d still pending", n)
	}
}

func TestQueueIsBounded(t *testing.T) {
	f, b := newFake(t)
	f.down = true
	big := strings.Repeat("x", 600<<10)
	if err := put(t, b, store.KindPack, "aa01", big); err != nil {
		t.Fatal(err)
	}
	put(t, b, store.KindPack, "aa02", big)
	err := put(t, b, store.KindPack, "aa03", big)
	if !errors.Is(err, ErrQueueFull) || !errors.Is(err, store.ErrOffline) {
		t.Fatalf("third object: %v", err)
	}
}

func TestQueueSurvivesRestart(t *testing.T) {
	f, b := newFake(t)
	f.down = true
	put(t, b, store.KindPack, "aa01", "waiting")
	again, err := Open(b.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := again.Pending(); n != 1 {
		t.Fatalf("after restart %d pending", n)
	}
}

func TestHostileAnswersAreRefused(t *testing.T) {
	cases := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request) bool
		call    func(b *Backend) error
		want    string
	}{
		{"name with dots", list(`[{"name":"../../etc/passwd","size":1,"arrived":1}]`), listPacks, "not what Cairn expects"},
		{"negative size", list(`[{"name":"aa01","size":-5,"arrived":1}]`), listPacks, "not what Cairn expects"},
		{"huge size", list(`[{"name":"aa01","size":99999999999999,"arrived":1}]`), listPacks, "not what Cairn expects"},
		{"duplicate", list(`[{"name":"aa01","size":1},{"name":"aa01","size":1}]`), listPacks, "not what Cairn expects"},
		{"garbage", list(`this is not json`), listPacks, "not what Cairn expects"},
		{"endless", func(w http.ResponseWriter, r *http.Request) bool {
			if strings.HasSuffix(r.URL.Path, "/") {
				w.Write([]byte("["))
				for i := 0; i < 3<<20; i++ {
					w.Write([]byte(`{"name":"aa01","size":1},`))
				}
				return true
			}
			return false
		}, listPacks, "too large"},
		{"short read", func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodHead {
				w.Header().Set("Content-Length", "100")
				return true
			}
			if r.Method == http.MethodGet {
				w.WriteHeader(http.StatusPartialContent)
				w.Write([]byte("short"))
				return true
			}
			return false
		}, func(b *Backend) error {
			o, err := b.Open(ctx, store.KindPack, "aa01")
			if err != nil {
				return err
			}
			_, err = o.ReadAt(make([]byte, 50), 0)
			return err
		}, "sent 5 of 50"},
		{"quota", status(http.StatusInsufficientStorage, `{"error":"over quota","code":"quota"}`), putOne, "quota"},
		{"revoked token", status(http.StatusUnauthorized, `{"code":"token"}`), putOne, "no longer accepts"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, b := newFake(t)
			f.handler = tc.handler
			err := tc.call(b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func list(body string) func(w http.ResponseWriter, r *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/") {
			w.Write([]byte(body))
			return true
		}
		return false
	}
}

func status(code int, body string) func(w http.ResponseWriter, r *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(code)
		w.Write([]byte(body))
		return true
	}
}

func listPacks(b *Backend) error {
	return b.List(ctx, store.KindPack, func(string, int64) error { return nil })
}

func putOne(b *Backend) error { return put(nil, b, store.KindPack, "aa01", "data") }

func TestServerErrorsQueueTheObject(t *testing.T) {
	f, b := newFake(t)
	f.handler = status(http.StatusInternalServerError, `oops`)
	if err := putOne(b); err != nil {
		t.Fatalf("a 500 must queue the object, not fail: %v", err)
	}
	if n, _ := b.Pending(); n != 1 {
		t.Fatalf("pending %d", n)
	}
}

func TestQuotaAndTokenErrorsMapToSentinels(t *testing.T) {
	f, b := newFake(t)
	f.handler = status(http.StatusInsufficientStorage, `{"code":"quota"}`)
	if err := putOne(b); !errors.Is(err, engine.ErrDestinationFull) || !errors.Is(err, ErrQuota) {
		t.Fatalf("quota: %v", err)
	}
	f.handler = status(http.StatusUnauthorized, `{"code":"token"}`)
	if err := putOne(b); !errors.Is(err, ErrToken) {
		t.Fatalf("token: %v", err)
	}
}

func TestPinnedCertificate(t *testing.T) {
	f := &fake{objects: map[string][]byte{}}
	srv := httptest.NewTLSServer(f)
	defer srv.Close()
	b, err := Open(Config{URL: srv.URL, DeviceID: devID, Token: "t0123456789abcdef",
		Fingerprint: Fingerprint(selfSigned(t)), Spool: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Ping(ctx); !errors.Is(err, ErrFingerprint) {
		t.Fatalf("a server with another certificate: %v", err)
	}
	fp, trusted, err := Probe(ctx, srv.URL)
	if err != nil || trusted || fp != Fingerprint(srv.Certificate().Raw) {
		t.Fatalf("probe: %s %v %v", fp, trusted, err)
	}
	if _, err := ParseFingerprint(strings.ToUpper(strings.ReplaceAll(fp, ":", ""))); err != nil {
		t.Fatal("fingerprint without colons, upper case:", err)
	}
	if _, err := ParseFingerprint("abcd"); err == nil {
		t.Fatal("short fingerprint accepted")
	}
}

// selfSigned makes another certificate than httptest's (which is always the same).
func selfSigned(t *testing.T) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
		Subject: pkix.Name{CommonName: "impostor"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}
