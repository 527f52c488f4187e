package records

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// Escrow is a device's archive key left with the organisation, sealed to
// its escrow public key (only the offline private key opens it).
type Escrow struct {
	Device         string
	KeyFingerprint string // the escrow public key it is sealed to
	Sealed         []byte
	Updated        time.Time // server clock
}

// Escrows is the escrowed keys, one per device.
type Escrows interface {
	// SetEscrow records a device's escrowed key, replacing the one before.
	SetEscrow(ctx context.Context, e Escrow) error
	// Escrow returns a device's escrowed key; ErrNotFound when it has none.
	Escrow(ctx context.Context, device string) (Escrow, error)
}

// SetEscrow implements Escrows. The sealed bytes are kept as base64 text,
// which every SQL database stores the same way.
func (s *SQL) SetEscrow(ctx context.Context, e Escrow) error {
	_, err := s.exec(ctx, `INSERT INTO escrow (device_id, key_fingerprint, sealed, updated) VALUES (?, ?, ?, ?)
		ON CONFLICT (device_id) DO UPDATE SET key_fingerprint = excluded.key_fingerprint,
			sealed = excluded.sealed, updated = excluded.updated`,
		e.Device, e.KeyFingerprint, base64.StdEncoding.EncodeToString(e.Sealed), ns(e.Updated))
	if err != nil {
		return fmt.Errorf("record the escrowed key of device %s: %w", e.Device, err)
	}
	return nil
}

// Escrow implements Escrows.
func (s *SQL) Escrow(ctx context.Context, device string) (Escrow, error) {
	e := Escrow{Device: device}
	var sealed string
	var updated int64
	err := s.queryRow(ctx, `SELECT key_fingerprint, sealed, updated FROM escrow WHERE device_id = ?`, device).
		Scan(&e.KeyFingerprint, &sealed, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("escrowed key of device %s: %w", device, ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("read the escrowed key of device %s: %w", device, err)
	}
	if e.Sealed, err = base64.StdEncoding.DecodeString(sealed); err != nil {
		return e, fmt.Errorf("the escrowed key of device %s is damaged in the records", device)
	}
	e.Updated = fromNS(updated)
	return e, nil
}
