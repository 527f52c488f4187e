package ldapdir

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// ErrGone: Lookup found no one with the identity (under UserBase, through
// UserFilter): the person left, or no longer matches the filter.
var ErrGone = errors.New("you are no longer in the organisation's directory; ask your IT department")

// Lookup finds a person by their permanent identity (Person.ID), for the
// check at token use between syncs. Like Authenticate it answers
// ErrDisabled or ErrNotAllowed (with the person) when they may no longer
// use the service, ErrGone when no one has the identity, and an error
// wrapping ErrUnavailable when the directory could not be asked.
func (d *Directory) Lookup(ctx context.Context, id string) (Person, error) {
	value, err := d.idFilterValue(id)
	if err != nil {
		return Person{}, fmt.Errorf("%w: %v", ErrGone, err)
	}
	conn, err := d.connect(ctx)
	if err != nil {
		return Person{}, err
	}
	defer conn.Close()
	people := strings.ReplaceAll(d.c.UserFilter, "{username}", "*")
	filter := fmt.Sprintf("(&%s(%s=%s))", people, d.c.IDAttribute, value)
	res, err := conn.Search(d.userSearch(filter, 2))
	if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		return Person{}, fmt.Errorf("%w (search by identity: %v)", ErrUnavailable, err)
	}
	if res == nil || len(res.Entries) != 1 {
		return Person{}, ErrGone
	}
	p, err := d.person(res.Entries[0], d.searchGroups(conn))
	if err != nil {
		return Person{}, err
	}
	switch {
	case p.ID != id:
		return Person{}, ErrGone // not the same identity after all
	case p.Disabled:
		return p, ErrDisabled
	case !p.Allowed:
		return p, ErrNotAllowed
	}
	return p, nil
}

// idFilterValue is an identity as a filter's assertion value, escaped:
// entryUUID as text, objectGUID as its 16 bytes (the binary attribute is
// matched byte by byte, each written \xx).
func (d *Directory) idFilterValue(id string) (string, error) {
	if id == "" {
		return "", errors.New("no identity")
	}
	if !strings.EqualFold(d.c.IDAttribute, "objectGUID") {
		return ldap.EscapeFilter(id), nil
	}
	b, err := guidBytes(id)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	for _, c := range b {
		fmt.Fprintf(&out, `\%02x`, c)
	}
	return out.String(), nil
}

// guidBytes is guidString's inverse: the UUID spelling of an objectGUID
// back to its 16 bytes (the first three fields little-endian).
func guidBytes(s string) ([]byte, error) {
	raw, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(raw) != 16 || len(s) != 36 {
		return nil, fmt.Errorf("%q is not an objectGUID", s)
	}
	b := make([]byte, 16)
	binary.LittleEndian.PutUint32(b[0:4], binary.BigEndian.Uint32(raw[0:4]))
	binary.LittleEndian.PutUint16(b[4:6], binary.BigEndian.Uint16(raw[4:6]))
	binary.LittleEndian.PutUint16(b[6:8], binary.BigEndian.Uint16(raw[6:8]))
	copy(b[8:], raw[8:])
	return b, nil
}
