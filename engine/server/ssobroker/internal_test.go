package ssobroker

import (
	"github.com/cairnbackup/cairn/engine/server/limitaddr"
	"strings"
	"testing"
	"time"
)

func TestLimitKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":                 "192.0.2.7",
		"2001:db8:1:2:3:4:5:6":      "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":      "2001:db8:1:2::/64",
		"::ffff:192.0.2.7":          "::ffff:192.0.2.7",
		"not an address":            "not an address",
		"fe80::1%eth0":              "fe80::/64",
		"2001:db8:1:3:3:4:5:6":      "2001:db8:1:3::/64",
		"2001:0db8:0001:0002::0001": "2001:db8:1:2::/64",
	} {
		if got := limitaddr.Of(in); got != want {
			t.Errorf("limitaddr.Of(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUserCodes(t *testing.T) {
	seen := map[rune]bool{}
	for range 200 {
		c := newUserCode()
		if len(c) != 8 || normalUserCode(c) != c || normalUserCode(strings.ToLower(showUserCode(c))) != c {
			t.Fatalf("code %q", c)
		}
		for _, r := range c {
			seen[r] = true
		}
	}
	if len(seen) != len(userCodeAlphabet) {
		t.Errorf("200 codes used %d of the %d letters", len(seen), len(userCodeAlphabet))
	}
	for _, typed := range []string{"", "ABCD-EFGH", "BCDF-GHJ", "BCDF-GHJKL", "BCDF GHJ1", "ＢCDF-GHJK"} {
		if normalUserCode(typed) != "" {
			t.Errorf("%q read as a code", typed)
		}
	}
}

func TestLimiterWindows(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	l := newLimiter(Limit{PerAddr: 2, Total: 3}, 10*time.Minute, func() time.Time { return now })
	l.fail("a")
	l.fail("a")
	if !l.blocked("a") || l.blocked("b") {
		t.Error("per address")
	}
	l.fail("b")
	if !l.blocked("c") {
		t.Error("in total")
	}
	now = now.Add(10 * time.Minute)
	if l.blocked("a") || l.blocked("c") {
		t.Error("a new window")
	}
}
