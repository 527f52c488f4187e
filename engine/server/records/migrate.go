package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// migrations[i] brings the schema from version i to i+1. Append only: a
// released migration is never edited. The SQL is portable: BIGINT Unix
// nanoseconds for times, INTEGER 0/1 for flags, partial indexes (SQLite and
// PostgreSQL both have them). The statements are written for SQLite; a
// dialect's ddl rewrites what it spells differently (postgresDDL: identity
// columns, 64-bit integers, BYTEA).
var migrations = [][]string{
	// 1: accounts, devices, tokens, objects, sign-in failures, settings.
	{
		`CREATE TABLE users (
			id          INTEGER PRIMARY KEY,
			name        TEXT    NOT NULL UNIQUE,
			password    TEXT    NOT NULL,
			admin       INTEGER NOT NULL DEFAULT 0,
			disabled    INTEGER NOT NULL DEFAULT 0,
			quota       BIGINT  NOT NULL,
			max_devices INTEGER NOT NULL,
			used        BIGINT  NOT NULL DEFAULT 0,
			created     BIGINT  NOT NULL
		)`,
		`CREATE TABLE devices (
			id          TEXT    PRIMARY KEY,
			user_id     INTEGER NOT NULL REFERENCES users(id),
			name        TEXT    NOT NULL,
			os          TEXT    NOT NULL,
			created     BIGINT  NOT NULL,
			last_seen   BIGINT  NOT NULL DEFAULT 0,
			last_upload BIGINT  NOT NULL DEFAULT 0,
			retired     BIGINT  NOT NULL DEFAULT 0
		)`,
		`CREATE INDEX devices_user ON devices(user_id, name)`,
		`CREATE TABLE tokens (
			hash      TEXT    PRIMARY KEY,
			user_id   INTEGER NOT NULL REFERENCES users(id),
			device_id TEXT    NOT NULL REFERENCES devices(id),
			created   BIGINT  NOT NULL,
			last_used BIGINT  NOT NULL,
			revoked   BIGINT  NOT NULL DEFAULT 0
		)`,
		`CREATE INDEX tokens_device ON tokens(device_id)`,
		`CREATE TABLE objects (
			id         INTEGER PRIMARY KEY,
			device_id  TEXT    NOT NULL REFERENCES devices(id),
			kind       TEXT    NOT NULL,
			name       TEXT    NOT NULL,
			size       BIGINT  NOT NULL,
			arrived    BIGINT  NOT NULL,
			deleted_at BIGINT
		)`,
		// One live object per name; the trash may hold several
		// generations of a name.
		`CREATE UNIQUE INDEX objects_live ON objects(device_id, kind, name) WHERE deleted_at IS NULL`,
		`CREATE INDEX objects_trash ON objects(deleted_at) WHERE deleted_at IS NOT NULL`,
		`CREATE INDEX objects_device ON objects(device_id, kind, name)`,
		`CREATE TABLE signin_failures (
			key TEXT   NOT NULL,
			at  BIGINT NOT NULL
		)`,
		`CREATE INDEX signin_failures_key ON signin_failures(key, at)`,
		`CREATE TABLE settings (
			key   TEXT PRIMARY KEY,
			value TEXT NOT NULL
		)`,
	},
	// 2: keys escrowed with the organisation (records/escrow.go).
	{
		`CREATE TABLE escrow (
			device_id       TEXT   PRIMARY KEY REFERENCES devices(id),
			key_fingerprint TEXT   NOT NULL,
			sealed          TEXT   NOT NULL,
			updated         BIGINT NOT NULL
		)`,
	},
	// 3: the web pages (records/web.go): browser sessions, the audit log,
	// backup alerts sent, and an email address per user.
	{
		`CREATE TABLE web_sessions (
			hash      TEXT    PRIMARY KEY,
			user_id   INTEGER NOT NULL REFERENCES users(id),
			created   BIGINT  NOT NULL,
			last_used BIGINT  NOT NULL,
			addr      TEXT    NOT NULL,
			zone      TEXT    NOT NULL DEFAULT ''
		)`,
		`CREATE INDEX web_sessions_user ON web_sessions(user_id)`,
		`CREATE TABLE audit (
			id     INTEGER PRIMARY KEY,
			at     BIGINT  NOT NULL,
			actor  TEXT    NOT NULL,
			action TEXT    NOT NULL,
			target TEXT    NOT NULL,
			detail TEXT    NOT NULL,
			addr   TEXT    NOT NULL
		)`,
		`CREATE INDEX audit_at ON audit(at)`,
		`CREATE TABLE backup_alerts (
			device_id   TEXT    NOT NULL REFERENCES devices(id),
			level       INTEGER NOT NULL,
			last_upload BIGINT  NOT NULL,
			sent        BIGINT  NOT NULL,
			PRIMARY KEY (device_id, level)
		)`,
		`ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT ''`,
	},
	// 4: why a device token was revoked (records/tokens.go), so that the
	// computer can tell its person: another computer took the device over
	// (replaced_by: that computer's name), or a sign-out of some kind.
	{
		`ALTER TABLE tokens ADD COLUMN revoke_reason TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE tokens ADD COLUMN replaced_by TEXT NOT NULL DEFAULT ''`,
	},
	// 5: sign-in limits and the audit log against flooding (records/signin.go,
	// records/web.go): a sign-in attempt's failure rows are reserved before
	// the password is checked and share an attempt ID, so a success can take
	// them back; signin_keys holds one row per limited key, locked while an
	// attempt is counted; signin_known is where each user signed in from,
	// which lets the right password through an account's global limit;
	// repeated audit entries (refused sign-ins) share one row per bucket,
	// counted in times.
	{
		`ALTER TABLE signin_failures ADD COLUMN attempt BIGINT NOT NULL DEFAULT 0`,
		`CREATE INDEX signin_failures_attempt ON signin_failures(attempt) WHERE attempt <> 0`,
		`CREATE TABLE signin_keys (
			key  TEXT   PRIMARY KEY,
			used BIGINT NOT NULL
		)`,
		`CREATE TABLE signin_known (
			user_name TEXT   NOT NULL,
			addr      TEXT   NOT NULL,
			at        BIGINT NOT NULL,
			PRIMARY KEY (user_name, addr)
		)`,
		`ALTER TABLE audit ADD COLUMN times INTEGER NOT NULL DEFAULT 1`,
		`ALTER TABLE audit ADD COLUMN bucket TEXT NOT NULL DEFAULT ''`,
		`CREATE UNIQUE INDEX audit_bucket ON audit(bucket) WHERE bucket <> ''`,
	},
	// 6: accounts from the organisation's directory (records/users.go):
	// where an account comes from (local, ldap, oidc), the directory's
	// permanent identity of its person (entryUUID/objectGUID, or issuer and
	// subject), and whether the directory sync disabled it (so the sync
	// enables it again when the person is back, never one an administrator
	// disabled).
	{
		`ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT 'local'`,
		`ALTER TABLE users ADD COLUMN external_id TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE users ADD COLUMN sync_disabled INTEGER NOT NULL DEFAULT 0`,
		`CREATE UNIQUE INDEX users_external ON users(source, external_id) WHERE external_id <> ''`,
	},
	// 7: organisation-held archive keys (records/orgkeys.go): per device the
	// archive's secret wrapped under the server's key-encryption key (never
	// the secret itself), and the ID of the KEK that wrapped it, so that a
	// rotation finds what it must re-wrap.
	{
		`CREATE TABLE org_keys (
			device_id TEXT   PRIMARY KEY REFERENCES devices(id),
			kek_id    TEXT   NOT NULL,
			wrapped   TEXT   NOT NULL,
			updated   BIGINT NOT NULL
		)`,
	},
	// 8: what the single sign-on broker keeps between requests
	// (records/ssostore.go), shared by the nodes: sso_entries holds each
	// entry (its key and index are hashes or user codes, never a secret);
	// sso_kinds holds one row per kind, locked while a Put counts against
	// its limits. Kinds are the broker's words, not a fixed list.
	{
		`CREATE TABLE sso_entries (
			kind    TEXT   NOT NULL,
			key     TEXT   NOT NULL,
			idx     TEXT   NOT NULL DEFAULT '',
			addr    TEXT   NOT NULL,
			expires BIGINT NOT NULL,
			data    BLOB   NOT NULL,
			PRIMARY KEY (kind, key)
		)`,
		`CREATE UNIQUE INDEX sso_entries_idx ON sso_entries(kind, idx) WHERE idx <> ''`,
		`CREATE INDEX sso_entries_addr ON sso_entries(kind, addr, expires)`,
		`CREATE INDEX sso_entries_expires ON sso_entries(expires)`,
		`CREATE TABLE sso_kinds (
			kind TEXT   PRIMARY KEY,
			used BIGINT NOT NULL
		)`,
	},
	// 9: single sign-on refresh tokens (records/oidc_tokens.go), for the
	// periodic check that cuts off people who left the organisation's
	// identity provider: per account (by its issuer and subject, as
	// users.external_id) the provider's refresh token sealed under the
	// server's key (never in clear), when it was stored, and when a node
	// last checked it (nodes take turns by comparing and setting it).
	{
		`CREATE TABLE oidc_refresh (
			external_id TEXT   PRIMARY KEY,
			sealed      TEXT   NOT NULL,
			updated     BIGINT NOT NULL,
			checked     BIGINT NOT NULL
		)`,
	},
}

// SchemaVersion is the schema this code writes.
var SchemaVersion = len(migrations)

// migrationLock is the key of the lock that servers starting at once on
// one database take turns under while they migrate (PostgreSQL: an advisory
// lock; the value is arbitrary, "cairn" in ASCII).
const migrationLock int64 = 0x636169726e

// migrate brings the database to SchemaVersion, in one transaction per
// version, so a crash leaves it at a version it can resume from. Servers
// that start at once take turns: the first migrates, the others find the
// schema up to date.
func (s *SQL) migrate(ctx context.Context) error {
	if s.dialect.lock != nil {
		unlock, err := s.dialect.lock(ctx, s.db, migrationLock)
		if err != nil {
			return fmt.Errorf("wait for other servers migrating the records: %w", err)
		}
		defer unlock()
	}
	if _, err := s.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	for {
		done := false
		err := s.tx(ctx, func(t *txn) error {
			v, err := schemaVersion(ctx, t)
			if err != nil {
				return err
			}
			if v > SchemaVersion {
				return fmt.Errorf("the records were written by a newer cairn-server (schema %d; this one knows up to %d): upgrade cairn-server", v, SchemaVersion)
			}
			if v == SchemaVersion {
				done = true
				return nil
			}
			for _, stmt := range migrations[v] {
				if _, err := t.exec(ctx, s.dialect.ddl(stmt)); err != nil {
					return fmt.Errorf("migrate schema to version %d: %w", v+1, err)
				}
			}
			if v == 0 {
				_, err = t.exec(ctx, `INSERT INTO schema_version (version) VALUES (?)`, v+1)
			} else {
				_, err = t.exec(ctx, `UPDATE schema_version SET version = ?`, v+1)
			}
			return err
		})
		if err != nil || done {
			return err
		}
	}
}

func schemaVersion(ctx context.Context, t *txn) (int, error) {
	var v int
	err := t.queryRow(ctx, `SELECT version FROM schema_version`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}
