package passhash

import (
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h, err := Hash([]byte("correct horse"), Test)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q", h)
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{
		{"correct horse", true},
		{"correct horsf", false},
		{"", false},
		{"correct horse ", false},
	} {
		ok, err := Verify([]byte(tc.password), h)
		if err != nil || ok != tc.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tc.password, ok, err, tc.want)
		}
	}
	h2, _ := Hash([]byte("correct horse"), Test)
	if h2 == h {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
}

func TestVerifyRejectsDamagedHashes(t *testing.T) {
	good, _ := Hash([]byte("pw"), Test)
	parts := strings.Split(good, "$")
	for _, bad := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=64,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=18$m=64,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=99999999,t=1,p=1$" + parts[4] + "$" + parts[5], // would allocate 95 GiB
		"$argon2id$v=19$m=64,t=0,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$!!$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$" + parts[4],
	} {
		if _, err := Verify([]byte("pw"), bad); err == nil {
			t.Errorf("Verify accepted %q", bad)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	weak, _ := Hash([]byte("pw"), Test)
	if !NeedsRehash(weak, Params{Time: 2, Memory: 64, Threads: 1}) {
		t.Error("a weaker hash does not need a rehash")
	}
	if NeedsRehash(weak, Test) {
		t.Error("a hash with today's parameters needs a rehash")
	}
	if !NeedsRehash("garbage", Test) {
		t.Error("an unreadable hash does not need a rehash")
	}
}

func TestEmptyPasswordRefused(t *testing.T) {
	if _, err := Hash(nil, Test); err == nil {
		t.Fatal("empty password hashed")
	}
}
