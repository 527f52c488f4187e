package blobs

import (
	"context"
	"fmt"

	"github.com/minio/minio-go/v7"
)

// Trash implements Store.
func (s *S3) Trash(ctx context.Context, ref Ref, trashID int64) error {
	if trashID <= 0 {
		return fmt.Errorf("trash %s: invalid trash id %d", ref, trashID)
	}
	return s.move(ctx, "trash", ref, 0, trashID)
}

// Restore implements Store.
func (s *S3) Restore(ctx context.Context, ref Ref, trashID int64) error {
	if trashID <= 0 {
		return fmt.Errorf("restore %s: invalid trash id %d", ref, trashID)
	}
	return s.move(ctx, "restore", ref, trashID, 0)
}

func (s *S3) move(ctx context.Context, what string, ref Ref, fromID, toID int64) error {
	from, err := s.key(ref, fromID)
	if err != nil {
		return err
	}
	to, err := s.key(ref, toID)
	if err != nil {
		return err
	}
	if err := s.copyNoReplace(ctx, from, to, -1); err != nil {
		return fmt.Errorf("%s %s: %w", what, ref, err)
	}
	if err := s.client.RemoveObject(ctx, s.bucket, from, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("%s %s: %w", what, ref, s3Err(err))
	}
	return nil
}

// Purge implements Store.
func (s *S3) Purge(ctx context.Context, ref Ref, trashID int64) error {
	if trashID <= 0 {
		return fmt.Errorf("purge %s: invalid trash id %d", ref, trashID)
	}
	key, err := s.key(ref, trashID)
	if err != nil {
		return err
	}
	// Deleting a missing key succeeds in S3.
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("purge %s: %w", ref, s3Err(err))
	}
	return nil
}
