package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// AddToken implements Tokens.
func (s *SQL) AddToken(ctx context.Context, t Token, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO tokens (hash, user_id, device_id, created, last_used) VALUES (?, ?, ?, ?, ?)`,
		t.Hash, t.UserID, t.DeviceID, ns(at), ns(at))
	if err != nil {
		return fmt.Errorf("add token: %w", err)
	}
	return nil
}

// Session implements Tokens.
func (s *SQL) Session(ctx context.Context, tokenHash string) (Session, error) {
	var se Session
	var lastUsed, revoked int64
	u, d := &se.User, &se.Device
	var admin, disabled int
	var created, seen, upload, retired, ucreated int64
	err := s.queryRow(ctx, `SELECT t.last_used, t.revoked,
			u.id, u.name, u.admin, u.disabled, u.quota, u.max_devices, u.used, u.created,
			d.id, d.name, d.os, d.created, d.last_seen, d.last_upload, d.retired
		FROM tokens t
		JOIN users u ON u.id = t.user_id
		JOIN devices d ON d.id = t.device_id
		WHERE t.hash = ?`, tokenHash).Scan(&lastUsed, &revoked,
		&u.ID, &u.Name, &admin, &disabled, &u.Quota, &u.MaxDevices, &u.Used, &ucreated,
		&d.ID, &d.Name, &d.OS, &created, &seen, &upload, &retired)
	if errors.Is(err, sql.ErrNoRows) || err == nil && revoked != 0 {
		return se, fmt.Errorf("token: %w", ErrNotFound)
	}
	if err != nil {
		return se, fmt.Errorf("read token: %w", err)
	}
	se.TokenHash, se.LastUsed = tokenHash, fromNS(lastUsed)
	u.Admin, u.Disabled, u.Created = admin != 0, disabled != 0, fromNS(ucreated)
	d.UserID, d.UserName = u.ID, u.Name
	d.Created, d.LastSeen, d.LastUpload, d.Retired = fromNS(created), fromNS(seen), fromNS(upload), fromNS(retired)
	return se, nil
}

// TouchSession implements Tokens.
func (s *SQL) TouchSession(ctx context.Context, se Session, at time.Time) error {
	return s.tx(ctx, func(t *txn) error {
		if _, err := t.exec(ctx, `UPDATE tokens SET last_used = ? WHERE hash = ?`, ns(at), se.TokenHash); err != nil {
			return err
		}
		_, err := t.exec(ctx, `UPDATE devices SET last_seen = ? WHERE id = ?`, ns(at), se.Device.ID)
		return err
	})
}

// RevokeToken implements Tokens.
func (s *SQL) RevokeToken(ctx context.Context, tokenHash string, at time.Time) error {
	if _, err := s.exec(ctx, `UPDATE tokens SET revoked = ? WHERE hash = ? AND revoked = 0`, ns(at), tokenHash); err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}
