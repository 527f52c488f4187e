package web

import (
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // to checkpoint the records' write-ahead log before measuring the file
)

// Refused sign-ins cost anyone nothing to send: 300 of them, each with a
// user name of 60,000 characters, must not grow the records by what they
// carry. The names are stored cut short (here: not at all, since they are
// no account), and the refusals past the address's limit share one counted
// row.
func TestSigninFloodDoesNotGrowTheRecords(t *testing.T) {
	e := newEnv(t)
	db := filepath.Join(e.data.Dir, "records.db")
	before := recordsFileSize(t, db)
	b := e.browser()
	statuses := map[int]int{}
	for i := range 300 {
		p := b.signin(fmt.Sprintf("%05d", i)+strings.Repeat("n", 60_000-5), "guess", "")
		statuses[p.status]++
		if p.status != http.StatusUnauthorized && p.status != http.StatusTooManyRequests {
			t.Fatalf("sign-in %d: %d\n%s", i, p.status, p.body)
		}
	}
	grown := recordsFileSize(t, db) - before
	es, err := e.data.Records.Audit(t.Context(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var stored, counted int
	for _, a := range es {
		stored += len(a.Actor) + len(a.Action) + len(a.Target) + len(a.Detail) + len(a.Addr)
		counted += a.Times
		if strings.Contains(a.Actor+a.Detail, "nnnnnnnnnn") {
			t.Fatalf("a name that is no account is in the audit log: %.80q", a.Actor)
		}
	}
	t.Logf("300 refused sign-ins %v: records grew by %d bytes; %d audit rows (%d bytes of text) counting %d refusals",
		statuses, grown, len(es), stored, counted)
	if counted != 300 {
		t.Fatalf("the audit log counts %d of 300 refusals", counted)
	}
	if len(es) > 25 || stored > 25*1024 || grown > 256<<10 {
		t.Fatalf("300 refusals made %d audit rows, %d bytes of text, %d bytes of records", len(es), stored, grown)
	}
	// The address waits out its limit; then an administrator reads the
	// counted row.
	e.clock.Advance(16 * time.Minute)
	admin := e.browser()
	admin.mustSignin("root")
	expectStatus(t, admin.get("/web/admin/audit"), http.StatusOK, "signin.limited", "280 times in the hour")
}

// recordsFileSize is the size of the SQLite file at path once its
// write-ahead log is folded in, so that what was written counts whether or
// not SQLite has checkpointed it yet.
func recordsFileSize(t *testing.T, path string) int64 {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var busy, logged, moved int
	if err := db.QueryRowContext(t.Context(), `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &moved); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
