package records

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestOrgKeys runs on every database: a device's wrapped key is set,
// replaced, listed, and copied by Copy.
func TestOrgKeys(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			testOrgKeys(t, s)
		})
	}
}

func testOrgKeys(t *testing.T, s *SQL) {
	ctx := t.Context()
	u := addUser(t, s, "ana")
	d1, d2 := addDevice(t, s, u, "laptop"), addDevice(t, s, u, "desktop")
	if _, err := s.OrgKey(ctx, d1.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a device without a key: %v", err)
	}
	at := time.Unix(1700000000, 0)
	s.SetOrgKey(ctx, OrgKey{Device: d1.ID, KEK: "old", Wrapped: []byte{1, 2, 3}, Updated: at})
	if err := s.SetOrgKey(ctx, OrgKey{Device: d1.ID, KEK: "new", Wrapped: []byte{4, 5}, Updated: at}); err != nil {
		t.Fatal(err)
	}
	s.SetOrgKey(ctx, OrgKey{Device: d2.ID, KEK: "old", Wrapped: []byte{6}, Updated: at})
	k, err := s.OrgKey(ctx, d1.ID)
	if err != nil || k.KEK != "new" || !bytes.Equal(k.Wrapped, []byte{4, 5}) || !k.Updated.Equal(at) {
		t.Fatalf("%+v %v", k, err)
	}
	all, err := s.OrgKeys(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("%+v %v", all, err)
	}
	to := openAgain(t, filepath.Join(t.TempDir(), "copy.db"))
	if err := Copy(ctx, s, to, nil); err != nil {
		t.Fatal(err)
	}
	if k, err := to.OrgKey(ctx, d2.ID); err != nil || !bytes.Equal(k.Wrapped, []byte{6}) {
		t.Fatalf("not copied: %+v %v", k, err)
	}
}
