package records

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// Open opens the record store that spec names: a postgres:// or
// postgresql:// URL (OpenPostgres), else the path of a SQLite file
// (OpenSQLite).
func Open(ctx context.Context, spec string) (*SQL, error) {
	switch {
	case IsPostgres(spec):
		return OpenPostgres(ctx, spec)
	case strings.Contains(spec, "://"):
		return nil, fmt.Errorf("records %s: unknown kind of database (give a file path or a postgres:// URL)", Redact(spec))
	case spec == "":
		return nil, fmt.Errorf("records: no database given")
	}
	return OpenSQLite(ctx, spec)
}

// IsPostgres reports whether spec is a PostgreSQL URL.
func IsPostgres(spec string) bool {
	return strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://")
}

// Redact returns spec without the password a URL may hold, for logs and
// messages.
func Redact(spec string) string {
	if !strings.Contains(spec, "://") {
		return spec
	}
	u, err := url.Parse(spec)
	if err != nil {
		return "(a database URL that cannot be read)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
