package ldapdir_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/server/ldapdir"
)

func lookup(t *testing.T, d *ldapdir.Directory, id string) (ldapdir.Person, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return d.Lookup(ctx, id)
}

func TestLookupByPermanentIdentity(t *testing.T) {
	c := newCampus(t)
	d := c.dir(t, nil)
	bob, err := signIn(t, d, "bob", "bob-pw")
	if err != nil {
		t.Fatal(err)
	}
	p, err := lookup(t, d, bob.ID)
	if err != nil || p.Name != "bob" || !p.Admin || p.DN != bob.DN {
		t.Fatalf("bob by his identity: %+v %v", p, err)
	}
	// A filter's special characters in an identity find no one.
	for _, id := range []string{"*", bob.ID[:8] + "*", ")(uid=*", ""} {
		if _, err := lookup(t, d, id); !errors.Is(err, ldapdir.ErrGone) {
			t.Errorf("identity %q: %v", id, err)
		}
	}
	c.s.SetGroupMembers(t, c.users, c.alice)
	if _, err := lookup(t, d, bob.ID); !errors.Is(err, ldapdir.ErrNotAllowed) {
		t.Errorf("bob out of the allowed group: %v", err)
	}
	c.s.Delete(t, c.bob)
	if _, err := lookup(t, d, bob.ID); !errors.Is(err, ldapdir.ErrGone) {
		t.Errorf("bob deleted: %v", err)
	}
	down := c.dir(t, func(cfg *ldapdir.Config) { cfg.URL = "ldap://127.0.0.1:1" })
	if _, err := lookup(t, down, bob.ID); !errors.Is(err, ldapdir.ErrUnavailable) {
		t.Errorf("directory down: %v", err)
	}
}
