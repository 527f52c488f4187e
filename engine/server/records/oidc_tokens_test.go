package records

import (
	"bytes"
	"testing"
	"time"
)

// TestOIDCRefreshes runs on every database: a token is stored, claimed
// for a check by one node only, rotated only over the token it replaces,
// and forgotten.
func TestOIDCRefreshes(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			testOIDCRefreshes(t, s)
		})
	}
}

func testOIDCRefreshes(t *testing.T, s *SQL) {
	ctx := t.Context()
	at := time.Unix(1700000000, 0)
	id := "https://login.example.org 1234"
	if err := s.SetOIDCRefresh(ctx, OIDCRefresh{ExternalID: id, Sealed: []byte("one"), Updated: at}); err != nil {
		t.Fatal(err)
	}
	all, err := s.OIDCRefreshes(ctx)
	if err != nil || len(all) != 1 || !bytes.Equal(all[0].Sealed, []byte("one")) || !all[0].Checked.Equal(at) {
		t.Fatalf("%+v %v", all, err)
	}
	later := at.Add(time.Hour)
	if ok, err := s.ClaimOIDCRefresh(ctx, id, at, later); !ok || err != nil {
		t.Fatalf("first claim: %v %v", ok, err)
	}
	if ok, err := s.ClaimOIDCRefresh(ctx, id, at, later); ok || err != nil {
		t.Fatalf("a second node's claim: %v %v", ok, err)
	}
	if ok, err := s.ReplaceOIDCRefresh(ctx, id, []byte("one"), []byte("two"), later); !ok || err != nil {
		t.Fatalf("rotate: %v %v", ok, err)
	}
	if ok, err := s.ReplaceOIDCRefresh(ctx, id, []byte("one"), []byte("three"), later); ok || err != nil {
		t.Fatalf("rotate over a token replaced meanwhile: %v %v", ok, err)
	}
	if err := s.DeleteOIDCRefresh(ctx, id, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.OIDCRefreshes(ctx); len(all) != 1 || !bytes.Equal(all[0].Sealed, []byte("two")) {
		t.Fatalf("deleted over a newer token: %+v", all)
	}
	if err := s.DeleteOIDCRefresh(ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.OIDCRefreshes(ctx); len(all) != 0 {
		t.Fatalf("not forgotten: %+v", all)
	}
}
