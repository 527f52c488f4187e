package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/cairnbackup/cairn/engine/server/ssobroker"
)

// SSOStore is the single sign-on broker's Store in the records (table
// sso_entries), so that the nodes of a server share it: a sign-in begun on
// one node ends on another, and a grant or device code is used once across
// all of them.
//
// Each method decides in one transaction. Put locks its kind's row in
// sso_kinds before it counts (PostgreSQL: the upsert's row lock; SQLite:
// the transaction's write lock), so Puts sent at once, to any node, take
// turns at the limit and none slips past it; a Put over a limit is refused
// by a read before it queues for that lock. Take is one DELETE … RETURNING, and
// Update reads the entry FOR UPDATE, so an entry taken once cannot be taken
// again. Expired rows are never returned; Put sweeps them out at most once
// a minute per node (sweepEvery), so they cannot pile up.
type SSOStore struct {
	db        *SQL
	now       func() time.Time
	lastSweep atomic.Int64 // Unix ns of the last sweep
}

var _ ssobroker.Store = (*SSOStore)(nil)

// sweepEvery is how often a node's Puts sweep expired entries: often
// enough that a flood of sign-ins that nobody finishes is gone within
// minutes of its expiry, rarely enough that the sweep costs nothing.
const sweepEvery = time.Minute

// NewSSOStore returns the broker's store in db; now is its clock (nil:
// time.Now), which should be the broker's.
func NewSSOStore(db *SQL, now func() time.Time) *SSOStore {
	if now == nil {
		now = time.Now
	}
	return &SSOStore{db: db, now: now}
}

// SSOStoreFor is the broker's store for a server whose records are rec:
// in the records when they are a database (every server's today, so that
// nodes share sign-ins), else in memory.
func SSOStoreFor(rec Store, now func() time.Time) ssobroker.Store {
	if db, ok := rec.(*SQL); ok {
		return NewSSOStore(db, now)
	}
	return ssobroker.NewMemStore(now)
}

// Put implements ssobroker.Store.
func (s *SSOStore) Put(ctx context.Context, e ssobroker.Entry, lim ssobroker.Limit) error {
	now := s.now()
	if err := s.sweep(ctx, now); err != nil {
		return err
	}
	if e.Data == nil {
		e.Data = []byte{} // a row's data is never NULL
	}
	err := s.put(ctx, e, lim, now)
	if err != nil && !errors.Is(err, ssobroker.ErrExists) && !errors.Is(err, ssobroker.ErrFull) {
		return fmt.Errorf("keep a sign-in's %s: %w", e.Kind, err)
	}
	return err
}

func (s *SSOStore) put(ctx context.Context, e ssobroker.Entry, lim ssobroker.Limit, now time.Time) error {
	// Refused at a glance, without a lock or a write: a flood of sign-ins
	// over a limit costs reads only and does not queue for the kind's lock.
	if err := ssoFull(ctx, s.db, e, lim, now); err != nil {
		if terr := ssoTaken(ctx, s.db, e, now); terr != nil {
			return terr // a taken key says so first, as in every store
		}
		return err
	}
	return s.db.tx(ctx, func(t *txn) error {
		if lim != (ssobroker.Limit{}) {
			if _, err := t.exec(ctx, `INSERT INTO sso_kinds (kind, used) VALUES (?, ?)
				ON CONFLICT (kind) DO UPDATE SET used = excluded.used`, string(e.Kind), ns(now)); err != nil {
				return err
			}
		}
		// An expired entry with e's key or index is gone: its row goes now.
		if _, err := t.exec(ctx, `DELETE FROM sso_entries WHERE `+ssoSame+` AND expires <= ?`,
			string(e.Kind), e.Key, e.Index, ns(now)); err != nil {
			return err
		}
		if err := ssoTaken(ctx, t, e, now); err != nil {
			return err
		}
		if err := ssoFull(ctx, t, e, lim, now); err != nil {
			return err
		}
		_, err := t.exec(ctx, `INSERT INTO sso_entries (kind, key, idx, addr, expires, data) VALUES (?, ?, ?, ?, ?, ?)`,
			string(e.Kind), e.Key, e.Index, e.Addr, ns(e.Expires), e.Data)
		if err != nil && t.d.isUnique(err) {
			return ssobroker.ErrExists // a Put without a limit, at once with this one
		}
		return err
	})
}

// ssoSame selects the entries of e's kind with its key or its index.
const ssoSame = `kind = ? AND (key = ? OR (idx = ? AND idx <> ''))`

// ssoTaken is ErrExists when a live entry has e's key or index.
func ssoTaken(ctx context.Context, q rowQuerier, e ssobroker.Entry, now time.Time) error {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM sso_entries WHERE `+ssoSame+` AND expires > ?`,
		string(e.Kind), e.Key, e.Index, ns(now)).Scan(&n)
	if err == nil && n > 0 {
		return ssobroker.ErrExists
	}
	return err
}

// ssoFull is ErrFull when e's kind has lim.Total live entries, or its
// address lim.PerAddr. Counting stops at the limit: a full kind costs no
// more than that.
func ssoFull(ctx context.Context, q rowQuerier, e ssobroker.Entry, lim ssobroker.Limit, now time.Time) error {
	full := func(limit int, where string, args ...any) error {
		if limit <= 0 {
			return nil
		}
		var n int
		args = append([]any{string(e.Kind), ns(now)}, append(args, limit)...)
		err := q.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM sso_entries WHERE kind = ? AND expires > ?`+
			where+` LIMIT ?) AS live`, args...).Scan(&n)
		if err == nil && n >= limit {
			return ssobroker.ErrFull
		}
		return err
	}
	if err := full(lim.Total, ""); err != nil {
		return err
	}
	return full(lim.PerAddr, " AND addr = ?", e.Addr)
}

// sweep deletes every expired entry, at most once per sweepEvery on this
// node (the first Put after the time has come does it; others go on).
func (s *SSOStore) sweep(ctx context.Context, now time.Time) error {
	last := s.lastSweep.Load()
	if now.Sub(time.Unix(0, last)) < sweepEvery || !s.lastSweep.CompareAndSwap(last, now.UnixNano()) {
		return nil
	}
	if _, err := s.db.exec(ctx, `DELETE FROM sso_entries WHERE expires <= ?`, ns(now)); err != nil {
		return fmt.Errorf("sweep expired sign-ins: %w", err)
	}
	return nil
}

// ssoColumns are what scanSSO reads, in its order.
const ssoColumns = `idx, key, addr, expires, data`

func scanSSO(row *sql.Row, kind ssobroker.Kind) (ssobroker.Entry, error) {
	e := ssobroker.Entry{Kind: kind}
	var expires int64
	err := row.Scan(&e.Index, &e.Key, &e.Addr, &expires, &e.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return ssobroker.Entry{}, ssobroker.ErrNotFound
	}
	e.Expires = fromNS(expires)
	return e, err
}

// Take implements ssobroker.Store: one statement, so of two Takes at once
// (on any nodes) one gets the entry and the other ErrNotFound.
func (s *SSOStore) Take(ctx context.Context, kind ssobroker.Kind, key string) (ssobroker.Entry, error) {
	var e ssobroker.Entry
	err := s.db.tx(ctx, func(t *txn) error {
		var err error
		e, err = scanSSO(t.queryRow(ctx, `DELETE FROM sso_entries WHERE kind = ? AND key = ? AND expires > ?
			RETURNING `+ssoColumns, string(kind), key, ns(s.now())), kind)
		return err
	})
	return e, ssoErr(err, "take", kind)
}

// Find implements ssobroker.Store.
func (s *SSOStore) Find(ctx context.Context, kind ssobroker.Kind, index string) (ssobroker.Entry, error) {
	if index == "" {
		return ssobroker.Entry{}, ssobroker.ErrNotFound
	}
	e, err := scanSSO(s.db.queryRow(ctx, `SELECT `+ssoColumns+` FROM sso_entries
		WHERE kind = ? AND idx = ? AND expires > ?`, string(kind), index, ns(s.now())), kind)
	return e, ssoErr(err, "find", kind)
}

// Update implements ssobroker.Store. The entry's row is locked from its
// read to the end (FOR UPDATE; on SQLite the transaction's write lock), so
// updates of one entry take turns. fn may change Expires and Data; its
// Kind, Key, Index and Addr stay. fn runs again if the database aborts the
// transaction to break a deadlock, so it must set, not accumulate.
func (s *SSOStore) Update(ctx context.Context, kind ssobroker.Kind, key string, fn func(*ssobroker.Entry) bool) error {
	err := s.db.tx(ctx, func(t *txn) error {
		e, err := scanSSO(t.queryRow(ctx, `SELECT `+ssoColumns+` FROM sso_entries
			WHERE kind = ? AND key = ? AND expires > ?`+t.d.forUpdate, string(kind), key, ns(s.now())), kind)
		if err != nil {
			return err
		}
		if !fn(&e) {
			_, err = t.exec(ctx, `DELETE FROM sso_entries WHERE kind = ? AND key = ?`, string(kind), key)
			return err
		}
		if e.Data == nil {
			e.Data = []byte{}
		}
		_, err = t.exec(ctx, `UPDATE sso_entries SET expires = ?, data = ? WHERE kind = ? AND key = ?`,
			ns(e.Expires), e.Data, string(kind), key)
		return err
	})
	return ssoErr(err, "update", kind)
}

// ssoErr passes the store's sentinels on and words the database's errors.
func ssoErr(err error, op string, kind ssobroker.Kind) error {
	if err == nil || errors.Is(err, ssobroker.ErrNotFound) {
		return err
	}
	return fmt.Errorf("%s a sign-in's %s: %w", op, kind, err)
}
