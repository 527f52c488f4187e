package blobs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
)

// Walk implements Store. Keys that cannot be objects are skipped.
func (s *S3) Walk(ctx context.Context, fn func(Entry) error) error {
	for _, base := range []string{dirObjects, dirTrash} {
		root := s.prefix + base + "/"
		err := s.list(ctx, root, func(o minio.ObjectInfo) error {
			entry, ok := parseEntry(strings.Split(strings.TrimPrefix(o.Key, root), "/"), base == dirTrash)
			if !ok {
				return nil
			}
			entry.Info = Info{Size: o.Size, ModTime: o.LastModified}
			return fn(entry)
		})
		if err != nil {
			return fmt.Errorf("walk %s: %w", root, err)
		}
	}
	return nil
}

// list calls fn for every key under prefix, stopping at fn's first error.
func (s *S3) list(ctx context.Context, prefix string, fn func(minio.ObjectInfo) error) error {
	lctx, cancel := context.WithCancel(ctx)
	ch := s.client.ListObjects(lctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true})
	defer func() {
		cancel()
		for range ch { // let the lister's goroutine end
		}
	}()
	for o := range ch {
		if o.Err != nil {
			return s3Err(o.Err)
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// CleanTemp implements Store: it removes staged uploads last written before
// before, and aborts the multipart uploads (of Stage or of a copy) begun
// before it. Times are the object store's clock.
//
// Only the staging keys of this store's prefix are touched. Other servers
// may share the bucket: give a before well in the past (the server's hourly
// cleaning uses a day), never "now", unless every server is stopped.
func (s *S3) CleanTemp(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := s.list(ctx, s.prefix+dirTmp+"/", func(o minio.ObjectInfo) error {
		if o.LastModified.Before(before) &&
			s.client.RemoveObject(ctx, s.bucket, o.Key, minio.RemoveObjectOptions{}) == nil {
			n++
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("clean %s: %w", s.prefix+dirTmp, err)
	}
	for _, base := range []string{dirTmp, dirObjects, dirTrash} {
		m, err := s.abortUploads(ctx, s.prefix+base+"/", before)
		n += m
		if err != nil {
			return n, fmt.Errorf("clean uploads under %s: %w", s.prefix+base, err)
		}
	}
	return n, nil
}

func (s *S3) abortUploads(ctx context.Context, prefix string, before time.Time) (int, error) {
	n := 0
	lctx, cancel := context.WithCancel(ctx)
	ch := s.client.ListIncompleteUploads(lctx, s.bucket, prefix, true)
	defer func() {
		cancel()
		for range ch {
		}
	}()
	for u := range ch {
		if u.Err != nil {
			return n, s3Err(u.Err)
		}
		if u.Initiated.Before(before) && s.core.AbortMultipartUpload(ctx, s.bucket, u.Key, u.UploadID) == nil {
			n++
		}
	}
	return n, ctx.Err()
}
