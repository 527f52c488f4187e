package records

import (
	"errors"
	"testing"
	"time"
)

// testTokenRevocation: a revoked token says why and when; a user's sign-ins
// are listed and revoked by their owner only, or all at once.
func testTokenRevocation(t *testing.T, s *SQL, _ string) {
	ctx := t.Context()
	t0 := time.Unix(1_800_000_000, 0)
	ana, err := s.AddUser(ctx, User{Name: "ana", PasswordHash: "h", Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := s.AddUser(ctx, User{Name: "bob", PasswordHash: "h", Created: t0})
	dev := func(u User, name string) Device {
		d, err := s.RegisterDevice(ctx, u.ID, name, "linux", t0)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	laptop, desktop, old, bobs := dev(ana, "laptop"), dev(ana, "desktop"), dev(ana, "old"), dev(bob, "bobs")
	for h, d := range map[string]Device{"hl": laptop, "hd": desktop, "ho": old, "hb": bobs} {
		if err := s.AddToken(ctx, Token{Hash: h + "0123456789abcdef", UserID: d.UserID, DeviceID: d.ID}, t0); err != nil {
			t.Fatal(err)
		}
	}
	revoked := func(h string) *RevokedError {
		t.Helper()
		_, err := s.Session(ctx, h+"0123456789abcdef")
		var re *RevokedError
		if !errors.As(err, &re) || !errors.Is(err, ErrNotFound) {
			t.Fatalf("session %s: %v, want a revoked token", h, err)
		}
		return re
	}

	t1 := t0.Add(time.Hour)
	if _, err := s.AdoptDevice(ctx, ana.ID, old.ID, "new", "darwin", t1); err != nil {
		t.Fatal(err)
	}
	if re := revoked("ho"); re.Reason != RevokedReplaced || re.ReplacedBy != "new" || !re.At.Equal(t1) {
		t.Fatalf("adopted: %+v", re)
	}

	ss, err := s.DeviceSignins(ctx, ana.ID)
	if err != nil || len(ss) != 2 || ss[0].DeviceName != "desktop" || ss[1].DeviceName != "laptop" || len(ss[0].ID) != 16 {
		t.Fatalf("ana's sign-ins: %+v %v", ss, err)
	}
	if err := s.RevokeDeviceSignin(ctx, bob.ID, ss[1].ID, t1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob revokes ana's sign-in: %v", err)
	}
	if err := s.RevokeDeviceSignin(ctx, ana.ID, ss[1].ID, t1); err != nil {
		t.Fatal(err)
	}
	if re := revoked("hl"); re.Reason != RevokedUser {
		t.Fatalf("revoked by its user: %+v", re)
	}
	if n, err := s.RevokeUserTokens(ctx, ana.ID, RevokedAdmin, t1); err != nil || n != 1 {
		t.Fatalf("revoke ana's tokens: %d %v", n, err)
	}
	if re := revoked("hd"); re.Reason != RevokedAdmin {
		t.Fatalf("revoked by an administrator: %+v", re)
	}
	if _, err := s.Session(ctx, "hb0123456789abcdef"); err != nil {
		t.Fatalf("bob's token: %v", err)
	}
	if err := s.RetireDevice(ctx, bobs.ID, t1); err != nil {
		t.Fatal(err)
	}
	if re := revoked("hb"); re.Reason != RevokedRetired {
		t.Fatalf("retired: %+v", re)
	}
	if _, err := s.Session(ctx, "unknown"); err == nil || errors.As(err, new(*RevokedError)) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
}
