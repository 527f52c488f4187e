package ldapdir

import (
	"bytes"
	"testing"
)

func TestGUIDSpellingRoundTrips(t *testing.T) {
	// The objectGUID of AD's documentation examples, as bytes on the wire.
	raw := []byte{0x78, 0x56, 0x34, 0x12, 0x34, 0x12, 0x78, 0x56, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0}
	s := guidString(raw)
	if s != "12345678-1234-5678-1234-56789abcdef0" {
		t.Fatalf("guidString = %s", s)
	}
	b, err := guidBytes(s)
	if err != nil || !bytes.Equal(b, raw) {
		t.Fatalf("guidBytes = %x, %v", b, err)
	}
	for _, bad := range []string{"", "12345678", "1234567812345678123456789abcdef0", "zz345678-1234-5678-1234-56789abcdef0"} {
		if _, err := guidBytes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	d := &Directory{c: Config{IDAttribute: "objectGUID"}}
	v, err := d.idFilterValue(s)
	if err != nil || v != `\78\56\34\12\34\12\78\56\12\34\56\78\9a\bc\de\f0` {
		t.Errorf("filter value = %s, %v", v, err)
	}
}
