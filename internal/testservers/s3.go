// Package testservers starts real servers for tests: an S3-compatible
// object store (versitygw) for now.
package testservers

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// VersityGW is the module StartS3 installs when versitygw is not found.
const VersityGW = "github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// EnvRequireS3 set to 1 makes StartS3 fail, rather than skip, a test when
// it cannot get versitygw (make test sets it).
const EnvRequireS3 = "CAIRN_TEST_S3"

// S3Bucket is the bucket StartS3 creates.
const S3Bucket = "cairn-test"

// StartS3 starts versitygw on a free port of 127.0.0.1 over a temporary
// folder, creates the bucket S3Bucket, sets AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY for the test (t.Setenv: not in parallel tests) and
// returns the store's URL for blobs.Open:
//
//	s3://cairn-test?endpoint=127.0.0.1:PORT&insecure=1
//
// versitygw is looked for on PATH, then in REPO/.cache/tools/bin, where it
// is installed with go install the first time (about 1.5 minutes; a lock
// file keeps parallel test binaries from building it twice). The server
// stops when the test ends.
func StartS3(t testing.TB) (url string) {
	t.Helper()
	bin, err := versitygw(t)
	if err != nil {
		if os.Getenv(EnvRequireS3) == "1" {
			t.Fatalf("versitygw: %v", err)
		}
		t.Skipf("no S3 server for this test (versitygw: %v); set %s=1 to make this a failure", err, EnvRequireS3)
	}
	access, secret := "test"+randomHex(6), randomHex(20)
	var endpoint string
	for attempt := 0; ; attempt++ { // a free port can be taken before versitygw binds it
		endpoint, err = runVersityGW(t, bin, access, secret)
		if err == nil || attempt == 2 {
			break
		}
	}
	if err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", access)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	cl, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(access, secret, ""), Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.MakeBucket(context.Background(), S3Bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("make bucket: %v", err)
	}
	return "s3://" + S3Bucket + "?endpoint=" + endpoint + "&insecure=1"
}

// runVersityGW starts the server and waits until it answers.
func runVersityGW(t testing.TB, bin, access, secret string) (endpoint string, err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	endpoint = l.Addr().String()
	l.Close()
	dir := t.TempDir()
	logf, err := os.Create(filepath.Join(dir, "versitygw.log"))
	if err != nil {
		return "", err
	}
	defer logf.Close()
	root := filepath.Join(dir, "root")
	if err := os.Mkdir(root, 0o700); err != nil {
		return "", err
	}
	cmd := exec.Command(bin, "--port", endpoint, "--quiet", "posix", root)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+access, "ROOT_SECRET_KEY="+secret)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return "", err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(logf.Name())
			return "", fmt.Errorf("versitygw exited (%v): %s", err, tail(log))
		default:
		}
		// Any HTTP answer (403 without credentials) means it serves.
		if resp, err := http.Get("http://" + endpoint + "/"); err == nil {
			resp.Body.Close()
			t.Cleanup(stop)
			return endpoint, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", fmt.Errorf("versitygw did not answer on %s within a minute", endpoint)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// versitygw finds or installs the binary.
func versitygw(t testing.TB) (string, error) {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	repo, err := repoRoot()
	if err != nil {
		return "", err
	}
	binDir := filepath.Join(repo, ".cache", "tools", "bin")
	bin := filepath.Join(binDir, "versitygw")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if testing.Short() && os.Getenv(EnvRequireS3) != "1" {
		return "", fmt.Errorf("not on PATH nor in %s, and -short does not install it", binDir)
	}
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(filepath.Join(binDir, ".versitygw.lock"), 15*time.Minute)
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(bin); err == nil { // another test binary built it meanwhile
		return bin, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("not on PATH nor in %s, and no go command to install it: %w", binDir, err)
	}
	t.Logf("installing %s into %s (about 1.5 minutes, once)", VersityGW, binDir)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "install", VersityGW)
	cmd.Env = append(os.Environ(), "GOBIN="+binDir, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s: %v: %s", VersityGW, err, tail(out))
	}
	return bin, nil
}

// repoRoot is the folder of the go.mod above the working directory (a
// test runs in its package's folder).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// lockFile takes a lock shared between processes by creating path
// exclusively; a lock older than stale was left by a process that died and
// is taken over.
func lockFile(path string, stale time.Duration) (unlock func(), err error) {
	deadline := time.Now().Add(stale + time.Minute)
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		if st, err := os.Stat(path); err == nil && time.Since(st.ModTime()) > stale {
			os.Remove(path)
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s held for too long", path)
		}
		time.Sleep(time.Second)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// tail is the end of a log, for an error message.
func tail(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}
