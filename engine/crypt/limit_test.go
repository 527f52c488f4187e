package crypt

import (
	"errors"
	"strings"
	"testing"
)

func TestWithin(t *testing.T) {
	limit := KDFParams{Time: 10, Memory: 256 << 10, Threads: 4}
	for _, c := range []struct {
		p    KDFParams
		ok   bool
		says string
	}{
		{DefaultKDF, true, ""},
		{TestKDF, true, ""},
		{limit, true, ""},
		{KDFParams{Time: 3, Memory: 1 << 20, Threads: 4}, false, "1024 MiB, 3 passes and 4 lanes, above the 256 MiB"},
		{KDFParams{Time: 100, Memory: 64 << 10, Threads: 1}, false, "100 passes"},
		{KDFParams{Time: 1, Memory: 64 << 10, Threads: 16}, false, "16 lanes"},
	} {
		err := c.p.Within(limit)
		if (err == nil) != c.ok {
			t.Errorf("%+v: %v, want ok %v", c.p, err, c.ok)
			continue
		}
		if err != nil && (!errors.Is(err, ErrKDFTooCostly) || !strings.Contains(err.Error(), c.says)) {
			t.Errorf("%+v: %q does not say %q or wrap ErrKDFTooCostly", c.p, err, c.says)
		}
	}
}
