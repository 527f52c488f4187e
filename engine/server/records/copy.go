package records

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// CopyTables are the tables Copy copies, parents before children, each with
// its key and whether the database numbers its rows (an identity column).
// Not copied: web_sessions (browsers sign in again; what a session
// opened lives in the old server's memory anyway), signin_failures (a
// quarter of an hour of rate limiting) and sso_entries/sso_kinds (sign-ins
// in progress, ten minutes at most: the person starts again).
var CopyTables = []struct {
	Name, Key string
	Numbered  bool
}{
	{"users", "id", true},
	{"devices", "id", false},
	{"tokens", "hash", false},
	{"objects", "id", true},
	{"escrow", "device_id", false},
	{"org_keys", "device_id", false},
	{"backup_alerts", "device_id, level", false},
	{"settings", "key", false},
	{"audit", "id", true},
	{"oidc_refresh", "external_id", false}, // else leavers are checked only after their next sign-in
}

// CopyProgress is what Copy has done with one table so far.
type CopyProgress struct {
	Table   string
	Copied  int64 // rows written to the target
	Skipped int64 // rows the target had already (a resumed copy)
	Done    bool  // the table is finished
}

// copyBatch is how many rows go in one transaction of the target.
const copyBatch = 500

// Copy copies every row of the tables in CopyTables from one store into
// another (SQLite into PostgreSQL, for cairn-server migrate), with their
// IDs, so that what refers to them (the trash's files, named by object ID)
// stays right. Both stores are at SchemaVersion (Open migrates them). A row
// whose key the target has already is skipped, so an interrupted copy
// resumes; Verify then tells whether the two agree. Nobody may write to
// either store meanwhile. progress (may be nil) is called after each batch.
func Copy(ctx context.Context, from, to *SQL, progress func(CopyProgress)) error {
	for _, tb := range CopyTables {
		if err := copyTable(ctx, from, to, tb.Name, tb.Key, progress); err != nil {
			return fmt.Errorf("copy table %s: %w", tb.Name, err)
		}
		if to.dialect.resetID != "" && tb.Numbered {
			if _, err := to.exec(ctx, fmt.Sprintf(to.dialect.resetID, tb.Name)); err != nil {
				return fmt.Errorf("copy table %s: next id: %w", tb.Name, err)
			}
		}
	}
	return nil
}

func copyTable(ctx context.Context, from, to *SQL, table, key string, progress func(CopyProgress)) error {
	rows, err := from.query(ctx, `SELECT * FROM `+table+` ORDER BY `+key)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	insert := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES (?` +
		strings.Repeat(", ?", len(cols)-1) + `) ON CONFLICT DO NOTHING`
	p := CopyProgress{Table: table}
	var batch [][]any
	flush := func() error {
		err := to.tx(ctx, func(t *txn) error {
			var copied int64
			for _, r := range batch {
				res, err := t.exec(ctx, insert, r...)
				if err != nil {
					return err
				}
				copied += affected(res)
			}
			p.Copied += copied
			p.Skipped += int64(len(batch)) - copied
			return nil
		})
		batch = batch[:0]
		if err == nil && progress != nil {
			progress(p)
		}
		return err
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if batch = append(batch, vals); len(batch) == copyBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	p.Done = true
	if progress != nil {
		progress(p)
	}
	return nil
}

// TableSum is a table's row count and a digest of its rows that does not
// depend on their order (databases sort text differently).
type TableSum struct {
	Table  string
	Rows   int64
	Digest string // hex: the sum modulo 2^256 of the rows' SHA-256
}

// Sums returns the TableSum of every table in CopyTables.
func (s *SQL) Sums(ctx context.Context) ([]TableSum, error) {
	var sums []TableSum
	for _, tb := range CopyTables {
		ts, err := s.tableSum(ctx, tb.Name)
		if err != nil {
			return nil, fmt.Errorf("sum table %s: %w", tb.Name, err)
		}
		sums = append(sums, ts)
	}
	return sums, nil
}

func (s *SQL) tableSum(ctx context.Context, table string) (TableSum, error) {
	ts := TableSum{Table: table}
	rows, err := s.query(ctx, `SELECT * FROM `+table)
	if err != nil {
		return ts, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return ts, err
	}
	var acc [4]uint64 // little-endian words of the running sum
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return ts, err
		}
		h := sha256.New()
		for i, v := range vals {
			fmt.Fprintf(h, "%s=", cols[i])
			h.Write(canonical(v))
		}
		sum := h.Sum(nil)
		var carry uint64
		for w := range acc {
			acc[w], carry = bits.Add64(acc[w], binary.LittleEndian.Uint64(sum[8*w:]), carry)
		}
		ts.Rows++
	}
	var out [32]byte
	for w := range acc {
		binary.BigEndian.PutUint64(out[24-8*w:], acc[w])
	}
	ts.Digest = hex.EncodeToString(out[:])
	return ts, rows.Err()
}

// canonical encodes a column's value the same way whichever database and
// driver it comes from: typed, length-prefixed.
func canonical(v any) []byte {
	switch x := v.(type) {
	case nil:
		return []byte("N;")
	case int64:
		return []byte("I" + strconv.FormatInt(x, 10) + ";")
	case int32:
		return []byte("I" + strconv.FormatInt(int64(x), 10) + ";")
	case int:
		return []byte("I" + strconv.Itoa(x) + ";")
	case bool:
		if x {
			return []byte("I1;")
		}
		return []byte("I0;")
	case string:
		return []byte("S" + strconv.Itoa(len(x)) + ":" + x)
	case []byte:
		return []byte("S" + strconv.Itoa(len(x)) + ":" + string(x))
	default:
		s := fmt.Sprint(x)
		return []byte("?" + strconv.Itoa(len(s)) + ":" + s)
	}
}

// Verify compares the tables of two stores (after Copy): the same rows in
// each, or an error naming the tables that differ.
func Verify(ctx context.Context, from, to *SQL) ([]TableSum, error) {
	a, err := from.Sums(ctx)
	if err != nil {
		return nil, err
	}
	b, err := to.Sums(ctx)
	if err != nil {
		return nil, err
	}
	var bad []string
	for i := range a {
		if a[i] != b[i] {
			bad = append(bad, fmt.Sprintf("%s (%d rows here, %d there)", a[i].Table, a[i].Rows, b[i].Rows))
		}
	}
	if len(bad) > 0 {
		return a, fmt.Errorf("the records differ after copying: %s", strings.Join(bad, ", "))
	}
	return a, nil
}
