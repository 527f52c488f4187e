package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/app/control"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// While `cairn daemon` runs it owns the index, and the commands run inside
// it: with the same output and exit codes as alone.

// daemon is a `cairn daemon` running in the background.
type daemon struct {
	cmd  *exec.Cmd
	log  lockedBuffer
	done chan struct{}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startDaemon starts `cairn daemon` and waits until it answers.
func (c *cli) startDaemon() *daemon {
	c.t.Helper()
	d := &daemon{cmd: exec.Command(cairnBin, "daemon"), done: make(chan struct{})}
	d.cmd.Env, d.cmd.Dir = c.env, c.dir
	d.cmd.Stderr = &d.log
	if err := d.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	go func() { d.cmd.Wait(); close(d.done) }()
	c.t.Cleanup(func() { d.cmd.Process.Kill(); <-d.done })
	eventually(c.t, "the daemon answers", func() bool {
		select {
		case <-d.done:
			c.t.Fatalf("the daemon ended: %s", d.log.String())
		default:
		}
		conn, err := control.Dial(c.home)
		if err == nil {
			conn.Close()
		}
		return err == nil
	})
	return d
}

// stop sends sig and returns the exit code.
func (d *daemon) stop(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	d.cmd.Process.Signal(sig)
	select {
	case <-d.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("the daemon did not stop: %s", d.log.String())
	}
	return d.cmd.ProcessState.ExitCode()
}

// eventually polls cond, with a deadline generous for a busy machine.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 60 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// result is what a command printed and its exit code.
type result struct {
	stdout, stderr string
	code           int
}

func (c *cli) result(args ...string) result {
	c.t.Helper()
	out, errOut, code := c.run(args...)
	return result{out, logLine.ReplaceAllString(errOut, ""), code}
}

// logLine is a line of Go's log (Fyne's complaints about the locale, which
// carry the time), not the command's output.
var logLine = regexp.MustCompile(`(?m)^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d .*\n`)

func TestCommandsRunInTheDaemonAsAlone(t *testing.T) {
	c := newCLI(t)
	src, _ := c.setup(map[string]testtree.Node{
		"Documents/report.txt": {Data: "quarterly report\n"},
		"Documents/big.bin":    {Random: 1 << 20},
		"Projects/run.sh":      {Data: "#!/bin/sh\n", Mode: 0o755},
	})
	report := filepath.Join(src, "Documents", "report.txt")
	os.WriteFile(filepath.Join(c.dir, "a-file"), nil, 0o600)
	c.ok("backup")
	// The same commands alone, then through the daemon.
	same := [][]string{
		{"versions", report},
		{"ls", "-r", src},
		{"files", "list"},
		{"dest", "list"},
		{"versions", "--dest", "nope", report},        // an unknown destination: 1
		{"restore", "--to", "a-file/inside", report},  // a target that cannot be made
		{"restore", "--conflict", "sideways", report}, // usage: 2
		{"backup", "--dest", "nope"},                  // 1
		{"ls", "--at", "yesterday"},                   // 2
	}
	alone := make([]result, len(same))
	for i, args := range same {
		alone[i] = c.result(args...)
	}
	statusAlone := c.ok("status")

	d := c.startDaemon()
	for i, args := range same {
		if got := c.result(args...); got != alone[i] {
			t.Errorf("cairn %s\nthrough the daemon: %+v\nalone: %+v", strings.Join(args, " "), got, alone[i])
		}
	}
	// Status says the same about the home and the selection.
	if got := c.ok("status"); firstLines(got, 2) != firstLines(statusAlone, 2) {
		t.Errorf("status through the daemon:\n%s\nalone:\n%s", got, statusAlone)
	}

	// A backup through it records the new version.
	os.WriteFile(report, []byte("quarterly report, revised\n"), 0o644)
	c.ok("backup")
	if n := strings.Count(c.ok("versions", "--dest", "drive", report), "\n"); n != 2 {
		t.Errorf("%d versions after the second backup, want 2", n)
	}
	// A restore to a folder relative to the caller's working directory.
	c.ok("restore", "--to", "out", report)
	if got, _ := os.ReadFile(filepath.Join(c.dir, "out", "report.txt")); string(got) != "quarterly report, revised\n" {
		t.Errorf("restored %q", got)
	}
	// Another folder destination, with the password from the environment,
	// and one more with the password from stdin (asked over the socket).
	c.ok("dest", "add", "second", filepath.Join(c.dir, "second"))
	noPassword := append(append([]string{}, c.env...), "CAIRN_PASSWORD=")
	cmd := exec.Command(cairnBin, "dest", "add", "third", filepath.Join(c.dir, "third"))
	cmd.Env, cmd.Dir, cmd.Stdin = noPassword, c.dir, strings.NewReader("a piped password\n")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "Created a new archive") {
		t.Errorf("dest add with the password on stdin: %v\n%s", err, out)
	}
	cmd = exec.Command(cairnBin, "dest", "add", "fourth", filepath.Join(c.dir, "fourth"))
	cmd.Env, cmd.Dir = noPassword, c.dir
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "cairn: no password: set CAIRN_PASSWORD") {
		t.Errorf("dest add without a password: %v\n%s", err, out)
	}
	if out := c.ok("dest", "list"); !strings.Contains(out, "second") || !strings.Contains(out, "third") {
		t.Errorf("dest list: %s", out)
	}
	if !strings.Contains(d.log.String(), "name=backup exit=0") {
		t.Errorf("the daemon did not run the backup:\n%s", d.log.String())
	}

	// Only one owner.
	if _, errOut := c.expect(exitError, "daemon"); !strings.Contains(errOut, "Cairn is already running (the desktop app or `cairn daemon`)") {
		t.Errorf("a second daemon: %s", errOut)
	}
	if code := d.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("SIGTERM: exit %d\n%s", code, d.log.String())
	}
	if _, err := os.Lstat(control.SocketPath(c.home)); err == nil {
		t.Error("the socket is left after a clean stop")
	}
	c.ok("status") // alone again

	// kill -9 leaves a stale socket: the next command runs alone.
	d = c.startDaemon()
	d.stop(t, syscall.SIGKILL)
	if _, err := os.Lstat(control.SocketPath(c.home)); err != nil {
		t.Fatalf("no stale socket: %v", err)
	}
	if out := c.ok("versions", "--dest", "drive", report); strings.Count(out, "\n") != 2 {
		t.Errorf("versions alone after a crash: %s", out)
	}
	d = c.startDaemon() // and a new daemon replaces the stale socket
	if code := d.stop(t, syscall.SIGINT); code != 0 {
		t.Fatalf("SIGINT: exit %d\n%s", code, d.log.String())
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
