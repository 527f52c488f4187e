package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// ClearSigninFailures implements SigninLog.
func (s *SQL) ClearSigninFailures(ctx context.Context, key string) error {
	_, err := s.exec(ctx, `DELETE FROM signin_failures WHERE key = ?`, key)
	return err
}

// ForgetSigninFailures implements SigninLog.
func (s *SQL) ForgetSigninFailures(ctx context.Context, before time.Time) error {
	_, err := s.exec(ctx, `DELETE FROM signin_failures WHERE at < ?`, ns(before))
	return err
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
