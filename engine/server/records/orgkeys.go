package records

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// OrgKey is a device's organisation-held archive secret, wrapped under the
// server's key-encryption key (package kek). The records never hold the
// secret itself: without the KEK file they read nothing.
type OrgKey struct {
	Device  string
	KEK     string // the ID of the KEK that wrapped it
	Wrapped []byte
	Updated time.Time // server clock
}

// OrgKeys is the organisation-held keys, one per device.
type OrgKeys interface {
	// SetOrgKey records a device's wrapped secret, replacing the one
	// before.
	SetOrgKey(ctx context.Context, k OrgKey) error
	// OrgKey returns a device's wrapped secret; ErrNotFound when it has
	// none.
	OrgKey(ctx context.Context, device string) (OrgKey, error)
	// OrgKeys lists every device's wrapped secret, by device ID (a KEK
	// rotation re-wraps them).
	OrgKeys(ctx context.Context) ([]OrgKey, error)
}

// SetOrgKey implements OrgKeys. The wrapped bytes are kept as base64 text,
// as the escrowed keys are.
func (s *SQL) SetOrgKey(ctx context.Context, k OrgKey) error {
	_, err := s.exec(ctx, `INSERT INTO org_keys (device_id, kek_id, wrapped, updated) VALUES (?, ?, ?, ?)
		ON CONFLICT (device_id) DO UPDATE SET kek_id = excluded.kek_id,
			wrapped = excluded.wrapped, updated = excluded.updated`,
		k.Device, k.KEK, base64.StdEncoding.EncodeToString(k.Wrapped), ns(k.Updated))
	if err != nil {
		return fmt.Errorf("record the organisation-held key of device %s: %w", k.Device, err)
	}
	return nil
}

// OrgKey implements OrgKeys.
func (s *SQL) OrgKey(ctx context.Context, device string) (OrgKey, error) {
	row := s.queryRow(ctx, `SELECT device_id, kek_id, wrapped, updated FROM org_keys WHERE device_id = ?`, device)
	k, err := scanOrgKey(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return k, fmt.Errorf("organisation-held key of device %s: %w", device, ErrNotFound)
	}
	return k, err
}

// OrgKeys implements OrgKeys.
func (s *SQL) OrgKeys(ctx context.Context) ([]OrgKey, error) {
	rows, err := s.query(ctx, `SELECT device_id, kek_id, wrapped, updated FROM org_keys ORDER BY device_id`)
	if err != nil {
		return nil, fmt.Errorf("list the organisation-held keys: %w", err)
	}
	defer rows.Close()
	var out []OrgKey
	for rows.Next() {
		k, err := scanOrgKey(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func scanOrgKey(scan func(...any) error) (OrgKey, error) {
	var k OrgKey
	var wrapped string
	var updated int64
	if err := scan(&k.Device, &k.KEK, &wrapped, &updated); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return k, err
		}
		return k, fmt.Errorf("read an organisation-held key: %w", err)
	}
	var err error
	if k.Wrapped, err = base64.StdEncoding.DecodeString(wrapped); err != nil {
		return k, fmt.Errorf("the organisation-held key of device %s is damaged in the records", k.Device)
	}
	k.Updated = fromNS(updated)
	return k, nil
}
