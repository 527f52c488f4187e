package records

import (
	"errors"
	"testing"
)

// testDirectoryAccounts: accounts from a directory are found by their
// person's identity, follow a rename, and keep who disabled them.
func testDirectoryAccounts(t *testing.T, s *SQL, _ string) {
	ctx := t.Context()
	local, err := s.AddUser(ctx, User{Name: "root", PasswordHash: "x"})
	if err != nil || local.Source != SourceLocal {
		t.Fatalf("a local account: %v %+v", err, local)
	}
	ada, err := s.AddUser(ctx, User{Name: "ada", Source: SourceLDAP, ExternalID: "uuid-1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddUser(ctx, User{Name: "ada2", Source: SourceLDAP, ExternalID: "uuid-1"}); !errors.Is(err, ErrExists) {
		t.Errorf("a second account for one person: %v", err)
	}
	if _, err := s.AddUser(ctx, User{Name: "other", Source: SourceOIDC, ExternalID: "uuid-1"}); err != nil {
		t.Errorf("the same ID from another source: %v", err)
	}
	got, err := s.UserByExternal(ctx, SourceLDAP, "uuid-1")
	if err != nil || got.ID != ada.ID || got.Source != SourceLDAP {
		t.Fatalf("by identity: %v %+v", err, got)
	}
	if _, err := s.UserByExternal(ctx, SourceLDAP, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("an empty identity found %v", err)
	}
	name, yes := "ada.lovelace", true
	if err := s.UpdateUser(ctx, "ada", UserChange{Name: &name, Disabled: &yes, SyncDisabled: &yes}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.UserByExternal(ctx, SourceLDAP, "uuid-1")
	if got.Name != name || !got.Disabled || !got.SyncDisabled {
		t.Errorf("after rename and sync disable: %+v", got)
	}
	taken := "root"
	if err := s.UpdateUser(ctx, name, UserChange{Name: &taken}); !errors.Is(err, ErrExists) {
		t.Errorf("renamed onto a taken name: %v", err)
	}
}
