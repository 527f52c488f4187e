package retention

import (
	"strings"
	"testing"
	"time"
)

// rowLayout is how test tables write times: minutes, UTC.
const rowLayout = "2006-01-02 15:04"

// row is one entry of a test history and the decision expected for it.
type row struct {
	at   string // rowLayout, with "deleted " in front for a deletion marker
	want string // Decision.String()
}

func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(rowLayout, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// history turns the rows of a table into entries, oldest first as written.
func history(tb testing.TB, rows []row) []Entry {
	tb.Helper()
	entries := make([]Entry, len(rows))
	for i, r := range rows {
		s, deleted := strings.CutPrefix(r.at, "deleted ")
		entries[i] = Entry{Recorded: at(tb, s), Deleted: deleted}
	}
	return entries
}

// checkRows applies p at now to the history in rows and compares every
// decision with the row's want.
func checkRows(t *testing.T, p Policy, now time.Time, rows []row) {
	t.Helper()
	got := Apply(history(t, rows), p, now)
	if len(got) != len(rows) {
		t.Fatalf("got %d decisions for %d entries", len(got), len(rows))
	}
	for i, r := range rows {
		if s := got[i].String(); s != r.want {
			t.Errorf("%s: got %q, want %q", r.at, s, r.want)
		}
	}
}
