package records

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func addUser(t *testing.T, s *SQL, name string) User {
	t.Helper()
	u, err := s.AddUser(t.Context(), User{Name: name, PasswordHash: "x", Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func addDevice(t *testing.T, s *SQL, u User, name string) Device {
	t.Helper()
	d, err := s.RegisterDevice(t.Context(), u.ID, name, "linux", t0)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func testUsers(t *testing.T, s *SQL, spec string) {
	ctx := t.Context()
	u := addUser(t, s, "ana")
	if u.Quota != DefaultQuota || u.MaxDevices != DefaultMaxDevices {
		t.Fatalf("defaults: %+v", u)
	}
	if _, err := s.AddUser(ctx, User{Name: "ana", PasswordHash: "y"}); !errors.Is(err, ErrExists) {
		t.Fatalf("second ana: %v", err)
	}
	q, yes := int64(500e9), true
	if err := s.UpdateUser(ctx, "ana", UserChange{Quota: &q, Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	got, err := s.User(ctx, "ana")
	if err != nil || got.Quota != q || !got.Disabled || !got.Created.Equal(t0) {
		t.Fatalf("%+v %v", got, err)
	}
	if err := s.UpdateUser(ctx, "bob", UserChange{Quota: &q}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update bob: %v", err)
	}
	if _, err := s.User(ctx, "bob"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("user bob: %v", err)
	}
	addUser(t, s, "bob")
	us, err := s.Users(ctx)
	if err != nil || len(us) != 2 || us[0].Name != "ana" || us[1].Name != "bob" {
		t.Fatalf("%+v %v", us, err)
	}
}

func TestUserName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ana", "ana"}, {"Ana", "ana"}, {" ana.lopez@example.org ", "ana.lopez@example.org"}, {"a_b-c", "a_b-c"},
		{"", ""}, {".ana", ""}, {"ana lopez", ""}, {"ana/..", ""}, {string(make([]byte, 65)), ""},
	} {
		got, err := UserName(tc.in)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("UserName(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func testDeviceLimitAndRetire(t *testing.T, s *SQL, spec string) {
	ctx := t.Context()
	u := addUser(t, s, "ana")
	var ds []Device
	for i := range 4 {
		ds = append(ds, addDevice(t, s, u, fmt.Sprintf("laptop-%d", i)))
	}
	if again := addDevice(t, s, u, "laptop-0"); again.ID != ds[0].ID {
		t.Fatal("signing in again from a device registered a new one")
	}
	_, err := s.RegisterDevice(ctx, u.ID, "laptop-4", "linux", t0)
	if !errors.Is(err, ErrDeviceLimit) || err.Error() != "ana has 4 devices already: device limit reached" {
		t.Fatalf("5th device: %v", err)
	}
	if err := s.AddToken(ctx, Token{Hash: "h0", UserID: u.ID, DeviceID: ds[0].ID}, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.RetireDevice(ctx, ds[0].ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, "h0"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("token of a retired device: %v", err)
	}
	d4 := addDevice(t, s, u, "laptop-4")
	if d4.ID == ds[0].ID || len(d4.ID) != 32 {
		t.Fatalf("new device %+v", d4)
	}
	// The retired device and its archive stay, listed as retired.
	all, err := s.Devices(ctx, u.ID)
	if err != nil || len(all) != 5 || all[0].Name != "laptop-0" || all[0].Retired.IsZero() || !all[1].Retired.IsZero() {
		t.Fatalf("%+v %v", all, err)
	}
	if err := s.RetireDevice(ctx, "0123", t0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("retire unknown: %v", err)
	}
}

func testSessions(t *testing.T, s *SQL, spec string) {
	ctx := t.Context()
	u := addUser(t, s, "ana")
	d := addDevice(t, s, u, "laptop")
	if err := s.AddToken(ctx, Token{Hash: "h1", UserID: u.ID, DeviceID: d.ID}, t0); err != nil {
		t.Fatal(err)
	}
	se, err := s.Session(ctx, "h1")
	if err != nil || se.User.Name != "ana" || se.Device.ID != d.ID || !se.LastUsed.Equal(t0) {
		t.Fatalf("%+v %v", se, err)
	}
	later := t0.Add(time.Hour)
	if err := s.TouchSession(ctx, se, later); err != nil {
		t.Fatal(err)
	}
	if se, _ = s.Session(ctx, "h1"); !se.LastUsed.Equal(later) || !se.Device.LastSeen.Equal(later) {
		t.Fatalf("touch: %+v", se)
	}
	if _, err := s.Session(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	s.RevokeToken(ctx, "h1", RevokedSignout, later)
	if _, err := s.Session(ctx, "h1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoked token: %v", err)
	}
}

func testObjectsTrashAndUsage(t *testing.T, s *SQL, spec string) {
	ctx := t.Context()
	u := addUser(t, s, "ana")
	d := addDevice(t, s, u, "laptop")
	obj := Object{Device: d.ID, Kind: "packs", Name: "aa11", Size: 100, Arrived: t0}
	id, err := s.AddObject(ctx, obj)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddObject(ctx, obj); !errors.Is(err, ErrExists) {
		t.Fatalf("same name twice: %v", err)
	}
	usage := func() int64 { u, _ := s.User(ctx, "ana"); return u.Used }
	if usage() != 100 {
		t.Fatalf("usage %d", usage())
	}
	if dev, _ := s.Device(ctx, d.ID); dev.Bytes != 100 || dev.Objects != 1 || !dev.LastUpload.Equal(t0) {
		t.Fatalf("device %+v", dev)
	}
	if err := s.TrashObject(ctx, id, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LiveObject(ctx, d.ID, "packs", "aa11"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("trashed object still live: %v", err)
	}
	if usage() != 100 {
		t.Fatalf("usage without trash: %d", usage())
	}
	// A new generation of the name while the old one is in the trash.
	id2, err := s.AddObject(ctx, Object{Device: d.ID, Kind: "packs", Name: "aa11", Size: 7, Arrived: t0})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RestoreObject(ctx, id); !errors.Is(err, ErrExists) {
		t.Fatalf("restore over a live name: %v", err)
	}
	trash, _ := s.Objects(ctx, ObjectQuery{State: Trashed, UserID: u.ID})
	if len(trash) != 1 || trash[0].ID != id || trash[0].UserName != "ana" || trash[0].DeviceName != "laptop" {
		t.Fatalf("trash %+v", trash)
	}
	if old, _ := s.Objects(ctx, ObjectQuery{State: Trashed, DeletedBefore: t0.Add(time.Hour)}); len(old) != 0 {
		t.Fatalf("deleted before: %+v", old)
	}
	s.TrashObject(ctx, id2, t0.Add(2*time.Hour))
	if err := s.RestoreObject(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := s.PurgeObject(ctx, id2); err != nil {
		t.Fatal(err)
	}
	if usage() != 100 {
		t.Fatalf("usage after purge %d", usage())
	}
	live, _ := s.Objects(ctx, ObjectQuery{Device: d.ID, Kind: "packs"})
	if len(live) != 1 || live[0].ID != id || !live[0].Arrived.Equal(t0) {
		t.Fatalf("live %+v", live)
	}
}

func testRecountUsage(t *testing.T, s *SQL, spec string) {
	ctx := t.Context()
	u := addUser(t, s, "ana")
	d := addDevice(t, s, u, "laptop")
	s.AddObject(ctx, Object{Device: d.ID, Kind: "packs", Name: "aa", Size: 10, Arrived: t0})
	s.AddObject(ctx, Object{Device: d.ID, Kind: "packs", Name: "bb", Size: 5, Arrived: t0, Deleted: t0})
	if diffs, err := s.RecountUsage(ctx, true); err != nil || len(diffs) != 0 {
		t.Fatalf("%v %v", diffs, err)
	}
	s.exec(ctx, `UPDATE users SET used = 3`)
	diffs, err := s.RecountUsage(ctx, true)
	if err != nil || len(diffs) != 1 || diffs[0] != (UsageDiff{"ana", 3, 15}) {
		t.Fatalf("%v %v", diffs, err)
	}
	if u, _ := s.User(ctx, "ana"); u.Used != 15 {
		t.Fatalf("fixed usage %d", u.Used)
	}
}

func testSigninFailures(t *testing.T, s *SQL, spec string) {
	ctx := t.Context()
	for i := range 3 {
		s.AddSigninFailure(ctx, t0.Add(time.Duration(i)*time.Minute), "user:ana", "addr:10.0.0.1")
	}
	got, err := s.SigninFailures(ctx, "user:ana", t0.Add(30*time.Second))
	if err != nil || len(got) != 2 || !got[0].Equal(t0.Add(time.Minute)) {
		t.Fatalf("%v %v", got, err)
	}
	s.ClearSigninFailures(ctx, "user:ana")
	if got, _ := s.SigninFailures(ctx, "user:ana", t0); len(got) != 0 {
		t.Fatalf("cleared: %v", got)
	}
	s.ForgetSigninFailures(ctx, t0.Add(90*time.Second))
	if got, _ := s.SigninFailures(ctx, "addr:10.0.0.1", t0); len(got) != 1 {
		t.Fatalf("forgotten: %v", got)
	}
}

func testSettings(t *testing.T, s *SQL, spec string) {
	ctx := t.Context()
	if v, err := s.Setting(ctx, "grace"); v != "" || err != nil {
		t.Fatalf("%q %v", v, err)
	}
	s.SetSetting(ctx, "grace", "720h")
	s.SetSetting(ctx, "grace", "48h")
	if v, _ := s.Setting(ctx, "grace"); v != "48h" {
		t.Fatalf("%q", v)
	}
}

func testSchemaVersion(t *testing.T, s *SQL, spec string) {
	ctx := t.Context()
	addUser(t, s, "ana")
	s.Close()
	s, err := Open(ctx, spec) // reopening keeps the data and migrates nothing
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.User(ctx, "ana"); err != nil {
		t.Fatal(err)
	}
	s.exec(ctx, `UPDATE schema_version SET version = 99`)
	s.Close()
	if _, err := Open(ctx, spec); err == nil {
		t.Fatal("opened records of a newer schema")
	}
}

// Two processes (here two handles) write at once: they queue, none fails.
func testTwoWriters(t *testing.T, s1 *SQL, spec string) {
	s2 := openAgain(t, spec)
	ctx := context.Background()
	u := addUser(t, s1, "ana")
	d := addDevice(t, s1, u, "laptop")
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		s := []*SQL{s1, s2}[i%2]
		wg.Go(func() {
			if _, err := s.AddObject(ctx, Object{Device: d.ID, Kind: "packs", Name: fmt.Sprint(i), Size: 1, Arrived: t0}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if u, _ := s2.User(ctx, "ana"); u.Used != 100 {
		t.Fatalf("usage %d", u.Used)
	}
}
