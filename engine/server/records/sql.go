package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
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
	// ddl rewrites a migration's statement (types, identity columns).
	ddl func(string) string
	// forUpdate ends a SELECT that locks the rows it reads until the
	// transaction ends. SQLite has no row locks and needs none: its
	// transactions take the database's write lock when they begin.
	forUpdate string
	// retry reports an error after which the whole transaction can run
	// again (a deadlock broken by the database, a serialization failure).
	retry func(error) bool
	// lock takes a lock shared by every process on the database, held
	// until unlock; nil where the database needs none (SQLite: a process
	// that writes holds the database's write lock).
	lock func(ctx context.Context, db *sql.DB, key int64) (unlock func(), err error)
	// resetID, given a table (%[1]s) whose rows were inserted with their
	// IDs, makes the next generated ID follow the largest; "" where the
	// database does so by itself (SQLite's row ids).
	resetID string
}

var sqliteDialect = dialect{
	name:   "sqlite",
	rebind: func(q string) string { return q },
	ddl:    func(q string) string { return q },
	retry:  func(error) bool { return false },
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
	if err := privateFile(abs); err != nil {
		return nil, fmt.Errorf("open records %s: %w", abs, err)
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

// privateFile creates the database file readable by its owner only, or
// makes an existing one so: it holds password hashes and the names of
// everyone's files. SQLite creates the -wal and -shm files with the mode of
// the database file, so they follow.
func privateFile(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	f.Close()
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
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

// txAttempts bounds how often tx runs a transaction that the database
// aborted to break a deadlock.
const txAttempts = 5

// tx runs fn in a transaction, committed when fn returns nil. When the
// database aborts it to break a deadlock between writers, it runs fn again
// (so fn must set, not accumulate, what it returns through its closure).
func (s *SQL) tx(ctx context.Context, fn func(*txn) error) error {
	var err error
	for range txAttempts {
		if err = s.tx1(ctx, fn); err == nil || !s.dialect.retry(err) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

func (s *SQL) tx1(ctx context.Context, fn func(*txn) error) error {
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

// lockUser locks the user's row until the transaction ends, so that what
// is decided from the user's devices and usage (the device limit, the
// quota) holds across processes and nodes: writers for one user take
// turns, others do not wait.
func (t *txn) lockUser(ctx context.Context, userID int64) error {
	var id int64
	err := t.queryRow(ctx, `SELECT id FROM users WHERE id = ?`+t.d.forUpdate, userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("user %d: %w", userID, ErrNotFound)
	}
	return err
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
