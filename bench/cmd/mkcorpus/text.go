package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// vocab is a fixed list of 4,096 made-up words with a skewed letter frequency, so that generated text compresses
// and deduplicates about as well as real text does.
var vocab = makeVocab()

func makeVocab() []string {
	r := rand.New(rand.NewPCG(1, 1))
	letters := "etaoinshrdlucmfwypvbgkjqxz"
	seen := map[string]bool{}
	var words []string
	for len(words) < 4096 {
		n := 2 + int(math.Abs(r.NormFloat64()*2.5)) + r.IntN(4)
		var b strings.Builder
		for i := 0; i < n; i++ {
			k := int(math.Abs(r.NormFloat64()) * 7) // skewed letter frequency
			if k >= len(letters) {
				k = r.IntN(len(letters))
			}
			b.WriteByte(letters[k])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// gen produces one file's content. Every file has its own generator seeded from (category, index), so the output
// does not depend on which worker renders which file, or in what order.
type gen struct {
	r *rand.Rand
	z *rand.Zipf
}

func newGen(cat, idx uint64) *gen {
	r := rand.New(rand.NewPCG(cat*1000003+7, idx*7919+13))
	return &gen{r: r, z: rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))}
}

func (g *gen) word() string { return vocab[g.z.Uint64()] }

func (g *gen) ident() string {
	w := g.word()
	if g.r.IntN(2) == 0 {
		x := g.word()
		return w + strings.ToUpper(x[:1]) + x[1:]
	}
	return w
}

func (g *gen) sentence(b *bytes.Buffer) {
	n := 5 + g.r.IntN(16)
	for i := 0; i < n; i++ {
		w := g.word()
		if i == 0 {
			b.WriteString(strings.ToUpper(w[:1]))
			b.WriteString(w[1:])
		} else {
			b.WriteByte(' ')
			b.WriteString(w)
		}
		if i < n-1 && g.r.IntN(12) == 0 {
			b.WriteByte(',')
		}
	}
	b.WriteString(". ")
}

func (g *gen) prose(b *bytes.Buffer, size int) {
	for b.Len() < size {
		if g.r.IntN(8) == 0 {
			b.WriteString("\n## ")
			b.WriteString(g.word())
			b.WriteString(" ")
			b.WriteString(g.word())
			b.WriteString("\n\n")
		}
		ns := 2 + g.r.IntN(6)
		for i := 0; i < ns; i++ {
			g.sentence(b)
		}
		b.WriteString("\n\n")
	}
}

func (g *gen) source(b *bytes.Buffer, size int) {
	fmt.Fprintf(b, "package %s\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t\"%s/%s\"\n)\n\n", g.word(), g.word(), g.word())
	for b.Len() < size {
		fmt.Fprintf(b, "// %s %s %s %s.\n", g.ident(), g.word(), g.word(), g.word())
		fmt.Fprintf(b, "func %s(%s int, %s string) (%s, error) {\n", g.ident(), g.word(), g.word(), g.ident())
		nl := 2 + g.r.IntN(10)
		for i := 0; i < nl; i++ {
			g.sourceLine(b)
		}
		fmt.Fprintf(b, "\treturn %s, nil\n}\n\n", g.word())
	}
}

func (g *gen) sourceLine(b *bytes.Buffer) {
	switch g.r.IntN(6) {
	case 0:
		fmt.Fprintf(b, "\tif err := %s.%s(%s); err != nil {\n\t\treturn nil, fmt.Errorf(\"%s %s: %%w\", err)\n\t}\n", g.word(), g.ident(), g.word(), g.word(), g.word())
	case 1:
		fmt.Fprintf(b, "\t%s := %s.%s(%s, %d)\n", g.ident(), g.word(), g.ident(), g.word(), g.r.IntN(1000))
	case 2:
		fmt.Fprintf(b, "\tfor i := 0; i < len(%s); i++ {\n\t\t%s[i] += %s\n\t}\n", g.word(), g.word(), g.word())
	case 3:
		fmt.Fprintf(b, "\t// %s %s %s\n", g.word(), g.word(), g.word())
	case 4:
		fmt.Fprintf(b, "\tfmt.Fprintf(os.Stderr, \"%s %s %%d\\n\", %s)\n", g.word(), g.word(), g.word())
	default:
		fmt.Fprintf(b, "\t%s.%s = %s\n", g.word(), g.ident(), g.ident())
	}
}

func (g *gen) json(b *bytes.Buffer, size int) {
	b.WriteString("[\n")
	id := g.r.IntN(100000)
	for b.Len() < size {
		id += 1 + g.r.IntN(5)
		fmt.Fprintf(b, "  {\"id\": %d, \"name\": \"%s %s\", \"email\": \"%s@%s.com\", \"active\": %v, \"score\": %.3f, \"tags\": [\"%s\", \"%s\"], \"created\": \"20%02d-%02d-%02dT%02d:%02d:%02dZ\"},\n",
			id, g.word(), g.word(), g.word(), g.word(), g.r.IntN(2) == 0, g.r.Float64()*100, g.word(), g.word(),
			15+g.r.IntN(10), 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), g.r.IntN(60))
	}
	b.WriteString("]\n")
}

func (g *gen) csv(b *bytes.Buffer, size int) {
	b.WriteString("date,account,amount,balance,category,note\n")
	bal := g.r.Float64() * 10000
	for b.Len() < size {
		amt := g.r.NormFloat64() * 120
		bal += amt
		fmt.Fprintf(b, "20%02d-%02d-%02d,%d,%.2f,%.2f,%s,%s %s\n", 18+g.r.IntN(8), 1+g.r.IntN(12), 1+g.r.IntN(28),
			100000+g.r.IntN(50), amt, bal, g.word(), g.word(), g.word())
	}
}

var levels = []string{"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"}

func (g *gen) logText(b *bytes.Buffer, size int) {
	ts := int64(1700000000) + int64(g.r.IntN(10000000))
	for b.Len() < size {
		ts += int64(g.r.IntN(3))
		fmt.Fprintf(b, "%d.%03d %s [%s] %s %s %s id=%d latency=%dms\n", ts, g.r.IntN(1000), levels[g.r.IntN(len(levels))],
			g.word(), g.word(), g.word(), g.word(), g.r.IntN(1<<20), g.r.IntN(900))
	}
}

// mail is a message as a maildir keeps it: headers, then prose.
func (g *gen) mail(b *bytes.Buffer, size int) {
	fmt.Fprintf(b, "From: %s %s <%s@%s.org>\nTo: %s@%s.net\nSubject: %s %s %s\nMessage-ID: <%d.%s@%s.org>\n"+
		"Content-Type: text/plain; charset=utf-8\n\n", g.word(), g.word(), g.word(), g.word(), g.word(), g.word(),
		g.word(), g.word(), g.word(), g.r.Uint32(), g.word(), g.word())
	g.prose(b, size)
}

// random appends size incompressible bytes (photos, music, video), from a ChaCha8 stream seeded by g.
func (g *gen) random(b *bytes.Buffer, size int) {
	b.Grow(size)
	buf := b.AvailableBuffer()[:size]
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], g.r.Uint64())
	binary.LittleEndian.PutUint64(seed[8:], g.r.Uint64())
	c := rand.NewChaCha8(seed)
	c.Read(buf)
	b.Write(buf)
}

// render produces the content of s: exactly s.size bytes of the kind s.kind.
func render(s fileSpec) []byte {
	g := newGen(s.cat, s.idx)
	var b bytes.Buffer
	b.Grow(s.size + 4096)
	switch s.kind {
	case "source":
		g.source(&b, s.size)
	case "prose":
		g.prose(&b, s.size)
	case "json":
		g.json(&b, s.size)
	case "csv":
		g.csv(&b, s.size)
	case "log":
		g.logText(&b, s.size)
	case "mail":
		g.mail(&b, s.size)
	case "jpeg":
		b.Write([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0})
		g.random(&b, s.size)
	case "random":
		g.random(&b, s.size)
	case "pdf":
		b.WriteString("%PDF-1.7\n")
		for b.Len() < s.size { // half text streams, half compressed (random) streams
			g.prose(&b, b.Len()+16*KiB+g.r.IntN(32*KiB))
			g.random(&b, 8*KiB+g.r.IntN(32*KiB))
		}
	}
	return b.Bytes()[:s.size]
}
