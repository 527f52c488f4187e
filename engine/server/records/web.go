package records

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// What the web pages (package server/web) keep: browser sessions, the audit
// log, the backup alerts already sent, and users' email addresses. These
// are methods of SQL beyond Store; the web pages declare the interface they
// use.

// WebSession is a browser's session. Only the SHA-256 of the session's
// random id is kept, so the records cannot be used to sign in.
type WebSession struct {
	Hash     string // hex SHA-256 of the id in the cookie
	UserID   int64
	UserName string // filled by WebSession
	Created  time.Time
	LastUsed time.Time
	Addr     string // where it signed in from
	Zone     string // the browser's time zone (IANA name), "" when unknown
}

// AddWebSession records a new session.
func (s *SQL) AddWebSession(ctx context.Context, ws WebSession) error {
	_, err := s.exec(ctx, `INSERT INTO web_sessions (hash, user_id, created, last_used, addr, zone) VALUES (?, ?, ?, ?, ?, ?)`,
		ws.Hash, ws.UserID, ns(ws.Created), ns(ws.LastUsed), ws.Addr, ws.Zone)
	if err != nil {
		return fmt.Errorf("add web session: %w", err)
	}
	return nil
}

// WebSession finds a session by hash; ErrNotFound when there is none.
func (s *SQL) WebSession(ctx context.Context, hash string) (WebSession, error) {
	ws := WebSession{Hash: hash}
	var created, used int64
	err := s.queryRow(ctx, `SELECT w.user_id, u.name, w.created, w.last_used, w.addr, w.zone
		FROM web_sessions w JOIN users u ON u.id = w.user_id WHERE w.hash = ?`, hash).
		Scan(&ws.UserID, &ws.UserName, &created, &used, &ws.Addr, &ws.Zone)
	if errors.Is(err, sql.ErrNoRows) {
		return ws, fmt.Errorf("web session: %w", ErrNotFound)
	}
	if err != nil {
		return ws, fmt.Errorf("read web session: %w", err)
	}
	ws.Created, ws.LastUsed = fromNS(created), fromNS(used)
	return ws, nil
}

// TouchWebSession records that the session was used at at, and the
// browser's time zone when zone is not "".
func (s *SQL) TouchWebSession(ctx context.Context, hash string, at time.Time, zone string) error {
	_, err := s.exec(ctx, `UPDATE web_sessions SET last_used = ?, zone = CASE WHEN ? = '' THEN zone ELSE ? END WHERE hash = ?`,
		ns(at), zone, zone, hash)
	if err != nil {
		return fmt.Errorf("touch web session: %w", err)
	}
	return nil
}

// RemoveWebSession forgets a session (signing out); an unknown one is not
// an error.
func (s *SQL) RemoveWebSession(ctx context.Context, hash string) error {
	if _, err := s.exec(ctx, `DELETE FROM web_sessions WHERE hash = ?`, hash); err != nil {
		return fmt.Errorf("remove web session: %w", err)
	}
	return nil
}

// RemoveUserWebSessions signs a user out of every browser (a disabled
// account, a reset password).
func (s *SQL) RemoveUserWebSessions(ctx context.Context, userID int64) error {
	if _, err := s.exec(ctx, `DELETE FROM web_sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("remove web sessions: %w", err)
	}
	return nil
}

// ExpireWebSessions forgets the sessions created before createdBefore or
// last used before usedBefore, and returns their hashes.
func (s *SQL) ExpireWebSessions(ctx context.Context, createdBefore, usedBefore time.Time) ([]string, error) {
	var hashes []string
	err := s.tx(ctx, func(t *txn) error {
		hashes = nil // a transaction run again starts afresh
		rows, err := t.query(ctx, `SELECT hash FROM web_sessions WHERE created < ? OR last_used < ?`, ns(createdBefore), ns(usedBefore))
		if err != nil {
			return err
		}
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				rows.Close()
				return err
			}
			hashes = append(hashes, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, h := range hashes {
			if _, err := t.exec(ctx, `DELETE FROM web_sessions WHERE hash = ?`, h); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("expire web sessions: %w", err)
	}
	return hashes, nil
}

// AuditEntry is one line of the audit log: who did what, when, from where.
type AuditEntry struct {
	ID     int64
	At     time.Time
	Actor  string // the user name
	Action string // a short verb: "download", "user.disable"…
	Target string // what it was done to
	Detail string
	Addr   string // the browser's address
	Times  int    // how often it happened (AddAuditCounted), from At on
}

// Caps of what an audit entry stores, in bytes: anyone can send a sign-in
// with a user name of 60,000 characters, and the log must not grow by what
// strangers send. Longer texts are cut and end with auditCut.
const (
	auditShort = 128 // actor, action, address
	auditLong  = 512 // target, detail
	auditCut   = "…"
)

// truncated returns v cut to at most n bytes (on a character boundary),
// ending with auditCut when it was cut.
func truncated(v string, n int) string {
	if len(v) <= n {
		return v
	}
	cut := n - len(auditCut)
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return strings.ToValidUTF8(v[:cut], "") + auditCut
}

func (e AuditEntry) truncated() AuditEntry {
	e.Actor, e.Action, e.Addr = truncated(e.Actor, auditShort), truncated(e.Action, auditShort), truncated(e.Addr, auditShort)
	e.Target, e.Detail = truncated(e.Target, auditLong), truncated(e.Detail, auditLong)
	return e
}

// AddAudit appends to the audit log, its texts truncated.
func (s *SQL) AddAudit(ctx context.Context, e AuditEntry) error {
	e = e.truncated()
	_, err := s.exec(ctx, `INSERT INTO audit (at, actor, action, target, detail, addr) VALUES (?, ?, ?, ?, ?, ?)`,
		ns(e.At), e.Actor, e.Action, e.Target, e.Detail, e.Addr)
	if err != nil {
		return fmt.Errorf("add to the audit log: %w", err)
	}
	return nil
}

// AddAuditCounted appends to the audit log what may repeat many times
// (refused sign-ins): entries with the same action, actor, target and
// address within one window (the clock cut into window-long pieces) share
// one row, whose Times counts them and whose At and Detail are the first's.
// One statement, so that two requests (or nodes) at once count right.
func (s *SQL) AddAuditCounted(ctx context.Context, e AuditEntry, window time.Duration) error {
	e = e.truncated()
	h := sha256.New()
	for _, v := range []string{e.Action, e.Actor, e.Target, e.Addr, strconv.FormatInt(ns(e.At.Truncate(window)), 10)} {
		fmt.Fprintf(h, "%d:%s;", len(v), v)
	}
	bucket := hex.EncodeToString(h.Sum(nil))
	_, err := s.exec(ctx, `INSERT INTO audit (at, actor, action, target, detail, addr, times, bucket) VALUES (?, ?, ?, ?, ?, ?, 1, ?)
		ON CONFLICT (bucket) WHERE bucket <> '' DO UPDATE SET times = audit.times + 1`,
		ns(e.At), e.Actor, e.Action, e.Target, e.Detail, e.Addr, bucket)
	if err != nil {
		return fmt.Errorf("add to the audit log: %w", err)
	}
	return nil
}

// ForgetAudit drops the audit entries older than before and returns how
// many.
func (s *SQL) ForgetAudit(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM audit WHERE at < ?`, ns(before))
	if err != nil {
		return 0, fmt.Errorf("forget old audit entries: %w", err)
	}
	return affected(res), nil
}

// Audit returns up to limit entries older than beforeID (0: the newest),
// newest first.
func (s *SQL) Audit(ctx context.Context, beforeID int64, limit int) ([]AuditEntry, error) {
	rows, err := s.query(ctx, `SELECT id, at, actor, action, target, detail, addr, times FROM audit
		WHERE CAST(? AS BIGINT) = 0 OR id < ? ORDER BY id DESC LIMIT ?`, beforeID, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	defer rows.Close()
	var es []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.Addr, &e.Times); err != nil {
			return nil, fmt.Errorf("read the audit log: %w", err)
		}
		e.At = fromNS(at)
		es = append(es, e)
	}
	return es, rows.Err()
}

// UserEmails returns every user's email address that is set, by user ID.
func (s *SQL) UserEmails(ctx context.Context) (map[int64]string, error) {
	rows, err := s.query(ctx, `SELECT id, email FROM users WHERE email <> ''`)
	if err != nil {
		return nil, fmt.Errorf("read email addresses: %w", err)
	}
	defer rows.Close()
	m := map[int64]string{}
	for rows.Next() {
		var id int64
		var email string
		if err := rows.Scan(&id, &email); err != nil {
			return nil, err
		}
		m[id] = email
	}
	return m, rows.Err()
}

// SetUserEmail sets (or with "", clears) a user's email address.
func (s *SQL) SetUserEmail(ctx context.Context, name, email string) error {
	res, err := s.exec(ctx, `UPDATE users SET email = ? WHERE name = ?`, email, name)
	if err != nil {
		return fmt.Errorf("set the email of %s: %w", name, err)
	}
	if affected(res) == 0 {
		return fmt.Errorf("no user %s: %w", name, ErrNotFound)
	}
	return nil
}

// AlertSent reports whether the alert of level was sent for the device
// while its last upload was lastUpload: one alert per device, level and
// lapse (a backup since starts a new lapse).
func (s *SQL) AlertSent(ctx context.Context, device string, level int, lastUpload time.Time) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM backup_alerts WHERE device_id = ? AND level = ? AND last_upload = ?`,
		device, level, ns(lastUpload)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read backup alerts: %w", err)
	}
	return n > 0, nil
}

// RecordAlert records that the alert of level was sent for the device's
// lapse since lastUpload.
func (s *SQL) RecordAlert(ctx context.Context, device string, level int, lastUpload, sent time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO backup_alerts (device_id, level, last_upload, sent) VALUES (?, ?, ?, ?)
		ON CONFLICT (device_id, level) DO UPDATE SET last_upload = excluded.last_upload, sent = excluded.sent`,
		device, level, ns(lastUpload), ns(sent))
	if err != nil {
		return fmt.Errorf("record a backup alert: %w", err)
	}
	return nil
}
