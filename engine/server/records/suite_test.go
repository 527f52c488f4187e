package records

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/internal/testservers"
)

// One suite, every database: each test gets a new, empty store and the spec
// that opens it again (a file path, a postgres:// URL).

func TestMain(m *testing.M) {
	code := m.Run()
	testservers.StopPostgres()
	os.Exit(code)
}

type backend struct {
	name string
	open func(t *testing.T) (*SQL, string)
}

var backends = []backend{
	{"sqlite", func(t *testing.T) (*SQL, string) {
		return openSpec(t, filepath.Join(t.TempDir(), "records.db"))
	}},
	{"postgres", func(t *testing.T) (*SQL, string) {
		return openSpec(t, testservers.StartPostgres(t))
	}},
}

var suite = []struct {
	name string
	test func(t *testing.T, s *SQL, spec string)
}{
	{"Users", testUsers},
	{"DeviceLimitAndRetire", testDeviceLimitAndRetire},
	{"Sessions", testSessions},
	{"ObjectsTrashAndUsage", testObjectsTrashAndUsage},
	{"RecountUsage", testRecountUsage},
	{"SigninFailures", testSigninFailures},
	{"Settings", testSettings},
	{"SchemaVersion", testSchemaVersion},
	{"TwoWriters", testTwoWriters},
	{"DeviceLimitTwoNodes", testDeviceLimitTwoNodes},
	{"QuotaTwoNodes", testQuotaTwoNodes},
	{"Migrations", testMigrations},
	{"WebAuditEscrow", testWebAuditEscrow},
	{"Copy", testCopy},
	{"TokenRevocation", testTokenRevocation},
	{"DirectoryAccounts", testDirectoryAccounts},
}

func TestRecords(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			for _, tc := range suite {
				t.Run(tc.name, func(t *testing.T) {
					s, spec := b.open(t)
					tc.test(t, s, spec)
				})
			}
		})
	}
}

// openSpec opens the store spec names, closed when t ends.
func openSpec(t *testing.T, spec string) (*SQL, string) {
	t.Helper()
	return openAgain(t, spec), spec
}

// openAgain opens another handle on the store spec names: another process,
// or another node.
func openAgain(t *testing.T, spec string) *SQL {
	t.Helper()
	s, err := Open(t.Context(), spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Two nodes (two handles, each with its connections) sign in computers of
// one user at once, at the device limit: never more devices than allowed.
func testDeviceLimitTwoNodes(t *testing.T, s1 *SQL, spec string) {
	s2 := openAgain(t, spec)
	ctx := t.Context()
	u := addUser(t, s1, "ana")
	addDevice(t, s1, u, "old-laptop")
	const tries = 24
	var wg sync.WaitGroup
	errs := make(chan error, tries)
	for i := range tries {
		s := []*SQL{s1, s2}[i%2]
		wg.Go(func() {
			_, err := s.RegisterDevice(ctx, u.ID, fmt.Sprintf("laptop-%d", i%6), "linux", t0)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	var refused int
	for err := range errs {
		switch {
		case errors.Is(err, ErrDeviceLimit):
			refused++
		case err != nil:
			t.Errorf("register: %v", err)
		}
	}
	ds, err := s2.Devices(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, d := range ds {
		if names[d.Name] {
			t.Errorf("two devices called %s", d.Name)
		}
		names[d.Name] = true
	}
	if len(ds) != DefaultMaxDevices || refused == 0 {
		t.Fatalf("%d devices (limit %d), %d sign-ins refused", len(ds), DefaultMaxDevices, refused)
	}
}

// Two nodes store objects of one user at once, near the quota: usage never
// goes over it, and every byte that fits is taken.
func testQuotaTwoNodes(t *testing.T, s1 *SQL, spec string) {
	s2 := openAgain(t, spec)
	ctx := t.Context()
	u, err := s1.AddUser(ctx, User{Name: "ana", PasswordHash: "x", Quota: 10, Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	d := addDevice(t, s1, u, "laptop")
	const tries = 40
	var wg sync.WaitGroup
	var stored, over atomic.Int64
	for i := range tries {
		s := []*SQL{s1, s2}[i%2]
		wg.Go(func() {
			_, err := s.AddObjectInQuota(ctx, Object{Device: d.ID, Kind: "packs", Name: fmt.Sprint(i), Size: 1, Arrived: t0})
			switch {
			case err == nil:
				stored.Add(1)
			case errors.Is(err, ErrQuota):
				over.Add(1)
			default:
				t.Errorf("add: %v", err)
			}
		})
	}
	wg.Wait()
	got, err := s2.User(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if got.Used != 10 || stored.Load() != 10 || over.Load() != tries-10 {
		t.Fatalf("used %d of 10; %d stored, %d refused", got.Used, stored.Load(), over.Load())
	}
	if diffs, err := s1.RecountUsage(ctx, false); err != nil || len(diffs) != 0 {
		t.Fatalf("recount: %v %v", diffs, err)
	}
	if _, err := s1.AddObjectInQuota(ctx, Object{Device: "nope", Kind: "packs", Name: "x", Size: 1}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown device: %v", err)
	}
}

// Migrating an empty database gives the current schema; opening it again
// (and again, at once) changes nothing.
func testMigrations(t *testing.T, s *SQL, spec string) {
	ctx := t.Context()
	version := func(s *SQL) int {
		var v, n int
		if err := s.queryRow(ctx, `SELECT MAX(version), COUNT(*) FROM schema_version`).Scan(&v, &n); err != nil || n != 1 {
			t.Fatalf("schema_version: %d rows, %v", n, err)
		}
		return v
	}
	if v := version(s); v != SchemaVersion {
		t.Fatalf("schema %d, want %d", v, SchemaVersion)
	}
	before, err := s.Sums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			s2, err := Open(ctx, spec)
			if err != nil {
				t.Error(err)
				return
			}
			defer s2.Close()
			if v := version(s2); v != SchemaVersion {
				t.Errorf("schema %d after reopening", v)
			}
		})
	}
	wg.Wait()
	after, err := s.Sums(ctx)
	if err != nil || !slices.Equal(before, after) {
		t.Fatalf("reopening changed the records: %v %v %v", before, after, err)
	}
}

// The web pages' records and the escrowed keys, on every database.
func testWebAuditEscrow(t *testing.T, s *SQL, spec string) {
	ctx := t.Context()
	u := addUser(t, s, "ana")
	d := addDevice(t, s, u, "laptop")
	ws := WebSession{Hash: "w1", UserID: u.ID, Created: t0, LastUsed: t0, Addr: "10.0.0.1"}
	if err := s.AddWebSession(ctx, ws); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchWebSession(ctx, "w1", t0.Add(time.Minute), "Europe/Stockholm"); err != nil {
		t.Fatal(err)
	}
	s.TouchWebSession(ctx, "w1", t0.Add(2*time.Minute), "")
	got, err := s.WebSession(ctx, "w1")
	if err != nil || got.UserName != "ana" || got.Zone != "Europe/Stockholm" || !got.LastUsed.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("%+v %v", got, err)
	}
	expired, err := s.ExpireWebSessions(ctx, t0, t0.Add(time.Hour))
	if err != nil || len(expired) != 1 || expired[0] != "w1" {
		t.Fatalf("expired %v %v", expired, err)
	}
	for i := range 3 {
		if err := s.AddAudit(ctx, AuditEntry{At: t0, Actor: "ana", Action: "download", Target: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	es, err := s.Audit(ctx, 0, 2)
	if err != nil || len(es) != 2 || es[0].Target != "2" {
		t.Fatalf("audit %+v %v", es, err)
	}
	if older, _ := s.Audit(ctx, es[1].ID, 10); len(older) != 1 || older[0].Target != "0" {
		t.Fatalf("older %+v", older)
	}
	if err := s.SetEscrow(ctx, Escrow{Device: d.ID, KeyFingerprint: "fp", Sealed: []byte{0, 1, 255}, Updated: t0}); err != nil {
		t.Fatal(err)
	}
	s.SetEscrow(ctx, Escrow{Device: d.ID, KeyFingerprint: "fp2", Sealed: []byte{9}, Updated: t0})
	if e, err := s.Escrow(ctx, d.ID); err != nil || e.KeyFingerprint != "fp2" || string(e.Sealed) != "\x09" {
		t.Fatalf("escrow %+v %v", e, err)
	}
	s.RecordAlert(ctx, d.ID, 1, t0, t0)
	s.RecordAlert(ctx, d.ID, 1, t0.Add(time.Hour), t0)
	if sent, err := s.AlertSent(ctx, d.ID, 1, t0.Add(time.Hour)); !sent || err != nil {
		t.Fatalf("alert %v %v", sent, err)
	}
	if err := s.SetUserEmail(ctx, "ana", "ana@example.org"); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.UserEmails(ctx); m[u.ID] != "ana@example.org" {
		t.Fatalf("emails %v", m)
	}
}

// Copy fills another store (of either kind) with the same records, IDs
// kept; copying again copies nothing; Verify sees a difference.
func testCopy(t *testing.T, from *SQL, spec string) {
	ctx := t.Context()
	u := addUser(t, from, "ana")
	d := addDevice(t, from, u, "laptop")
	from.AddToken(ctx, Token{Hash: "h1", UserID: u.ID, DeviceID: d.ID}, t0)
	for i := range copyBatch + 3 {
		id, err := from.AddObject(ctx, Object{Device: d.ID, Kind: "packs", Name: fmt.Sprintf("p%04d", i), Size: int64(i), Arrived: t0})
		if err != nil {
			t.Fatal(err)
		}
		if i%100 == 0 {
			from.TrashObject(ctx, id, t0.Add(time.Hour))
		}
	}
	from.SetEscrow(ctx, Escrow{Device: d.ID, KeyFingerprint: "fp", Sealed: []byte("sealed"), Updated: t0})
	from.AddAudit(ctx, AuditEntry{At: t0, Actor: "ana", Action: "download", Target: "x"})
	from.SetSetting(ctx, "grace", "48h")
	from.AddWebSession(ctx, WebSession{Hash: "w", UserID: u.ID, Created: t0, LastUsed: t0})

	for _, b := range backends {
		t.Run("to-"+b.name, func(t *testing.T) {
			to, _ := b.open(t)
			var last CopyProgress
			if err := Copy(ctx, from, to, func(p CopyProgress) {
				if p.Table == "objects" {
					last = p
				}
			}); err != nil {
				t.Fatal(err)
			}
			if !last.Done || last.Copied != copyBatch+3 || last.Skipped != 0 {
				t.Fatalf("objects: %+v", last)
			}
			if _, err := Verify(ctx, from, to); err != nil {
				t.Fatal(err)
			}
			if err := Copy(ctx, from, to, func(p CopyProgress) {
				if p.Table == "audit" {
					last = p
				}
			}); err != nil || last.Copied != 0 || last.Skipped != 1 {
				t.Fatalf("again: %+v %v", last, err)
			}
			// New rows get new IDs after the copied ones.
			u2 := addUser(t, to, "bob")
			if u2.ID <= u.ID {
				t.Fatalf("bob got id %d after ana's %d", u2.ID, u.ID)
			}
			id, err := to.AddObject(ctx, Object{Device: d.ID, Kind: "packs", Name: "new", Size: 1, Arrived: t0})
			if err != nil || id != copyBatch+4 {
				t.Fatalf("next object id %d %v", id, err)
			}
			if got, _ := to.User(ctx, "ana"); got.Used != u.Used+int64((copyBatch+3)*(copyBatch+2)/2)+1 {
				t.Fatalf("usage %d", got.Used)
			}
			if _, err := Verify(ctx, from, to); err == nil {
				t.Fatal("verify missed a difference")
			}
			if _, err := to.WebSession(ctx, "w"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("web session copied: %v", err)
			}
		})
	}
}
