package pack

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/cairnbackup/cairn/engine/compress"
	"github.com/cairnbackup/cairn/engine/crypt"
)

type testKeys struct {
	ids        *crypt.IDHasher
	data, meta *crypt.Sealer
}

func newKeys(t testing.TB) testKeys {
	t.Helper()
	m, err := crypt.NewMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	k, _ := m.Derive()
	return testKeys{crypt.NewIDHasher(k.ID), crypt.NewSealer(k.Data), crypt.NewSealer(k.Meta)}
}

// buildPack seals chunks into a pack and returns its bytes, name and entries.
func buildPack(t testing.TB, k testKeys, chunks [][]byte) ([]byte, []Entry) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	c := compress.NewCompressor()
	for _, data := range chunks {
		id := k.ids.Sum(data)
		plain, algo := c.Compress([]byte{0}, data)
		plain[0] = byte(algo)
		sealed, err := SealChunk(k.data, nil, id, plain)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Add(id, sealed, len(data)); err != nil {
			t.Fatal(err)
		}
	}
	entries, size, err := w.Finish(k.meta)
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(buf.Len()) {
		t.Fatalf("size %d, wrote %d", size, buf.Len())
	}
	return buf.Bytes(), entries
}

func sampleChunks() [][]byte {
	var out [][]byte
	for i := 0; i < 20; i++ {
		out = append(out, []byte(fmt.Sprintf("chunk %d %s", i, bytes.Repeat([]byte("data "), i*100))))
	}
	return out
}

func TestPackRoundTrip(t *testing.T) {
	k := newKeys(t)
	chunks := sampleChunks()
	p, written := buildPack(t, k, chunks)
	if err := CheckHeader(p); err != nil {
		t.Fatal(err)
	}
	entries, err := ReadTable(bytes.NewReader(p), int64(len(p)), k.meta)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(chunks) {
		t.Fatalf("%d entries, want %d", len(entries), len(chunks))
	}
	o := NewOpener(k.data)
	for i, e := range entries {
		if e != written[i] {
			t.Fatalf("entry %d differs from what Finish returned", i)
		}
		got, err := o.Open(nil, e.ID, p[e.Offset:e.Offset+e.Length], int(e.RawLength))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, chunks[i]) {
			t.Fatalf("chunk %d differs", i)
		}
	}
}

func TestPackDamage(t *testing.T) {
	k := newKeys(t)
	p, entries := buildPack(t, k, sampleChunks())
	mut := func(f func([]byte) []byte) []byte { return f(bytes.Clone(p)) }
	cases := []struct {
		name string
		pack []byte
	}{
		{"truncated by one byte", p[:len(p)-1]},
		{"truncated to half", p[:len(p)/2]},
		{"empty", nil},
		{"table byte flipped", mut(func(b []byte) []byte { b[len(b)-20] ^= 1; return b })},
		{"salt flipped", mut(func(b []byte) []byte {
			b[entries[len(entries)-1].Offset+entries[len(entries)-1].Length] ^= 1
			return b
		})},
		{"length field huge", mut(func(b []byte) []byte { b[len(b)-6] = 0xff; return b })},
		{"trailer magic gone", mut(func(b []byte) []byte { b[len(b)-1] = 'x'; return b })},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadTable(bytes.NewReader(tc.pack), int64(len(tc.pack)), k.meta)
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("got %v, want ErrFormat", err)
			}
		})
	}
	t.Run("other archive's key", func(t *testing.T) {
		if _, err := ReadTable(bytes.NewReader(p), int64(len(p)), newKeys(t).meta); !errors.Is(err, ErrFormat) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("blob flipped", func(t *testing.T) {
		e := entries[3]
		b := bytes.Clone(p[e.Offset : e.Offset+e.Length])
		b[len(b)/2] ^= 1
		if _, err := NewOpener(k.data).Open(nil, e.ID, b, int(e.RawLength)); !errors.Is(err, crypt.ErrAuth) {
			t.Fatalf("got %v, want ErrAuth", err)
		}
	})
	t.Run("blob under another ID", func(t *testing.T) {
		e, other := entries[3], entries[4]
		if _, err := NewOpener(k.data).Open(nil, other.ID, p[e.Offset:e.Offset+e.Length], int(e.RawLength)); !errors.Is(err, crypt.ErrAuth) {
			t.Fatalf("got %v, want ErrAuth", err)
		}
	})
	t.Run("header", func(t *testing.T) {
		if err := CheckHeader([]byte("CAIRNPK\x02")); !errors.Is(err, ErrFormat) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestEmptyPack(t *testing.T) {
	k := newKeys(t)
	p, _ := buildPack(t, k, nil)
	entries, err := ReadTable(bytes.NewReader(p), int64(len(p)), k.meta)
	if err != nil || len(entries) != 0 {
		t.Fatalf("%v %v", entries, err)
	}
}

func TestParseTableBounds(t *testing.T) {
	e := Entry{Offset: HeaderSize, Length: 100, RawLength: 5}
	ok := appendEntry([]byte{tableVer, 1, 0, 0, 0}, e)
	if _, err := parseTable(ok, HeaderSize+100); err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"past end":     appendEntry([]byte{tableVer, 1, 0, 0, 0}, Entry{Offset: HeaderSize, Length: 101}),
		"before start": appendEntry([]byte{tableVer, 1, 0, 0, 0}, Entry{Offset: 2, Length: 50}),
		"count lies":   appendEntry([]byte{tableVer, 2, 0, 0, 0}, e),
		"version":      appendEntry([]byte{9, 1, 0, 0, 0}, e),
		"short":        {tableVer},
	}
	for name, b := range cases {
		if _, err := parseTable(b, HeaderSize+100); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func FuzzParseTable(f *testing.F) {
	f.Add(appendEntry([]byte{tableVer, 1, 0, 0, 0}, Entry{Offset: HeaderSize, Length: 100}), int64(1000))
	f.Fuzz(func(t *testing.T, b []byte, end int64) {
		entries, err := parseTable(b, end)
		if err != nil {
			return
		}
		for _, e := range entries {
			if int64(e.Offset)+int64(e.Length) > end {
				t.Fatal("entry past end accepted")
			}
		}
	})
}
