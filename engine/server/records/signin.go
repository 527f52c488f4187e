package records

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"
)

// AddSigninFailure implements SigninLog.
func (s *SQL) AddSigninFailure(ctx context.Context, at time.Time, keys ...string) error {
	return s.tx(ctx, func(t *txn) error {
		for _, k := range keys {
			if _, err := t.exec(ctx, `INSERT INTO signin_failures (key, at) VALUES (?, ?)`, k, ns(at)); err != nil {
				return fmt.Errorf("record failed sign-in: %w", err)
			}
		}
		return nil
	})
}

// SigninFailures implements SigninLog.
func (s *SQL) SigninFailures(ctx context.Context, key string, since time.Time) ([]time.Time, error) {
	rows, err := s.query(ctx, `SELECT at FROM signin_failures WHERE key = ? AND at > ? ORDER BY at`, key, ns(since))
	if err != nil {
		return nil, fmt.Errorf("read failed sign-ins: %w", err)
	}
	defer rows.Close()
	var ts []time.Time
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return nil, err
		}
		ts = append(ts, fromNS(at))
	}
	return ts, rows.Err()
}

// ReserveSignin implements SigninLog. The keys' rows in signin_keys are
// locked first, in key order (so two attempts never wait for each other in a
// circle): on PostgreSQL the upsert locks the row until the transaction
// ends, on SQLite the transaction holds the database's write lock. Counting
// and inserting under those locks is what makes the reservation atomic
// across the requests of one server and across nodes.
func (s *SQL) ReserveSignin(ctx context.Context, at time.Time, limits []SigninLimit) (SigninReservation, error) {
	attempt, err := newAttemptID()
	if err != nil {
		return SigninReservation{}, err
	}
	keys := make([]string, 0, len(limits))
	for _, l := range limits {
		keys = append(keys, l.Key)
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	// Refused at a glance, without a write: a flood of attempts over a
	// limit costs reads only.
	res := SigninReservation{Limit: -1}
	if err := signinWait(ctx, s, at, limits, &res); err != nil || res.Wait > 0 {
		if err != nil {
			return SigninReservation{}, fmt.Errorf("reserve a sign-in attempt: %w", err)
		}
		return res, nil
	}
	err = s.tx(ctx, func(t *txn) error {
		res = SigninReservation{Limit: -1}
		for _, k := range keys {
			if _, err := t.exec(ctx, `INSERT INTO signin_keys (key, used) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET used = excluded.used`, k, ns(at)); err != nil {
				return err
			}
		}
		if err := signinWait(ctx, t, at, limits, &res); err != nil || res.Wait > 0 {
			return err
		}
		for _, l := range limits {
			if _, err := t.exec(ctx, `INSERT INTO signin_failures (key, at, attempt) VALUES (?, ?, ?)`,
				l.Key, ns(at), attempt); err != nil {
				return err
			}
		}
		res.Attempt = attempt
		return nil
	})
	if err != nil {
		return SigninReservation{}, fmt.Errorf("reserve a sign-in attempt: %w", err)
	}
	return res, nil
}

// signinWait sets res.Wait and res.Limit to the longest wait any limit
// asks for: until the failure that makes its key reach Max leaves the
// window.
func signinWait(ctx context.Context, q rowQuerier, at time.Time, limits []SigninLimit, res *SigninReservation) error {
	for i, l := range limits {
		if l.Max <= 0 {
			continue
		}
		var oldest int64
		err := q.queryRow(ctx, `SELECT at FROM signin_failures WHERE key = ? AND at > ?
			ORDER BY at DESC LIMIT 1 OFFSET ?`, l.Key, ns(at.Add(-l.Window)), l.Max-1).Scan(&oldest)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		if w := max(fromNS(oldest).Add(l.Window).Sub(at), time.Second); w > res.Wait {
			res.Wait, res.Limit = w, i
		}
	}
	return nil
}

// rowQuerier is the store or a transaction.
type rowQuerier interface {
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// newAttemptID is a random positive ID for the rows of one attempt (0 is
// the rows AddSigninFailure writes).
func newAttemptID() (int64, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, fmt.Errorf("reserve a sign-in attempt: %w", err)
	}
	return int64(binary.BigEndian.Uint64(b[:])>>1) | 1, nil
}

// ReleaseSignin implements SigninLog.
func (s *SQL) ReleaseSignin(ctx context.Context, attempt int64) error {
	if attempt == 0 {
		return nil
	}
	if _, err := s.exec(ctx, `DELETE FROM signin_failures WHERE attempt = ?`, attempt); err != nil {
		return fmt.Errorf("release a sign-in attempt: %w", err)
	}
	return nil
}

// RememberSigninAddr implements SigninLog.
func (s *SQL) RememberSigninAddr(ctx context.Context, user, addr string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO signin_known (user_name, addr, at) VALUES (?, ?, ?)
		ON CONFLICT (user_name, addr) DO UPDATE SET at = excluded.at`, user, addr, ns(at))
	if err != nil {
		return fmt.Errorf("remember where %s signed in from: %w", user, err)
	}
	return nil
}

// SignedInFrom implements SigninLog.
func (s *SQL) SignedInFrom(ctx context.Context, user, addr string, since time.Time) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM signin_known WHERE user_name = ? AND addr = ? AND at > ?`,
		user, addr, ns(since)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read where %s signed in from: %w", user, err)
	}
	return n > 0, nil
}

// ForgetSigninAddrs implements SigninLog.
func (s *SQL) ForgetSigninAddrs(ctx context.Context, before time.Time) error {
	if _, err := s.exec(ctx, `DELETE FROM signin_known WHERE at < ?`, ns(before)); err != nil {
		return fmt.Errorf("forget old sign-in addresses: %w", err)
	}
	return nil
}

// ClearSigninFailures implements SigninLog.
func (s *SQL) ClearSigninFailures(ctx context.Context, key string) error {
	_, err := s.exec(ctx, `DELETE FROM signin_failures WHERE key = ?`, key)
	return err
}

// ForgetSigninFailures implements SigninLog; the keys' lock rows unused
// since before go too.
func (s *SQL) ForgetSigninFailures(ctx context.Context, before time.Time) error {
	if _, err := s.exec(ctx, `DELETE FROM signin_failures WHERE at < ?`, ns(before)); err != nil {
		return fmt.Errorf("forget old failed sign-ins: %w", err)
	}
	if _, err := s.exec(ctx, `DELETE FROM signin_keys WHERE used < ?`, ns(before)); err != nil {
		return fmt.Errorf("forget old failed sign-ins: %w", err)
	}
	return nil
}

// Setting implements Settings.
func (s *SQL) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting implements Settings. One statement, so that two servers
// starting at once (each setting the grace window) cannot collide.
func (s *SQL) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set setting %s: %w", key, err)
	}
	return nil
}
