package blobs

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/internal/testservers"
	"github.com/minio/minio-go/v7"
)

// openS3At opens a store under a new prefix of the test server's bucket,
// so every subtest starts empty.
func openS3At(t testing.TB, url string, params string) *S3 {
	t.Helper()
	u := strings.Replace(url, "?", "/run-"+randomName()[:8]+"/store?", 1) + params
	s, err := OpenS3(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestS3(t *testing.T) {
	url := testservers.StartS3(t)
	testStore(t, func(t *testing.T) storeUnderTest {
		s := openS3At(t, url, "&part-size=5MiB")
		if !s.ConditionalWrites() {
			t.Fatal("versitygw honours If-None-Match on CompleteMultipartUpload; the probe says it does not")
		}
		return s3UnderTest(s)
	})
	// A store that ignores the condition: the check before the copy.
	t.Run("CheckThenCopy", func(t *testing.T) {
		testStore(t, func(t *testing.T) storeUnderTest {
			s := openS3At(t, url, "&part-size=5MiB")
			s.conditional = false
			u := s3UnderTest(s)
			u.racy = true
			return u
		})
	})
}

func s3UnderTest(s *S3) storeUnderTest {
	return storeUnderTest{
		Store: s,
		writeRaw: func(t *testing.T, rel string, data []byte) {
			if _, err := s.client.PutObject(ctx, s.bucket, s.prefix+rel, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{}); err != nil {
				t.Fatal(err)
			}
		},
		exists: func(t *testing.T, rel string) bool {
			_, err := s.client.StatObject(ctx, s.bucket, s.prefix+rel, minio.StatObjectOptions{})
			return err == nil
		},
		staged: func(t *testing.T) int {
			n := 0
			if err := s.list(ctx, s.prefix+"tmp/", func(minio.ObjectInfo) error { n++; return nil }); err != nil {
				t.Fatal(err)
			}
			if m, err := s.abortUploads(ctx, s.prefix, time.Now().Add(time.Hour)); err != nil || m != 0 {
				t.Fatalf("%d multipart uploads left open: %v", m, err)
			}
			return n
		},
		partSize: int64(s.partSize),
	}
}

// An upload streams: a 200 MiB object costs the heap a part or two, not
// 200 MiB.
func TestS3UploadStreams(t *testing.T) {
	url := testservers.StartS3(t)
	s := openS3At(t, url, "")
	const size = 200 << 20
	var peak atomic.Uint64
	runtime.GC()
	base := heapInUse()
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
			if h := heapInUse(); h > peak.Load() {
				peak.Store(h)
			}
		}
	}()
	start := time.Now()
	err := Put(ctx, s, Ref{dev, "packs", "big1"}, size, io.LimitReader(zeros{}, size))
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	grew := int64(peak.Load()) - int64(base)
	t.Logf("200 MiB in %v; heap in use grew by %.1f MiB at most (part size %d MiB)",
		time.Since(start).Round(time.Millisecond), float64(grew)/(1<<20), s.partSize>>20)
	if limit := int64(5 * s.partSize); grew > limit {
		t.Fatalf("the heap grew by %d MiB for one upload (limit %d MiB)", grew>>20, limit>>20)
	}
	if info, err := s.Stat(ctx, Ref{dev, "packs", "big1"}, 0); err != nil || info.Size != size {
		t.Fatalf("stored %+v %v", info, err)
	}
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func TestS3URL(t *testing.T) {
	for _, tc := range []struct {
		url, want string
	}{
		{"s3://b", "b||||false|0"},
		{"s3://b/p/q/?endpoint=127.0.0.1:9000&insecure=1", "b|p/q/|127.0.0.1:9000||true|0"},
		{"s3://b?endpoint=http://h:1/&region=eu-north-1&part-size=32MiB", "b||h:1|eu-north-1|true|33554432"},
		{"s3://b?endpoint=https://h", "b||h||false|0"},
		{"s3://b?endpoint=h&bogus=1", "error"},
		{"s3://b?part-size=1MiB", "error"},
		{"s3://key:secret@b", "error"},
		{"s3:///p", "error"},
	} {
		b, p, o, err := parseS3URL(tc.url)
		got := fmt.Sprintf("%s|%s|%s|%s|%v|%d", b, p, o.Endpoint, o.Region, o.Insecure, o.PartSize)
		if err != nil {
			got = "error"
		}
		if got != tc.want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", tc.url, got, err, tc.want)
		}
	}
}

func TestOpenChoosesByURL(t *testing.T) {
	dir := t.TempDir()
	for _, spec := range []string{dir + "/a", "file://" + dir + "/b"} {
		s, err := Open(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := s.(*Disk); !ok {
			t.Errorf("%s opened as %T", spec, s)
		}
	}
	for _, spec := range []string{"", "ftp://x/y", "file://elsewhere/x", "s3://b?what=1"} {
		if _, err := Open(ctx, spec); err == nil {
			t.Errorf("%q opened", spec)
		}
	}
}

// BenchmarkUpload stages and commits 64 MiB objects, to a Disk and to S3
// (versitygw on loopback, on the same disk). MB/s is what to compare:
//
//	go test -run '^$' -bench Upload -benchtime 20x ./engine/server/blobs
func BenchmarkUpload(b *testing.B) {
	const size = 64 << 20
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i * 7 >> 3)
	}
	run := func(b *testing.B, s Store) {
		b.SetBytes(size)
		i := 0
		for b.Loop() {
			i++
			if err := Put(ctx, s, Ref{dev, "packs", fmt.Sprintf("bench%06d", i)}, size, bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("Disk", func(b *testing.B) {
		d, err := OpenDisk(filepath.Join(b.TempDir(), "data"))
		if err != nil {
			b.Fatal(err)
		}
		run(b, d)
	})
	b.Run("S3", func(b *testing.B) {
		run(b, openS3At(b, testservers.StartS3(b), ""))
	})
}
