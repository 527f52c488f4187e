package records

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

const deviceSelect = `SELECT d.id, d.user_id, u.name, d.name, d.os, d.created, d.last_seen, d.last_upload, d.retired,
		CAST(COALESCE(SUM(o.size), 0) AS BIGINT), COUNT(o.id)
	FROM devices d
	JOIN users u ON u.id = d.user_id
	LEFT JOIN objects o ON o.device_id = d.id AND o.deleted_at IS NULL `

const deviceGroup = ` GROUP BY d.id, d.user_id, u.name, d.name, d.os, d.created, d.last_seen, d.last_upload, d.retired`

func scanDevice(sc interface{ Scan(...any) error }) (Device, error) {
	var d Device
	var created, seen, upload, retired int64
	err := sc.Scan(&d.ID, &d.UserID, &d.UserName, &d.Name, &d.OS, &created, &seen, &upload, &retired, &d.Bytes, &d.Objects)
	d.Created, d.LastSeen, d.LastUpload, d.Retired = fromNS(created), fromNS(seen), fromNS(upload), fromNS(retired)
	return d, err
}

// NewDeviceID returns a random 128-bit device ID in hex.
func NewDeviceID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// RegisterDevice implements Devices.
func (s *SQL) RegisterDevice(ctx context.Context, userID int64, name, os string, at time.Time) (Device, error) {
	var d Device
	err := s.tx(ctx, func(t *txn) error {
		// Under the lock of the user's row, the count below is the one
		// the insert adds to: two computers signing in at once on two
		// nodes cannot both take the last slot.
		if err := t.lockUser(ctx, userID); err != nil {
			return err
		}
		var id string
		err := t.queryRow(ctx, `SELECT id FROM devices WHERE user_id = ? AND name = ? AND retired = 0`, userID, name).Scan(&id)
		if err == nil {
			_, err = t.exec(ctx, `UPDATE devices SET os = ?, last_seen = ? WHERE id = ?`, os, ns(at), id)
			d = Device{ID: id}
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var user string
		var count, max int
		if err := t.queryRow(ctx, `SELECT u.name, u.max_devices,
				(SELECT COUNT(*) FROM devices d WHERE d.user_id = u.id AND d.retired = 0)
			FROM users u WHERE u.id = ?`, userID).Scan(&user, &max, &count); err != nil {
			return err
		}
		if count >= max {
			return fmt.Errorf("%s has %d devices already: %w", user, count, ErrDeviceLimit)
		}
		d = Device{ID: NewDeviceID()}
		_, err = t.exec(ctx, `INSERT INTO devices (id, user_id, name, os, created, last_seen) VALUES (?, ?, ?, ?, ?, ?)`,
			d.ID, userID, name, os, ns(at), ns(at))
		return err
	})
	if err != nil {
		if errors.Is(err, ErrDeviceLimit) {
			return d, err
		}
		return d, fmt.Errorf("register device %q: %w", name, err)
	}
	return s.Device(ctx, d.ID)
}

// Device implements Devices.
func (s *SQL) Device(ctx context.Context, id string) (Device, error) {
	d, err := scanDevice(s.queryRow(ctx, deviceSelect+`WHERE d.id = ?`+deviceGroup, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("no device %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("read device %s: %w", id, err)
	}
	return d, nil
}

// Devices implements Devices.
func (s *SQL) Devices(ctx context.Context, userID int64) ([]Device, error) {
	rows, err := s.query(ctx, deviceSelect+`WHERE CAST(? AS BIGINT) = 0 OR d.user_id = ?`+deviceGroup+` ORDER BY u.name, d.created, d.name, d.id`,
		userID, userID)
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	defer rows.Close()
	var ds []Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, fmt.Errorf("list devices: %w", err)
		}
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

// AdoptDevice implements Devices.
func (s *SQL) AdoptDevice(ctx context.Context, userID int64, id, name, os string, at time.Time) (Device, error) {
	err := s.tx(ctx, func(t *txn) error {
		if err := t.lockUser(ctx, userID); err != nil {
			return err
		}
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM devices WHERE id = ? AND user_id = ? AND retired = 0`,
			id, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("no active device %s: %w", id, ErrNotFound)
		}
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM devices WHERE user_id = ? AND name = ? AND retired = 0 AND id <> ?`,
			userID, name, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("device name %q: %w", name, ErrExists)
		}
		if _, err := t.exec(ctx, `UPDATE devices SET name = ?, os = ?, last_seen = ? WHERE id = ?`, name, os, ns(at), id); err != nil {
			return err
		}
		_, err := t.exec(ctx, `UPDATE tokens SET revoked = ?, revoke_reason = ?, replaced_by = ? WHERE device_id = ? AND revoked = 0`,
			ns(at), RevokedReplaced, name, id)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrExists) {
			return Device{}, err
		}
		return Device{}, fmt.Errorf("adopt device %s: %w", id, err)
	}
	return s.Device(ctx, id)
}

// RetireDevice implements Devices.
func (s *SQL) RetireDevice(ctx context.Context, id string, at time.Time) error {
	err := s.tx(ctx, func(t *txn) error {
		res, err := t.exec(ctx, `UPDATE devices SET retired = ? WHERE id = ? AND retired = 0`, ns(at), id)
		if err != nil {
			return err
		}
		if affected(res) == 0 {
			var n int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM devices WHERE id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("no device %s: %w", id, ErrNotFound)
			}
		}
		_, err = t.exec(ctx, `UPDATE tokens SET revoked = ?, revoke_reason = ? WHERE device_id = ? AND revoked = 0`,
			ns(at), RevokedRetired, id)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("retire device %s: %w", id, err)
	}
	return err
}
