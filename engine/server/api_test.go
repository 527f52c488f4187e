package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/vault"
)

func TestHealthzAndServerTime(t *testing.T) {
	s := newTestServer(t)
	r := s.do("GET", "/healthz", "", nil)
	expect(t, r, 200, "")
	if string(r.body) != "ok" {
		t.Fatalf("body %q", r.body)
	}
	for _, r := range []reply{r, s.do("GET", "/nowhere", "", nil), s.do("GET", "/api/v1/devices", "", nil)} {
		if r.Header.Get("X-Cairn-Time") != strconv.FormatInt(s.clock.Now().UnixNano(), 10) {
			t.Errorf("%s: X-Cairn-Time %q", r.Request.URL.Path, r.Header.Get("X-Cairn-Time"))
		}
	}
	expect(t, s.do("GET", "/nowhere", "", nil), 404, "not_found")
	expect(t, s.do("DELETE", "/api/v1/signin", "", nil), 405, "bad_request")
}

func TestPutIsDurableAndIdempotent(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	p := objPath(dev, "packs", "ab12cd")
	r := s.do("PUT", p, token, "sealed pack")
	expect(t, r, 201, "")
	if r.Header.Get("X-Cairn-Arrived") != strconv.FormatInt(s.clock.Now().UnixNano(), 10) {
		t.Fatalf("arrived %q", r.Header.Get("X-Cairn-Arrived"))
	}
	// In the store under its name before the 201, and recorded.
	if b, err := s.stored(blobs.Ref{Device: dev, Kind: "packs", Name: "ab12cd"}); string(b) != "sealed pack" {
		t.Fatalf("in the store: %q %v", b, err)
	}
	s.clock.Advance(time.Minute)
	expect(t, s.do("PUT", p, token, "sealed pack"), 200, "")
	expect(t, s.do("PUT", p, token, "sealed pack, longer"), 409, "exists")
	r = s.do("GET", p, token, nil)
	expect(t, r, 200, "")
	if string(r.body) != "sealed pack" {
		t.Fatalf("read %q", r.body)
	}
	r = s.do("HEAD", p, token, nil)
	arrived := s.clock.Now().Add(-time.Minute).UnixNano()
	if r.StatusCode != 200 || r.ContentLength != 11 || r.Header.Get("X-Cairn-Arrived") != fmt.Sprint(arrived) {
		t.Fatalf("HEAD: %d, %d bytes, arrived %q", r.StatusCode, r.ContentLength, r.Header.Get("X-Cairn-Arrived"))
	}
	r = s.do("GET", "/api/v1/devices/"+dev+"/packs/", token, nil)
	expect(t, r, 200, "")
	var list []objectJSON
	json.Unmarshal(r.body, &list)
	if len(list) != 1 || list[0] != (objectJSON{"ab12cd", 11, arrived}) {
		t.Fatalf("listing %s", r.body)
	}
	r = s.do("GET", "/api/v1/devices/"+dev+"/keys/", token, nil)
	if string(r.body) != "[]\n" {
		t.Fatalf("empty listing %q", r.body)
	}
}

func TestBadObjectRequests(t *testing.T) {
	s := newTestServer(t, func(o *Options) { o.MaxObject = 1024 })
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
		code         string
	}{
		{"PUT", objPath(dev, "photos", "x"), "x", 400, "bad_request"},
		{"PUT", objPath(dev, "packs", ".hidden"), "x", 400, "bad_request"},
		{"PUT", objPath(dev, "packs", "a%2Fb"), "x", 400, "bad_request"},
		{"PUT", objPath(dev, "packs", strings.Repeat("a", 129)), "x", 400, "bad_request"},
		{"GET", objPath(dev, "packs", "%2e%2e"), nil, 400, "bad_request"},
		{"PUT", objPath(dev, "packs", "big"), bytes.Repeat([]byte("x"), 1025), 413, "too_large"},
		{"PUT", objPath(dev, "packs", "chunked"), io.MultiReader(strings.NewReader("x")), 411, "bad_request"},
		{"GET", objPath(dev, "packs", "missing"), nil, 404, "not_found"},
		{"HEAD", objPath(dev, "packs", "missing"), nil, 404, ""},
		{"DELETE", objPath(dev, "packs", "missing"), nil, 204, ""},
		{"POST", objPath(dev, "packs", "x"), "x", 405, ""},
	} {
		t.Run(tc.method+" "+tc.path[len(tc.path)-min(12, len(tc.path)):], func(t *testing.T) {
			expect(t, s.do(tc.method, tc.path, token, tc.body), tc.status, tc.code)
		})
	}
	if objs, _ := s.data.Records.Objects(t.Context(), records.ObjectQuery{State: records.AnyState}); len(objs) != 0 {
		t.Fatalf("stored %d objects", len(objs))
	}
	if es, _ := os.ReadDir(filepath.Join(s.data.Dir, "tmp")); len(es) != 0 {
		t.Fatalf("%d uploads left in tmp/", len(es))
	}
}

func TestRangeReads(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	p := objPath(dev, "packs", "range1")
	expect(t, s.do("PUT", p, token, "0123456789"), 201, "")
	for _, tc := range []struct {
		rng    string
		status int
		want   string
	}{
		{"bytes=2-5", 206, "2345"},
		{"bytes=7-", 206, "789"},
		{"bytes=-2", 206, "89"},
		{"bytes=5-100", 206, "56789"},
		{"bytes=20-30", 416, ""},
	} {
		r := s.do("GET", p, token, nil, "Range", tc.rng)
		if r.StatusCode != tc.status || tc.status == 206 && string(r.body) != tc.want {
			t.Errorf("%s: %d %q", tc.rng, r.StatusCode, r.body)
		}
	}
}

func TestUsersCannotReachEachOther(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	s.addUser("bob", records.User{})
	ana, anaDev := s.signin("ana", "laptop")
	bob, bobDev := s.signin("bob", "laptop")
	expect(t, s.do("PUT", objPath(anaDev, "keys", "k1"), ana, "ana's key"), 201, "")
	unknown := records.NewDeviceID()
	for _, dev := range []string{anaDev, unknown} {
		for _, tc := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/v1/devices/" + dev + "/keys/", nil},
			{"GET", objPath(dev, "keys", "k1"), nil},
			{"HEAD", objPath(dev, "keys", "k1"), nil},
			{"PUT", objPath(dev, "keys", "k2"), "bob's"},
			{"PUT", objPath(dev, "keys", "k1"), "ana's key"},
			{"DELETE", objPath(dev, "keys", "k1"), nil},
		} {
			r := s.do(tc.method, tc.path, bob, tc.body)
			if r.StatusCode != 404 || tc.method != "HEAD" && r.code() != "not_found" {
				t.Errorf("bob %s %s: %d %s", tc.method, tc.path, r.StatusCode, r.body)
			}
		}
	}
	// What says "no such device" says the same for ana's and for nobody's.
	a := s.do("GET", objPath(anaDev, "keys", "k1"), bob, nil)
	b := s.do("GET", objPath(unknown, "keys", "k1"), bob, nil)
	if string(a.body) != string(b.body) {
		t.Fatalf("an existing device answers differently: %s vs %s", a.body, b.body)
	}
	r := s.do("GET", "/api/v1/devices", bob, nil)
	var devs []deviceJSON
	json.Unmarshal(r.body, &devs)
	if len(devs) != 1 || devs[0].ID != bobDev {
		t.Fatalf("bob's devices: %s", r.body)
	}
	if r := s.do("GET", objPath(anaDev, "keys", "k1"), ana, nil); string(r.body) != "ana's key" {
		t.Fatalf("ana's key: %d %q", r.StatusCode, r.body)
	}
	if objs, _ := s.data.Records.Objects(t.Context(), records.ObjectQuery{State: records.AnyState}); len(objs) != 1 {
		t.Fatalf("%d objects", len(objs))
	}
}

func TestDevicesListing(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	s.clock.Advance(time.Hour)
	expect(t, s.do("PUT", objPath(dev, "packs", "p1"), token, "12345"), 201, "")
	expect(t, s.do("PUT", objPath(dev, "keys", "k1"), token, "123"), 201, "")
	r := s.do("GET", "/api/v1/devices", token, nil)
	var raw []map[string]any
	json.Unmarshal(r.body, &raw)
	for _, f := range []string{"id", "name", "os", "created", "last_seen", "last_upload", "bytes", "objects"} {
		if _, ok := raw[0][f]; !ok {
			t.Errorf("no %q in %s", f, r.body)
		}
	}
	var devs []deviceJSON
	json.Unmarshal(r.body, &devs)
	d := devs[0]
	if d.Name != "laptop" || d.OS != "linux" || d.Bytes != 8 || d.Objects != 2 || d.LastUpload != s.clock.Now().UnixNano() ||
		d.Created != s.clock.Now().Add(-time.Hour).UnixNano() {
		t.Fatalf("%+v", d)
	}
}

func TestQuotaCountsTheTrash(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{Quota: 100})
	token, dev := s.signin("ana", "laptop")
	expect(t, s.do("PUT", objPath(dev, "packs", "p1"), token, strings.Repeat("x", 60)), 201, "")
	expect(t, s.do("PUT", objPath(dev, "packs", "p2"), token, strings.Repeat("x", 50)), 507, "quota")
	expect(t, s.do("DELETE", objPath(dev, "packs", "p1"), token, nil), 204, "")
	expect(t, s.do("PUT", objPath(dev, "packs", "p2"), token, strings.Repeat("x", 50)), 507, "quota")
	expect(t, s.do("PUT", objPath(dev, "packs", "p2"), token, strings.Repeat("x", 40)), 201, "")
}

// fullDisk is the real disk, but full.
type fullDisk struct{ blobs.Store }

func (fullDisk) Stage(context.Context, int64, io.Reader) (blobs.Staged, error) {
	return nil, fmt.Errorf("stage upload: %w (no space left on device)", blobs.ErrFull)
}

func TestDiskFull(t *testing.T) {
	s := newTestServer(t, func(o *Options) {
		v, err := vault.New(o.Vault.Records(), fullDisk{}, vault.Options{Now: o.Now})
		if err != nil {
			t.Fatal(err)
		}
		o.Vault = v
	})
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	expect(t, s.do("PUT", objPath(dev, "packs", "p1"), token, "x"), 507, "disk_full")
}

func TestDeleteTrashRestorePurge(t *testing.T) {
	s := newTestServer(t, func(o *Options) { o.Grace = 48 * time.Hour })
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	p := objPath(dev, "versions", "seg1")
	expect(t, s.do("PUT", p, token, "versions"), 201, "")
	expect(t, s.do("DELETE", p, token, nil), 204, "")
	expect(t, s.do("DELETE", p, token, nil), 204, "")
	expect(t, s.do("GET", p, token, nil), 404, "not_found")
	expect(t, s.do("HEAD", p, token, nil), 404, "")
	if r := s.do("GET", "/api/v1/devices/"+dev+"/versions/", token, nil); string(r.body) != "[]\n" {
		t.Fatalf("listed after delete: %s", r.body)
	}
	usage := func() int64 { u, _ := s.data.Records.User(t.Context(), "ana"); return u.Used }
	if usage() != 8 {
		t.Fatalf("usage without the trash: %d", usage())
	}
	// The administrator's undo.
	rep, err := s.data.Vault.RestoreTrash(t.Context(), records.ObjectQuery{Device: dev})
	if err != nil || rep.Restored != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	if r := s.do("GET", p, token, nil); string(r.body) != "versions" {
		t.Fatalf("restored: %d %q", r.StatusCode, r.body)
	}
	// Deleted again, purged once the grace window has passed, not before.
	expect(t, s.do("DELETE", p, token, nil), 204, "")
	s.clock.Advance(47 * time.Hour)
	s.srv.Purge(t.Context())
	if usage() != 8 {
		t.Fatal("purged before the grace window ended")
	}
	s.clock.Advance(2 * time.Hour)
	s.srv.Purge(t.Context())
	if usage() != 0 {
		t.Fatalf("usage after purge %d", usage())
	}
	if trash, _ := s.data.Records.Objects(t.Context(), records.ObjectQuery{State: records.Trashed}); len(trash) != 0 {
		t.Fatalf("trash %+v", trash)
	}
	if !strings.Contains(s.log.String(), "purged the trash") {
		t.Fatal("purge not logged")
	}
	expect(t, s.do("PUT", p, token, "new versions"), 201, "")
}

func TestConcurrentUploads(t *testing.T) {
	const n = 24
	s := newTestServer(t, func(o *Options) { o.MaxUploads = 2 * n }) // this test is about names, not the limit
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	data := make([][]byte, n)
	for i := range data {
		data[i] = make([]byte, 64<<10+i)
		rand.Read(data[i])
	}
	var wg sync.WaitGroup
	statuses := make([]int, 2*n)
	for i := range 2 * n { // every object twice, at once
		wg.Go(func() {
			req, _ := http.NewRequest("PUT", s.ts.URL+objPath(dev, "packs", fmt.Sprintf("%04x", i%n)), bytes.NewReader(data[i%n]))
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := s.ts.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i := range n {
		a, b := statuses[i], statuses[i+n]
		if !(a == 201 && b == 200 || a == 200 && b == 201) {
			t.Errorf("object %d: %d and %d", i, a, b)
		}
		r := s.do("GET", objPath(dev, "packs", fmt.Sprintf("%04x", i)), token, nil)
		if !bytes.Equal(r.body, data[i]) {
			t.Errorf("object %d differs", i)
		}
	}
	if rep, _ := s.data.Vault.Check(t.Context(), vault.CheckOptions{}); len(rep.Problems) != 0 || rep.Files != n {
		t.Fatalf("check: %+v", rep)
	}
}

func TestRequestLog(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{})
	token, dev := s.signin("ana", "laptop")
	expect(t, s.do("PUT", objPath(dev, "keys", "k1"), token, "key"), 201, "")
	logs := s.log.String()
	if strings.Contains(logs, token) || strings.Contains(logs, "pw-ana") {
		t.Fatal("a token or a password reached the log")
	}
	want := fmt.Sprintf(`method=PUT path=/api/v1/devices/%s/keys/k1 status=201 bytes=0 received=3`, dev)
	if !strings.Contains(logs, want) || !strings.Contains(logs, "user=ana device="+dev) {
		t.Fatalf("log lacks %q:\n%s", want, logs)
	}
}

// Answers given without reading a large body (already stored, conflict,
// quota) reach an HTTP/1.1 client that is still sending it.
func TestEarlyAnswersToLargeBodies(t *testing.T) {
	s := newTestServer(t)
	s.addUser("ana", records.User{Quota: 3 << 20})
	token, dev := s.signin("ana", "laptop")
	big := bytes.Repeat([]byte("b"), 2<<20)
	tc := s.ts.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	tc.NextProtos = []string{"http/1.1"}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tc}}
	put := func(name string, body []byte) int {
		req, _ := http.NewRequest("PUT", s.ts.URL+objPath(dev, "packs", name), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("PUT %s: %v", name, err)
		}
		resp.Body.Close()
		if resp.ProtoMajor != 1 {
			t.Fatalf("HTTP/%d", resp.ProtoMajor)
		}
		return resp.StatusCode
	}
	for _, tc := range []struct {
		name string
		body []byte
		want int
	}{
		{"p1", big, 201},
		{"p1", big, 200},
		{"p1", big[1:], 409},
		{"p2", big, 507},
		{"p3", big[:1<<20], 201},
	} {
		if got := put(tc.name, tc.body); got != tc.want {
			t.Errorf("PUT %s (%d bytes): %d, want %d", tc.name, len(tc.body), got, tc.want)
		}
	}
}
