package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Why a token was revoked, as recorded with it: the computer that used it
// is told, so that its person knows whether to sign in again or to stop
// using this computer for backups.
const (
	RevokedSignout  = "signout"  // the computer signed out itself
	RevokedReplaced = "replaced" // another computer took the device over (AdoptDevice)
	RevokedRetired  = "retired"  // an administrator retired the device
	RevokedAdmin    = "admin"    // an administrator signed the user's devices out
	RevokedPassword = "password" // the password was reset, signing the devices out
	RevokedUser     = "user"     // the user signed the device out on their web page
	RevokedExpired  = "expired"  // the token was not used for too long
)

// RevokedError is Session's error for a revoked token: why and when. It
// matches ErrNotFound, so that a caller who only asks whether a token is
// good need not know about it.
type RevokedError struct {
	Reason     string    // one of the Revoked constants; "" for a token revoked before reasons were kept
	ReplacedBy string    // RevokedReplaced: the name the device took on the new computer
	At         time.Time // when it was revoked
}

func (e *RevokedError) Error() string {
	return fmt.Sprintf("the token was revoked (%s)", e.Reason)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *RevokedError) Is(target error) bool { return target == ErrNotFound }

// DeviceSignin is one valid token of a user, as their own page shows it.
type DeviceSignin struct {
	ID         string // the first 16 hex digits of the token's hash: names it, cannot sign in
	DeviceID   string
	DeviceName string
	Created    time.Time
	LastUsed   time.Time
}

// signinIDLen is the length of DeviceSignin.ID.
const signinIDLen = 16

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
	var reason, replacedBy string
	u, d := &se.User, &se.Device
	var admin, disabled int
	var created, seen, upload, retired, ucreated int64
	err := s.queryRow(ctx, `SELECT t.last_used, t.revoked, t.revoke_reason, t.replaced_by,
			u.id, u.name, u.admin, u.disabled, u.quota, u.max_devices, u.used, u.created,
			d.id, d.name, d.os, d.created, d.last_seen, d.last_upload, d.retired
		FROM tokens t
		JOIN users u ON u.id = t.user_id
		JOIN devices d ON d.id = t.device_id
		WHERE t.hash = ?`, tokenHash).Scan(&lastUsed, &revoked, &reason, &replacedBy,
		&u.ID, &u.Name, &admin, &disabled, &u.Quota, &u.MaxDevices, &u.Used, &ucreated,
		&d.ID, &d.Name, &d.OS, &created, &seen, &upload, &retired)
	if errors.Is(err, sql.ErrNoRows) {
		return se, fmt.Errorf("token: %w", ErrNotFound)
	}
	if err != nil {
		return se, fmt.Errorf("read token: %w", err)
	}
	if revoked != 0 {
		return se, &RevokedError{Reason: reason, ReplacedBy: replacedBy, At: fromNS(revoked)}
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
func (s *SQL) RevokeToken(ctx context.Context, tokenHash, reason string, at time.Time) error {
	if _, err := s.exec(ctx, `UPDATE tokens SET revoked = ?, revoke_reason = ? WHERE hash = ? AND revoked = 0`,
		ns(at), reason, tokenHash); err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// RevokeUserTokens implements Tokens.
func (s *SQL) RevokeUserTokens(ctx context.Context, userID int64, reason string, at time.Time) (int64, error) {
	res, err := s.exec(ctx, `UPDATE tokens SET revoked = ?, revoke_reason = ? WHERE user_id = ? AND revoked = 0`,
		ns(at), reason, userID)
	if err != nil {
		return 0, fmt.Errorf("revoke the tokens of user %d: %w", userID, err)
	}
	return affected(res), nil
}

// DeviceSignins implements Tokens.
func (s *SQL) DeviceSignins(ctx context.Context, userID int64) ([]DeviceSignin, error) {
	rows, err := s.query(ctx, `SELECT t.hash, d.id, d.name, t.created, t.last_used
		FROM tokens t JOIN devices d ON d.id = t.device_id
		WHERE t.user_id = ? AND t.revoked = 0 ORDER BY d.name, t.created, t.hash`, userID)
	if err != nil {
		return nil, fmt.Errorf("list sign-ins: %w", err)
	}
	defer rows.Close()
	var out []DeviceSignin
	for rows.Next() {
		var ds DeviceSignin
		var created, used int64
		if err := rows.Scan(&ds.ID, &ds.DeviceID, &ds.DeviceName, &created, &used); err != nil {
			return nil, fmt.Errorf("list sign-ins: %w", err)
		}
		ds.ID = ds.ID[:min(len(ds.ID), signinIDLen)]
		ds.Created, ds.LastUsed = fromNS(created), fromNS(used)
		out = append(out, ds)
	}
	return out, rows.Err()
}

// RevokeDeviceSignin implements Tokens.
func (s *SQL) RevokeDeviceSignin(ctx context.Context, userID int64, id string, at time.Time) error {
	if len(id) != signinIDLen {
		return fmt.Errorf("sign-in %q: %w", id, ErrNotFound)
	}
	res, err := s.exec(ctx, `UPDATE tokens SET revoked = ?, revoke_reason = ?
		WHERE user_id = ? AND revoked = 0 AND substr(hash, 1, 16) = ?`, ns(at), RevokedUser, userID, id)
	if err != nil {
		return fmt.Errorf("revoke sign-in %s: %w", id, err)
	}
	if affected(res) == 0 {
		return fmt.Errorf("sign-in %s: %w", id, ErrNotFound)
	}
	return nil
}
