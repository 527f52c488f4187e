package records

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// OIDCRefresh is a single sign-on account's refresh token at the
// organisation's identity provider, sealed by the server (the records
// never hold it in clear), for the periodic check that cuts off people who
// left.
type OIDCRefresh struct {
	ExternalID string // the account's issuer and subject (User.ExternalID)
	Sealed     []byte
	Updated    time.Time // stored (server clock)
	Checked    time.Time // last checked at the provider, or Updated
}

// OIDCRefreshes keeps the refresh tokens. A token is replaced only by
// comparing, so that a sign-in storing a new token and a check storing a
// rotated one do not undo each other, and nodes checking at once take
// turns.
type OIDCRefreshes interface {
	// SetOIDCRefresh stores an account's token (at its sign-in), replacing
	// any before; Checked becomes Updated.
	SetOIDCRefresh(ctx context.Context, r OIDCRefresh) error
	// OIDCRefreshes lists every token.
	OIDCRefreshes(ctx context.Context) ([]OIDCRefresh, error)
	// ClaimOIDCRefresh sets Checked to now if it is still was: false when
	// another node (or a sign-in) got there first.
	ClaimOIDCRefresh(ctx context.Context, externalID string, was, now time.Time) (bool, error)
	// ReplaceOIDCRefresh stores a rotated token if the sealed one is still
	// old: false when a sign-in stored another meanwhile.
	ReplaceOIDCRefresh(ctx context.Context, externalID string, old, sealed []byte, now time.Time) (bool, error)
	// DeleteOIDCRefresh forgets an account's token if it is still sealed
	// (nil: whatever it is).
	DeleteOIDCRefresh(ctx context.Context, externalID string, sealed []byte) error
}

// SetOIDCRefresh implements OIDCRefreshes.
func (s *SQL) SetOIDCRefresh(ctx context.Context, r OIDCRefresh) error {
	_, err := s.exec(ctx, `INSERT INTO oidc_refresh (external_id, sealed, updated, checked) VALUES (?, ?, ?, ?)
		ON CONFLICT (external_id) DO UPDATE SET sealed = excluded.sealed, updated = excluded.updated,
			checked = excluded.checked`,
		r.ExternalID, oidcSealedText(r.Sealed), ns(r.Updated), ns(r.Updated))
	if err != nil {
		return fmt.Errorf("record a single sign-on refresh token: %w", err)
	}
	return nil
}

// OIDCRefreshes implements OIDCRefreshes.
func (s *SQL) OIDCRefreshes(ctx context.Context) ([]OIDCRefresh, error) {
	rows, err := s.query(ctx, `SELECT external_id, sealed, updated, checked FROM oidc_refresh ORDER BY external_id`)
	if err != nil {
		return nil, fmt.Errorf("list the single sign-on refresh tokens: %w", err)
	}
	defer rows.Close()
	var out []OIDCRefresh
	for rows.Next() {
		var r OIDCRefresh
		var sealed string
		var updated, checked int64
		if err := rows.Scan(&r.ExternalID, &sealed, &updated, &checked); err != nil {
			return nil, fmt.Errorf("read a single sign-on refresh token: %w", err)
		}
		if r.Sealed, err = base64.StdEncoding.DecodeString(sealed); err != nil {
			return nil, errors.New("a single sign-on refresh token is damaged in the records")
		}
		r.Updated, r.Checked = fromNS(updated), fromNS(checked)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ClaimOIDCRefresh implements OIDCRefreshes.
func (s *SQL) ClaimOIDCRefresh(ctx context.Context, externalID string, was, now time.Time) (bool, error) {
	res, err := s.exec(ctx, `UPDATE oidc_refresh SET checked = ? WHERE external_id = ? AND checked = ?`,
		ns(now), externalID, ns(was))
	return oidcOneRow(res, err, "claim a single sign-on refresh token for its check")
}

// ReplaceOIDCRefresh implements OIDCRefreshes.
func (s *SQL) ReplaceOIDCRefresh(ctx context.Context, externalID string, old, sealed []byte, now time.Time) (bool, error) {
	res, err := s.exec(ctx, `UPDATE oidc_refresh SET sealed = ?, updated = ? WHERE external_id = ? AND sealed = ?`,
		oidcSealedText(sealed), ns(now), externalID, oidcSealedText(old))
	return oidcOneRow(res, err, "record a rotated single sign-on refresh token")
}

// DeleteOIDCRefresh implements OIDCRefreshes.
func (s *SQL) DeleteOIDCRefresh(ctx context.Context, externalID string, sealed []byte) error {
	var err error
	if sealed == nil {
		_, err = s.exec(ctx, `DELETE FROM oidc_refresh WHERE external_id = ?`, externalID)
	} else {
		_, err = s.exec(ctx, `DELETE FROM oidc_refresh WHERE external_id = ? AND sealed = ?`, externalID, oidcSealedText(sealed))
	}
	if err != nil {
		return fmt.Errorf("forget a single sign-on refresh token: %w", err)
	}
	return nil
}

func oidcSealedText(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func oidcOneRow(res sql.Result, err error, what string) (bool, error) {
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return n == 1, nil
}
