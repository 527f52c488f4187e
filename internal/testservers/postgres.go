package testservers

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// EnvRequirePostgres set to 1 makes a machine without PostgreSQL fail the
// tests that need it, instead of skipping them (CI sets it).
const EnvRequirePostgres = "CAIRN_TEST_POSTGRES"

// PostgresStartTimeout bounds initdb plus the server's start: generous, for
// a loaded 2-core CI machine.
const PostgresStartTimeout = 2 * time.Minute

// postgresCluster is the one PostgreSQL cluster of a test binary: made on
// first use, in a temporary folder, on a free port of 127.0.0.1, stopped by
// StopPostgres (or, should the binary end without calling it, by the signal
// the kernel sends when the binary dies).
type postgresCluster struct {
	dir   string
	port  int
	cmd   *exec.Cmd
	admin *sql.DB // on the "postgres" database, to create and drop test databases
	log   *pgLog
	done  chan struct{} // closed when the server process has exited
	err   error         // why it could not start
}

var (
	pgOnce    sync.Once
	pgCluster *postgresCluster
)

// StartPostgres returns the URL of a new, empty database on the test
// binary's PostgreSQL cluster, which it starts on first use; the database
// is dropped when t ends. It uses Debian's PostgreSQL server binaries
// (package postgresql: /usr/lib/postgresql/*/bin). Without them the test is
// skipped, or fails when CAIRN_TEST_POSTGRES=1.
//
// Call StopPostgres from TestMain after m.Run to stop the cluster and remove
// its folder.
func StartPostgres(t testing.TB) (url string) {
	t.Helper()
	pgOnce.Do(func() { pgCluster = pgStartCluster() })
	c := pgCluster
	if c.err != nil {
		if errors.Is(c.err, errNoPostgres) && os.Getenv(EnvRequirePostgres) != "1" {
			t.Skipf("no PostgreSQL here (%v): install the Debian package postgresql, or set %s=1 to make this a failure",
				c.err, EnvRequirePostgres)
		}
		t.Fatalf("PostgreSQL: %v", c.err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "cairn_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create a test database: %v\n%s", err, c.logTail())
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := c.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return c.url(name)
}

// StopPostgres stops the cluster StartPostgres started, if any, and removes
// its folder.
func StopPostgres() {
	c := pgCluster
	if c == nil || c.cmd == nil {
		return
	}
	c.admin.Close()
	pgInterrupt(c.cmd.Process) // "fast" shutdown: ends sessions, checkpoints, exits
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
	}
	os.RemoveAll(c.dir)
}

var errNoPostgres = errors.New("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")

func (c *postgresCluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

func (c *postgresCluster) logTail() string {
	s := c.log.String()
	if len(s) > 4000 {
		s = "…" + s[len(s)-4000:]
	}
	return "PostgreSQL's log:\n" + s
}

// pgBinDir finds the newest installed PostgreSQL's bin folder.
func pgBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errNoPostgres
}

func pgMajor(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func pgStartCluster() *postgresCluster {
	c := &postgresCluster{log: &pgLog{}, done: make(chan struct{})}
	c.err = c.start()
	return c
}

func (c *postgresCluster) start() error {
	bin, err := pgBinDir()
	if err != nil {
		return err
	}
	cred, uid, gid, err := pgCredential()
	if err != nil {
		return err
	}
	pgRemoveStale()
	c.dir, err = os.MkdirTemp(pgTempBase(cred != nil), fmt.Sprintf("cairn-pg-%d-", os.Getpid()))
	if err != nil {
		return err
	}
	if cred != nil {
		if err := os.Chown(c.dir, uid, gid); err != nil {
			return err
		}
	}
	data := filepath.Join(c.dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = pgProcAttr(cred, false)
	initdb.Dir = c.dir
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	if c.port, err = pgFreePort(); err != nil {
		return err
	}
	// Durability is off (a test cluster is thrown away): faster tests.
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-c", "listen_addresses=127.0.0.1", "-c", "port="+strconv.Itoa(c.port),
		"-c", "unix_socket_directories="+c.dir, "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=200")
	c.cmd.Dir = c.dir
	c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
	// Should the test binary die without StopPostgres, the kernel stops
	// the server where it can (Linux); the next run removes the folder.
	c.cmd.SysProcAttr = pgProcAttr(cred, true)
	if err := c.cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	go func() { c.cmd.Wait(); close(c.done) }()
	if err := c.waitReady(); err != nil {
		c.cmd.Process.Kill()
		<-c.done
		os.RemoveAll(c.dir)
		return err
	}
	return nil
}

// waitReady polls until the server accepts connections.
func (c *postgresCluster) waitReady() error {
	admin, err := sql.Open("pgx", c.url("postgres"))
	if err != nil {
		return err
	}
	deadline := time.Now().Add(PostgresStartTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = admin.PingContext(ctx)
		cancel()
		if err == nil {
			c.admin = admin
			return nil
		}
		select {
		case <-c.done:
			admin.Close()
			return fmt.Errorf("postgres exited at start: %v\n%s", c.cmd.ProcessState, c.logTail())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			admin.Close()
			return fmt.Errorf("postgres did not accept connections within %v: %v\n%s", PostgresStartTimeout, err, c.logTail())
		}
	}
}

// pgRemoveStale removes the folders of clusters whose test binary is
// gone (killed before it could call StopPostgres).
func pgRemoveStale() {
	var dirs []string
	for _, base := range []string{os.TempDir(), "/tmp"} {
		ds, _ := filepath.Glob(filepath.Join(base, "cairn-pg-*"))
		dirs = append(dirs, ds...)
	}
	for _, d := range dirs {
		parts := strings.SplitN(filepath.Base(d), "-", 4)
		if len(parts) < 3 {
			continue
		}
		pid, err := strconv.Atoi(parts[2])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if !processAlive(pid) {
			os.RemoveAll(d)
		}
	}
}

func pgFreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// pgLog is the server's output: its stdout and stderr write to it while
// tests read it.
type pgLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *pgLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *pgLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// pgTempBase is where the cluster's folder goes: the temporary folder, or
// /tmp when the server's user could not reach that one (root's TMPDIR).
func pgTempBase(asOther bool) string {
	base := os.TempDir()
	if !asOther {
		return base
	}
	for d := base; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if d == filepath.Dir(d) {
			return base
		}
	}
}
