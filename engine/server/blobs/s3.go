package blobs

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 is a Store in a bucket of an S3-compatible object store (AWS S3, MinIO,
// Ceph RGW, versitygw…), under an optional prefix, with the layout of a Disk:
//
//	PREFIX/objects/<device>/<kind>/<name>      packs/ sharded as on a Disk
//	PREFIX/trash/<device>/<kind>/<name>@<id>
//	PREFIX/tmp/<random>.tmp                    staged uploads
//
// The bucket holds the whole state, so any number of servers can share it.
//
// Stage streams the upload to a staging key: objects up to the part size in
// one PUT with no buffer, larger ones in a multipart upload that holds one
// part in memory at a time (S3Options.PartSize, 16 MiB by default: that is
// the memory each concurrent upload costs, plus a few hundred KiB of HTTP
// buffers). The store has the bytes when PutObject returns.
//
// S3 has no rename. Commit, Trash and Restore copy inside the store (a
// multipart upload whose parts are copied from the source, so no byte
// passes through this process) and complete it with If-None-Match: *, so
// the store itself refuses to replace a name that exists (AWS S3 does since
// 2024, versitygw does); then they delete the source. A crash between the
// copy and the delete leaves both, as a Disk's link-then-remove does.
// ConditionalWrites tells whether the store honoured the condition when
// opened; if not, a check made just before the copy guards the name, and
// two servers committing one name at the same moment could both succeed,
// the later replacing the earlier. One server alone is safe either way: it
// holds its commit lock around Commit, Trash and Restore.
type S3 struct {
	client      *minio.Client
	core        minio.Core
	bucket      string
	prefix      string // "" or ending in "/"
	partSize    uint64
	conditional bool
}

var _ Store = (*S3)(nil)

// S3Options are OpenS3's settings, from the URL's parameters.
type S3Options struct {
	// Endpoint is host[:port]; empty: AWS S3 (s3.amazonaws.com).
	Endpoint string
	// Region; empty: us-east-1 with an endpoint (what most S3-compatible
	// servers answer to), else asked of AWS.
	Region string
	// Insecure talks plain HTTP (a store on loopback or a private network).
	Insecure bool
	// PartSize is the size of a multipart upload's parts and so the memory
	// one upload holds; 0: DefaultPartSize. S3 wants at least 5 MiB.
	PartSize uint64
	// Creds; nil: from the environment (AWS_ACCESS_KEY_ID,
	// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; else MINIO_ROOT_USER,
	// MINIO_ROOT_PASSWORD; else ~/.aws/credentials; else the EC2/ECS role).
	Creds *credentials.Credentials
}

// DefaultPartSize bounds an upload's memory while keeping the number of
// requests low: the client's packs (32 MiB) go in 2 parts, the largest
// object the server takes (256 MiB) in 16; objects up to 16 MiB (keys,
// index and version segments, small packs) go in one PUT with no buffer.
const DefaultPartSize = 16 << 20

const (
	maxCopyPart     = 5 << 30          // S3's largest UploadPartCopy
	maxS3Object     = 5 << 40          // S3's largest object
	s3OpTimeout     = 10 * time.Minute // Commit and Discard have no context of their own
	contentType     = "application/octet-stream"
	conflictRetries = 3 // AWS answers 409 to a conditional write racing another; retry
)

// OpenS3 opens the store named by rawURL:
//
//	s3://BUCKET[/PREFIX]?endpoint=HOST:PORT&region=R&insecure=1&part-size=16MiB
//
// The bucket must exist. It checks that the bucket can be reached and
// whether the store refuses conditional writes over existing names (see
// ConditionalWrites).
func OpenS3(ctx context.Context, rawURL string) (*S3, error) {
	bucket, prefix, o, err := parseS3URL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("blob storage %s: %w", rawURL, err)
	}
	s, err := NewS3(ctx, bucket, prefix, o)
	if err != nil {
		return nil, fmt.Errorf("blob storage %s: %w", rawURL, err)
	}
	return s, nil
}

// NewS3 opens the store in bucket under prefix ("" or "a/b/").
func NewS3(ctx context.Context, bucket, prefix string, o S3Options) (*S3, error) {
	if o.Endpoint == "" {
		o.Endpoint = "s3.amazonaws.com"
	} else if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.PartSize == 0 {
		o.PartSize = DefaultPartSize
	}
	if o.Creds == nil {
		o.Creds = credentials.NewChainCredentials([]credentials.Provider{
			&credentials.EnvAWS{}, &credentials.EnvMinio{}, &credentials.FileAWSCredentials{},
			&credentials.IAM{Client: &http.Client{Transport: http.DefaultTransport}},
		})
	}
	cl, err := minio.New(o.Endpoint, &minio.Options{Creds: o.Creds, Secure: !o.Insecure, Region: o.Region})
	if err != nil {
		return nil, err
	}
	s := &S3{client: cl, core: minio.Core{Client: cl}, bucket: bucket, prefix: prefix, partSize: o.PartSize}
	ok, err := cl.BucketExists(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("reach bucket %s at %s: %w", bucket, o.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("no bucket %s at %s (create it first)", bucket, o.Endpoint)
	}
	if s.conditional, err = s.probeConditional(ctx); err != nil {
		return nil, fmt.Errorf("write to bucket %s: %w", bucket, err)
	}
	return s, nil
}

// ConditionalWrites reports whether the store refused, when opened, to
// complete a copy over an existing name: then Commit and Restore never
// replace, even between servers sharing the bucket.
func (s *S3) ConditionalWrites() bool { return s.conditional }

// probeConditional copies a small object over itself with If-None-Match: *.
func (s *S3) probeConditional(ctx context.Context) (bool, error) {
	key := s.prefix + dirTmp + "/probe-" + randomName()
	if _, err := s.client.PutObject(ctx, s.bucket, key, strings.NewReader("?"), 1, minio.PutObjectOptions{ContentType: contentType}); err != nil {
		return false, err
	}
	defer s.client.RemoveObject(context.WithoutCancel(ctx), s.bucket, key, minio.RemoveObjectOptions{})
	err := s.copyNoReplace(ctx, key, key, 1)
	switch {
	case errors.Is(err, ErrExists):
		return true, nil
	case err == nil:
		return false, nil
	}
	return false, err
}

func randomName() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// key is ref's key, live (trashID 0) or in the trash.
func (s *S3) key(ref Ref, trashID int64) (string, error) {
	if err := ref.Check(); err != nil {
		return "", err
	}
	if trashID < 0 {
		return "", fmt.Errorf("invalid trash id %d", trashID)
	}
	parts := rel(ref)
	base := dirObjects
	if trashID > 0 {
		base = dirTrash
		parts[len(parts)-1] += "@" + strconv.FormatInt(trashID, 10)
	}
	return s.prefix + base + "/" + strings.Join(parts, "/"), nil
}

// Stage implements Store.
func (s *S3) Stage(ctx context.Context, size int64, r io.Reader) (Staged, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if size < 0 || size > maxS3Object {
		return nil, fmt.Errorf("stage: size %d out of range", size)
	}
	key := s.prefix + dirTmp + "/" + randomName() + ".tmp"
	body := &exactReader{ctx: ctx, r: r, left: size, size: size}
	// NumThreads 1 with a reader that has no ReadAt: minio-go reads one
	// part into one buffer, sends it, reuses the buffer.
	_, err := s.client.PutObject(ctx, s.bucket, key, body, size,
		minio.PutObjectOptions{PartSize: s.partSize, NumThreads: 1, ContentType: contentType})
	if err == nil {
		var one [1]byte
		if m, _ := io.ReadFull(r, one[:]); m > 0 {
			err = fmt.Errorf("%w: the upload has more than %d bytes", ErrSize, size)
		}
	}
	if err != nil {
		s.client.RemoveObject(context.WithoutCancel(ctx), s.bucket, key, minio.RemoveObjectOptions{})
		switch {
		case body.err != nil:
			return nil, body.err
		case errors.Is(err, ErrSize):
			return nil, err
		case ctx.Err() != nil:
			return nil, fmt.Errorf("stage upload: %w", ctx.Err())
		}
		return nil, fmt.Errorf("stage upload: %w", s3Err(err))
	}
	return &s3Staged{s: s, ctx: context.WithoutCancel(ctx), key: key, size: size}, nil
}

// exactReader reads exactly size bytes of r: ErrSize if r ends before.
// Reading it says io.EOF after size bytes without reading r further.
//
// It stops with ctx's error once ctx is done, so an upload cancelled
// midway never sends its whole body: the object store cannot complete it
// after Stage has removed what it began.
type exactReader struct {
	ctx        context.Context
	r          io.Reader
	left, size int64
	err        error // what made the upload fail on our side
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.left == 0 {
		return 0, io.EOF
	}
	if err := e.ctx.Err(); err != nil {
		e.err = fmt.Errorf("upload stopped after %d of %d bytes: %w", e.size-e.left, e.size, err)
		return 0, e.err
	}
	n, err := e.r.Read(p[:min(int64(len(p)), e.left)])
	e.left -= int64(n)
	switch {
	case err == io.EOF && e.left > 0:
		e.err = fmt.Errorf("%w: the upload ended after %d of %d bytes", ErrSize, e.size-e.left, e.size)
	case err != nil && err != io.EOF:
		e.err = fmt.Errorf("read upload after %d of %d bytes: %w", e.size-e.left, e.size, err)
	case e.left == 0:
		return n, io.EOF
	default:
		return n, nil
	}
	return n, e.err
}

type s3Staged struct {
	s    *S3
	ctx  context.Context
	key  string
	size int64
	done bool
}

func (st *s3Staged) Commit(ref Ref) error {
	if st.done {
		return errors.New("upload already committed")
	}
	to, err := st.s.key(ref, 0)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(st.ctx, s3OpTimeout)
	defer cancel()
	if err := st.s.copyNoReplace(ctx, st.key, to, st.size); err != nil {
		return fmt.Errorf("store %s: %w", ref, err)
	}
	st.done = true
	// A staging key left behind is CleanTemp's.
	st.s.client.RemoveObject(ctx, st.s.bucket, st.key, minio.RemoveObjectOptions{})
	return nil
}

func (st *s3Staged) Discard() error {
	if st.done {
		return nil
	}
	st.done = true
	ctx, cancel := context.WithTimeout(st.ctx, s3OpTimeout)
	defer cancel()
	return s3Err(st.s.client.RemoveObject(ctx, st.s.bucket, st.key, minio.RemoveObjectOptions{}))
}

// copyNoReplace copies from to to inside the bucket unless to exists
// (ErrExists); ErrNotFound if from does not. size is from's size, or -1 to
// look it up. See S3 for how the store keeps the check and the write one
// step: a Commit is 3 requests (4 with the staging key's removal), a Trash
// or Restore 5.
func (s *S3) copyNoReplace(ctx context.Context, from, to string, size int64) error {
	if size <= 0 { // (a missing source of a copy in parts is an error of its own)
		info, err := s.client.StatObject(ctx, s.bucket, from, minio.StatObjectOptions{})
		if err != nil {
			return s3Err(err)
		}
		size = info.Size
	}
	if !s.conditional && from != to { // (the probe copies onto itself)
		if _, err := s.client.StatObject(ctx, s.bucket, to, minio.StatObjectOptions{}); err == nil {
			return ErrExists
		} else if err := s3Err(err); !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	var err error
	for range conflictRetries {
		if err = s.copyOnce(ctx, from, to, size); minio.ToErrorResponse(err).StatusCode != http.StatusConflict {
			break
		}
	}
	return s3Err(err)
}

func (s *S3) copyOnce(ctx context.Context, from, to string, size int64) error {
	var cond minio.PutObjectOptions
	cond.ContentType = contentType
	cond.SetMatchETagExcept("*")
	if size == 0 { // no part to copy; the source was checked above
		_, err := s.core.PutObject(ctx, s.bucket, to, bytes.NewReader(nil), 0, "", "", cond)
		return err
	}
	id, err := s.core.NewMultipartUpload(ctx, s.bucket, to, minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		return err
	}
	var parts []minio.CompletePart
	for off := int64(0); off < size && err == nil; off += maxCopyPart {
		n := min(size-off, maxCopyPart)
		if n == size {
			n = -1 // the whole object: no range, which every store takes
		}
		var p minio.CompletePart
		if p, err = s.core.CopyObjectPart(ctx, s.bucket, from, s.bucket, to, id, len(parts)+1, off, n, nil); err == nil {
			parts = append(parts, p)
		}
	}
	if err == nil {
		_, err = s.core.CompleteMultipartUpload(ctx, s.bucket, to, id, parts, cond)
	}
	if err != nil {
		s.core.AbortMultipartUpload(context.WithoutCancel(ctx), s.bucket, to, id)
	}
	return err
}

// s3Err attaches this package's sentinels to the store's errors.
func s3Err(err error) error {
	var resp minio.ErrorResponse
	if err == nil || !errors.As(err, &resp) {
		return err
	}
	switch {
	case resp.Code == "NoSuchKey" || resp.StatusCode == http.StatusNotFound && resp.Code != "NoSuchBucket":
		return fmt.Errorf("%w (%v)", ErrNotFound, err)
	case resp.Code == "PreconditionFailed" || resp.StatusCode == http.StatusPreconditionFailed:
		return fmt.Errorf("%w (%v)", ErrExists, err)
	case resp.Code == "QuotaExceeded" || resp.Code == "XMinioStorageFull" || resp.StatusCode == http.StatusInsufficientStorage:
		return fmt.Errorf("%w (%v)", ErrFull, err)
	}
	return err
}

type s3Object struct {
	*minio.Object
	size int64
}

func (o s3Object) Size() int64 { return o.size }

// Open implements Store. Reads are ranged GETs; ReadAt and Seek need no
// buffer.
func (s *S3) Open(ctx context.Context, ref Ref) (Object, error) {
	key, err := s.key(ref, 0)
	if err != nil {
		return nil, err
	}
	o, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", ref, s3Err(err))
	}
	info, err := o.Stat()
	if err != nil {
		o.Close()
		return nil, fmt.Errorf("open %s: %w", ref, s3Err(err))
	}
	return s3Object{o, info.Size}, nil
}

// Stat implements Store.
func (s *S3) Stat(ctx context.Context, ref Ref, trashID int64) (Info, error) {
	key, err := s.key(ref, trashID)
	if err != nil {
		return Info{}, err
	}
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, fmt.Errorf("stat %s: %w", ref, s3Err(err))
	}
	return Info{Size: info.Size, ModTime: info.LastModified}, nil
}
