package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQL is the record store over database/sql.
type SQL struct {
	db      *sql.DB
	dialect dialect
}

var _ Store = (*SQL)(nil)

// dialect is what differs between SQL databases; the statements are written
// for SQLite with ? placeholders.
type dialect struct {
	name     string
	rebind   func(string) string // placeholders
	isUnique func(error) bool    // a unique constraint failed
}

var sqliteDialect = dialect{
	name:   "sqlite",
	rebind: func(q string) string { return q },
	isUnique: func(err error) bool {
		var e *sqlite.Error
		if errors.As(err, &e) {
			c := e.Code()
			return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
		}
		return false
	},
}

// BusyTimeout is how long a write waits for another process's write (the
// server and an administration command) before giving up.
const BusyTimeout = 10 * time.Second

// OpenSQLite opens (creating it if needed) the SQLite database at path and
// brings its schema up to date.
//
// WAL mode lets readers and one writer work at once, across processes;
// synchronous=FULL makes every committed transaction durable before the
// server acknowledges what it records; transactions take the write lock when
// they begin (txlock=immediate), so two writers queue instead of failing.
func OpenSQLite(ctx context.Context, path string) (*SQL, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("_busy_timeout", strconv.Itoa(int(BusyTimeout/time.Millisecond)))
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_foreign_keys", "1")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: abs}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open records %s: %w", abs, err)
	}
	s := &SQL{db: db, dialect: sqliteDialect}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open records %s: %w", abs, err)
	}
	return s, nil
}

// Close implements Store.
func (s *SQL) Close() error { return s.db.Close() }

func (s *SQL) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return s.db.ExecContext(ctx, s.dialect.rebind(q), args...)
}

func (s *SQL) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, s.dialect.rebind(q), args...)
}

func (s *SQL) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.db.QueryRowContext(ctx, s.dialect.rebind(q), args...)
}

// tx runs fn in a transaction, committed when fn returns nil.
func (s *SQL) tx(ctx context.Context, fn func(*txn) error) error {
	t, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(&txn{t, s.dialect}); err != nil {
		t.Rollback()
		return err
	}
	return t.Commit()
}

type txn struct {
	*sql.Tx
	d dialect
}

func (t *txn) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.ExecContext(ctx, t.d.rebind(q), args...)
}

func (t *txn) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.QueryRowContext(ctx, t.d.rebind(q), args...)
}

func (t *txn) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.QueryContext(ctx, t.d.rebind(q), args...)
}

// Times are stored as Unix nanoseconds; 0 is "never".
func ns(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNS(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

func nullNS(t time.Time) sql.NullInt64 {
	return sql.NullInt64{Int64: ns(t), Valid: !t.IsZero()}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func affected(r sql.Result) int64 {
	n, _ := r.RowsAffected()
	return n
}
