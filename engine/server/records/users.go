package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

const userColumns = `u.id, u.name, u.password, u.admin, u.disabled, u.quota, u.max_devices, u.used, u.created,
	(SELECT COUNT(*) FROM devices d WHERE d.user_id = u.id AND d.retired = 0), u.source, u.external_id, u.sync_disabled`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var admin, disabled, syncDisabled int
	var created int64
	err := sc.Scan(&u.ID, &u.Name, &u.PasswordHash, &admin, &disabled, &u.Quota, &u.MaxDevices, &u.Used, &created, &u.Devices,
		&u.Source, &u.ExternalID, &syncDisabled)
	u.Admin, u.Disabled, u.Created, u.SyncDisabled = admin != 0, disabled != 0, fromNS(created), syncDisabled != 0
	return u, err
}

// AddUser implements Users. Zero Quota and MaxDevices get the defaults.
func (s *SQL) AddUser(ctx context.Context, u User) (User, error) {
	if u.Quota == 0 {
		u.Quota = DefaultQuota
	}
	if u.MaxDevices == 0 {
		u.MaxDevices = DefaultMaxDevices
	}
	if u.Created.IsZero() {
		u.Created = time.Now()
	}
	if u.Source == "" {
		u.Source = SourceLocal
	}
	err := s.queryRow(ctx, `INSERT INTO users (name, password, admin, disabled, quota, max_devices, used, created,
		source, external_id, sync_disabled)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?) RETURNING id`,
		u.Name, u.PasswordHash, boolInt(u.Admin), boolInt(u.Disabled), u.Quota, u.MaxDevices, ns(u.Created),
		u.Source, u.ExternalID, boolInt(u.SyncDisabled)).Scan(&u.ID)
	if s.dialect.isUnique(err) {
		return u, fmt.Errorf("user %s %w", u.Name, ErrExists)
	}
	if err != nil {
		return u, fmt.Errorf("add user %s: %w", u.Name, err)
	}
	return u, nil
}

// User implements Users.
func (s *SQL) User(ctx context.Context, name string) (User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("no user %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("read user %s: %w", name, err)
	}
	return u, nil
}

// Users implements Users.
func (s *SQL) Users(ctx context.Context) ([]User, error) {
	rows, err := s.query(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var us []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

// UpdateUser implements Users.
func (s *SQL) UpdateUser(ctx context.Context, name string, c UserChange) error {
	var sets []string
	var args []any
	add := func(col string, v any) {
		sets = append(sets, col+" = ?")
		args = append(args, v)
	}
	if c.PasswordHash != nil {
		add("password", *c.PasswordHash)
	}
	if c.Quota != nil {
		add("quota", *c.Quota)
	}
	if c.MaxDevices != nil {
		add("max_devices", *c.MaxDevices)
	}
	if c.Disabled != nil {
		add("disabled", boolInt(*c.Disabled))
	}
	if c.Admin != nil {
		add("admin", boolInt(*c.Admin))
	}
	if c.Name != nil {
		add("name", *c.Name)
	}
	if c.SyncDisabled != nil {
		add("sync_disabled", boolInt(*c.SyncDisabled))
	}
	if len(sets) == 0 {
		return nil
	}
	q := "UPDATE users SET " + sets[0]
	for _, s := range sets[1:] {
		q += ", " + s
	}
	res, err := s.exec(ctx, q+" WHERE name = ?", append(args, name)...)
	if s.dialect.isUnique(err) {
		return fmt.Errorf("rename user %s: %w", name, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("update user %s: %w", name, err)
	}
	if affected(res) == 0 {
		return fmt.Errorf("no user %s: %w", name, ErrNotFound)
	}
	return nil
}

// UserByExternal implements Users.
func (s *SQL) UserByExternal(ctx context.Context, source, externalID string) (User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.source = ? AND u.external_id = ?`,
		source, externalID))
	if errors.Is(err, sql.ErrNoRows) || externalID == "" {
		return User{}, fmt.Errorf("no %s account for %s: %w", source, externalID, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("read the %s account of %s: %w", source, externalID, err)
	}
	return u, nil
}
