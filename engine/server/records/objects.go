package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

const objectSelect = `SELECT o.id, o.device_id, o.kind, o.name, o.size, o.arrived, o.deleted_at, u.name, d.name
	FROM objects o
	JOIN devices d ON d.id = o.device_id
	JOIN users u ON u.id = d.user_id `

func scanObject(sc interface{ Scan(...any) error }) (Object, error) {
	var o Object
	var arrived int64
	var deleted sql.NullInt64
	err := sc.Scan(&o.ID, &o.Device, &o.Kind, &o.Name, &o.Size, &arrived, &deleted, &o.UserName, &o.DeviceName)
	o.Arrived = fromNS(arrived)
	if deleted.Valid {
		o.Deleted = time.Unix(0, deleted.Int64)
	}
	return o, err
}

// AddObject implements Objects.
func (s *SQL) AddObject(ctx context.Context, o Object) (int64, error) {
	return s.addObject(ctx, o, false)
}

// AddObjectInQuota is AddObject that first checks, in the same transaction
// and under the lock of the user's row, that the object fits in its user's
// quota: ErrQuota when it does not. Two uploads at once, on two nodes of one
// database, cannot both take the last bytes of a quota.
func (s *SQL) AddObjectInQuota(ctx context.Context, o Object) (int64, error) {
	return s.addObject(ctx, o, true)
}

func (s *SQL) addObject(ctx context.Context, o Object, inQuota bool) (int64, error) {
	var id int64
	err := s.tx(ctx, func(t *txn) error {
		if inQuota {
			if err := t.checkQuota(ctx, o); err != nil {
				return err
			}
		}
		err := t.queryRow(ctx, `INSERT INTO objects (device_id, kind, name, size, arrived, deleted_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			o.Device, o.Kind, o.Name, o.Size, ns(o.Arrived), nullNS(o.Deleted)).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE users SET used = used + ?
				WHERE id = (SELECT user_id FROM devices WHERE id = ?)`, o.Size, o.Device); err != nil {
			return err
		}
		if o.Live() {
			_, err = t.exec(ctx, `UPDATE devices SET last_upload = ? WHERE id = ? AND last_upload < ?`,
				ns(o.Arrived), o.Device, ns(o.Arrived))
		}
		return err
	})
	if s.dialect.isUnique(err) {
		return 0, fmt.Errorf("%s/%s %w", o.Kind, o.Name, ErrExists)
	}
	if errors.Is(err, ErrQuota) {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("record %s/%s: %w", o.Kind, o.Name, err)
	}
	return id, nil
}

// checkQuota locks the row of o's user and returns ErrQuota when o does not
// fit in what is left of the quota.
func (t *txn) checkQuota(ctx context.Context, o Object) error {
	var userID int64
	err := t.queryRow(ctx, `SELECT user_id FROM devices WHERE id = ?`, o.Device).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("device %s: %w", o.Device, ErrNotFound)
	}
	if err != nil {
		return err
	}
	var name string
	var used, quota int64
	if err := t.queryRow(ctx, `SELECT name, used, quota FROM users WHERE id = ?`+t.d.forUpdate, userID).
		Scan(&name, &used, &quota); err != nil {
		return err
	}
	if used+o.Size > quota {
		return fmt.Errorf("%s uses %d of %d bytes; %d more do not fit: %w", name, used, quota, o.Size, ErrQuota)
	}
	return nil
}

// Object implements Objects.
func (s *SQL) Object(ctx context.Context, id int64) (Object, error) {
	o, err := scanObject(s.queryRow(ctx, objectSelect+`WHERE o.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("object %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("read object %d: %w", id, err)
	}
	return o, nil
}

// LiveObject implements Objects.
func (s *SQL) LiveObject(ctx context.Context, device, kind, name string) (Object, error) {
	o, err := scanObject(s.queryRow(ctx, objectSelect+
		`WHERE o.device_id = ? AND o.kind = ? AND o.name = ? AND o.deleted_at IS NULL`, device, kind, name))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("%s/%s: %w", kind, name, ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("read %s/%s: %w", kind, name, err)
	}
	return o, nil
}

// Objects implements Objects.
func (s *SQL) Objects(ctx context.Context, q ObjectQuery) ([]Object, error) {
	var where []string
	var args []any
	add := func(cond string, v ...any) {
		where = append(where, cond)
		args = append(args, v...)
	}
	switch q.State {
	case Live:
		add("o.deleted_at IS NULL")
	case Trashed:
		add("o.deleted_at IS NOT NULL")
	}
	if q.UserID != 0 {
		add("d.user_id = ?", q.UserID)
	}
	if q.Device != "" {
		add("o.device_id = ?", q.Device)
	}
	if q.Kind != "" {
		add("o.kind = ?", q.Kind)
	}
	if q.Name != "" {
		add("o.name = ?", q.Name)
	}
	if !q.DeletedBefore.IsZero() {
		add("o.deleted_at < ?", ns(q.DeletedBefore))
	}
	if !q.DeletedSince.IsZero() {
		add("o.deleted_at >= ?", ns(q.DeletedSince))
	}
	if q.AfterID != 0 {
		add("o.id > ?", q.AfterID)
	}
	stmt := objectSelect
	if len(where) > 0 {
		stmt += "WHERE " + strings.Join(where, " AND ")
	}
	stmt += " ORDER BY o.id"
	if q.Limit > 0 {
		stmt += " LIMIT ?"
		args = append(args, q.Limit)
	}
	rows, err := s.query(ctx, stmt, args...)
	if err != nil {
		return nil, fmt.Errorf("list objects: %w", err)
	}
	defer rows.Close()
	var os []Object
	for rows.Next() {
		o, err := scanObject(rows)
		if err != nil {
			return nil, fmt.Errorf("list objects: %w", err)
		}
		os = append(os, o)
	}
	return os, rows.Err()
}

// TrashObject implements Objects.
func (s *SQL) TrashObject(ctx context.Context, id int64, at time.Time) error {
	res, err := s.exec(ctx, `UPDATE objects SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL`, ns(at), id)
	if err != nil {
		return fmt.Errorf("trash object %d: %w", id, err)
	}
	if affected(res) == 0 {
		return fmt.Errorf("live object %d: %w", id, ErrNotFound)
	}
	return nil
}

// RestoreObject implements Objects.
func (s *SQL) RestoreObject(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `UPDATE objects SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL`, id)
	if s.dialect.isUnique(err) {
		return fmt.Errorf("object %d: a live object has its name: %w", id, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("restore object %d: %w", id, err)
	}
	if affected(res) == 0 {
		return fmt.Errorf("trashed object %d: %w", id, ErrNotFound)
	}
	return nil
}

// PurgeObject implements Objects.
func (s *SQL) PurgeObject(ctx context.Context, id int64) error {
	err := s.tx(ctx, func(t *txn) error {
		var size int64
		var device string
		err := t.queryRow(ctx, `SELECT size, device_id FROM objects WHERE id = ?`, id).Scan(&size, &device)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM objects WHERE id = ?`, id); err != nil {
			return err
		}
		_, err = t.exec(ctx, `UPDATE users SET used = used - ? WHERE id = (SELECT user_id FROM devices WHERE id = ?)`,
			size, device)
		return err
	})
	if err != nil {
		return fmt.Errorf("purge object %d: %w", id, err)
	}
	return nil
}

const usageSum = `CAST(COALESCE((SELECT SUM(o.size) FROM objects o JOIN devices d ON d.id = o.device_id WHERE d.user_id = u.id), 0) AS BIGINT)`

// RecountUsage implements Objects.
func (s *SQL) RecountUsage(ctx context.Context, fix bool) ([]UsageDiff, error) {
	rows, err := s.query(ctx, `SELECT u.id, u.name, u.used, `+usageSum+` FROM users u ORDER BY u.name`)
	if err != nil {
		return nil, fmt.Errorf("recount usage: %w", err)
	}
	var diffs []UsageDiff
	var ids []int64
	for rows.Next() {
		var d UsageDiff
		var id int64
		if err := rows.Scan(&id, &d.User, &d.Recorded, &d.Actual); err != nil {
			rows.Close()
			return nil, fmt.Errorf("recount usage: %w", err)
		}
		if d.Recorded != d.Actual {
			diffs = append(diffs, d)
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recount usage: %w", err)
	}
	if fix {
		for _, id := range ids {
			if _, err := s.exec(ctx, `UPDATE users AS u SET used = `+usageSum+` WHERE u.id = ?`, id); err != nil {
				return diffs, fmt.Errorf("correct usage: %w", err)
			}
		}
	}
	return diffs, nil
}
