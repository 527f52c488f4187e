package ldapdir

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// adAccountDisable is userAccountControl's ACCOUNTDISABLE bit.
const adAccountDisable = 0x2

// groupsOf finds the groups under GroupBase that list a DN as a member.
type groupsOf func(dn string) ([]string, error)

// person reads an entry: identity, name, groups and flags; groups finds
// the groups under GroupBase (when set).
func (d *Directory) person(e *ldap.Entry, groups groupsOf) (Person, error) {
	p := Person{
		ID:          d.identity(e),
		Name:        e.GetEqualFoldAttributeValue(d.c.UsernameAttribute),
		DN:          e.DN,
		DisplayName: first(e.GetEqualFoldAttributeValue("displayName"), e.GetEqualFoldAttributeValue("cn")),
		Email:       e.GetEqualFoldAttributeValue("mail"),
		Groups:      e.GetEqualFoldAttributeValues("memberOf"),
	}
	if uac, err := strconv.ParseInt(e.GetEqualFoldAttributeValue("userAccountControl"), 10, 64); err == nil {
		p.Disabled = uac&adAccountDisable != 0
	}
	if d.c.GroupBase != "" {
		more, err := groups(e.DN)
		if err != nil {
			return Person{}, err
		}
		p.Groups = append(p.Groups, more...)
	}
	p.Allowed = len(d.c.AllowedGroups) == 0 || inAny(p.Groups, d.c.AllowedGroups)
	p.Admin = inAny(p.Groups, d.c.AdminGroups)
	return p, nil
}

// identity is the entry's permanent ID: entryUUID as it is, objectGUID (16
// bytes, the first three fields little-endian) as a UUID string.
func (d *Directory) identity(e *ldap.Entry) string {
	if strings.EqualFold(d.c.IDAttribute, "objectGUID") {
		return guidString(e.GetEqualFoldRawAttributeValue("objectGUID"))
	}
	return e.GetEqualFoldAttributeValue(d.c.IDAttribute)
}

// guidString spells an Active Directory objectGUID as a UUID, as AD's own
// tools show it; "" when it is not 16 bytes.
func guidString(b []byte) string {
	if len(b) != 16 {
		return ""
	}
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", binary.LittleEndian.Uint32(b[0:4]),
		binary.LittleEndian.Uint16(b[4:6]), binary.LittleEndian.Uint16(b[6:8]), b[8:10], b[10:16])
}

// inChain is Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: membership
// through nested groups.
const inChain = "1.2.840.113556.1.4.1941"

// searchGroups finds, with one search, the groups under GroupBase that
// list dn as a member (transitively with NestedGroups).
func (d *Directory) searchGroups(conn *ldap.Conn) groupsOf {
	return func(dn string) ([]string, error) { return d.searchGroupsOf(conn, dn) }
}

func (d *Directory) searchGroupsOf(conn *ldap.Conn, dn string) ([]string, error) {
	rule := "member"
	if d.c.NestedGroups {
		rule = "member:" + inChain + ":"
	}
	filter := fmt.Sprintf("(&(|(objectClass=groupOfNames)(objectClass=group))(%s=%s))", rule, ldap.EscapeFilter(dn))
	req := ldap.NewSearchRequest(d.c.GroupBase, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0,
		int(d.c.Timeout.Seconds()), false, filter, []string{"dn"}, nil)
	res, err := conn.SearchWithPaging(req, 500)
	if err != nil {
		return nil, fmt.Errorf("%w (search groups: %v)", ErrUnavailable, err)
	}
	out := make([]string, 0, len(res.Entries))
	for _, g := range res.Entries {
		out = append(out, g.DN)
	}
	return out, nil
}

// inAny reports whether one of groups is one of wanted, comparing DNs as
// the directory does (case and spacing do not matter).
func inAny(groups, wanted []string) bool {
	for _, w := range wanted {
		wdn, err := ldap.ParseDN(w)
		for _, g := range groups {
			if err != nil {
				if strings.EqualFold(g, w) {
					return true
				}
				continue
			}
			if gdn, gerr := ldap.ParseDN(g); gerr == nil && gdn.EqualFold(wdn) {
				return true
			}
		}
	}
	return false
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// allGroups reads every group under GroupBase once, with its members, for
// the sync's listing of everyone: one search instead of one per person.
// With NestedGroups it is the per-person search (membership through nested
// groups is the directory's to resolve).
func (d *Directory) allGroups(conn *ldap.Conn) (groupsOf, error) {
	if d.c.GroupBase == "" || d.c.NestedGroups {
		return d.searchGroups(conn), nil
	}
	req := ldap.NewSearchRequest(d.c.GroupBase, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0,
		int(d.c.Timeout.Seconds()), false, "(|(objectClass=groupOfNames)(objectClass=group))", []string{"member"}, nil)
	res, err := conn.SearchWithPaging(req, 500)
	if err != nil {
		return nil, fmt.Errorf("%w (list groups: %v)", ErrUnavailable, err)
	}
	byMember := map[string][]string{}
	for _, g := range res.Entries {
		for _, m := range g.GetEqualFoldAttributeValues("member") {
			byMember[dnKey(m)] = append(byMember[dnKey(m)], g.DN)
		}
	}
	return func(dn string) ([]string, error) { return byMember[dnKey(dn)], nil }, nil
}

// dnKey is a DN as groups and people are matched on: parsed and
// lower-cased, so spacing and case do not matter.
func dnKey(dn string) string {
	if p, err := ldap.ParseDN(dn); err == nil {
		return strings.ToLower(p.String())
	}
	return strings.ToLower(dn)
}
