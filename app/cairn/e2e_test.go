package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/cairnbackup/cairn/internal/testservers"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// The command line is tested as people and scripts use it: the real binary,
// real folders, exit codes and output.

var cairnBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cairn-bin-")
	if err != nil {
		panic(err)
	}
	os.Chmod(dir, 0o755) // other users run it too (see asNobody)
	cairnBin = filepath.Join(dir, "cairn")
	out, err := exec.Command("go", "build", "-o", cairnBin, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build cairn: %v\n%s", err, out)
		os.Exit(1)
	}
	if err := buildServer(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	testservers.StopPostgres()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cli is one computer's Cairn: a home folder and its environment.
type cli struct {
	t       *testing.T
	dir     string
	home    string
	env     []string
	cred    *syscall.Credential
	lastErr string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	dir := t.TempDir()
	c := &cli{t: t, dir: dir, home: filepath.Join(dir, "cairn-home")}
	c.env = append(os.Environ(), "CAIRN_HOME="+c.home, "CAIRN_PASSWORD=correct horse", "CAIRN_TEST_FAST_KDF=1",
		"CAIRN_CPUPROFILE=", "CAIRN_TRACE=", "CAIRN_MEMPROFILE=")
	return c
}

// run runs cairn and returns its output and exit code.
func (c *cli) run(args ...string) (stdout, stderr string, code int) {
	c.t.Helper()
	cmd := exec.Command(cairnBin, args...)
	cmd.Env = c.env
	cmd.Dir = c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	c.lastErr = errb.String()
	return out.String(), errb.String(), code
}

// ok runs cairn and fails the test unless it exits 0.
func (c *cli) ok(args ...string) string {
	c.t.Helper()
	out, errOut, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("cairn %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// expect runs cairn and fails the test unless it exits with code.
func (c *cli) expect(code int, args ...string) (string, string) {
	c.t.Helper()
	out, errOut, got := c.run(args...)
	if got != code {
		c.t.Fatalf("cairn %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), got, code, out, errOut)
	}
	return out, errOut
}

func (c *cli) setenv(kv string) { c.env = append(c.env, kv) }

// setup makes a source folder with files and a destination, and backs up.
func (c *cli) setup(nodes map[string]testtree.Node) (src, dest string) {
	c.t.Helper()
	src = filepath.Join(c.dir, "home", "ana")
	dest = filepath.Join(c.dir, "drive", "Cairn")
	testtree.Write(c.t, src, nodes)
	c.ok("dest", "add", "drive", dest)
	c.ok("files", "add", src)
	return src, dest
}

var sample = map[string]testtree.Node{
	"Documents/report.txt":  {Data: "quarterly report\n"},
	"Documents/private.txt": {Data: "mine", Mode: 0o600},
	"Documents/big.bin":     {Random: 3 << 20},
	"Documents/Empty":       {Dir: true},
	"Projects/run.sh":       {Data: "#!/bin/sh\n", Mode: 0o755},
	"Projects/link":         {Symlink: "run.sh"},
	"Projects/hard-a":       {Data: "linked"},
	"Projects/hard-b":       {HardLink: "Projects/hard-a"},
	"Names/naïve café.txt":  {Data: "x"},
	"Names/\xffodd\xfe.txt": {Data: "y"},
}

var versionLine = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d) \d+( deleted)?$`)

func TestQuickStartCommandLine(t *testing.T) {
	c := newCLI(t)
	src, dest := c.setup(sample)
	out := c.ok("dest", "list")
	if !strings.Contains(out, "drive") || !strings.Contains(out, dest) {
		t.Fatalf("dest list: %s", out)
	}
	out = c.ok("files", "list")
	if !strings.Contains(out, src) || !strings.Contains(out, "*.tmp") || !strings.Contains(out, "_NoBackup") {
		t.Fatalf("files list: %s", out)
	}
	c.ok("files", "exclude", "*.bak", "**/node_modules")
	if out := c.ok("files", "list"); !strings.Contains(out, "**/node_modules") {
		t.Fatalf("exclusion not listed: %s", out)
	}
	if _, errOut := c.expect(exitUsage, "files", "exclude", "[oops"); !strings.Contains(errOut, "[oops") {
		t.Fatalf("bad pattern message: %s", errOut)
	}
	out = c.ok("backup")
	if !strings.Contains(out, "8 new") {
		t.Fatalf("backup: %s", out)
	}
	out = c.ok("versions", filepath.Join(src, "Documents/report.txt"))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 || !versionLine.MatchString(lines[0]) || !strings.HasSuffix(lines[0], " 17") {
		t.Fatalf("versions output: %q", out)
	}
	out = c.ok("ls", src)
	for _, want := range []string{"Documents/", "Projects/", "Names/"} {
		if !strings.Contains(out, want) {
			t.Fatalf("ls lacks %s:\n%s", want, out)
		}
	}
	out = c.ok("ls", "-r", src)
	if !strings.Contains(out, "link -> run.sh") || !strings.Contains(out, "-rw------- ") {
		t.Fatalf("ls -r:\n%s", out)
	}
	to := filepath.Join(c.dir, "restored")
	c.ok("restore", "--to", to, src)
	testtree.Equal(t, testtree.Snapshot(t, src), testtree.Snapshot(t, filepath.Join(to, "ana")), testtree.Options{})
	out = c.ok("status")
	for _, want := range []string{"drive", "completed", "stored"} {
		if !strings.Contains(out, want) {
			t.Fatalf("status lacks %q:\n%s", want, out)
		}
	}
	c.ok("verify")
	c.ok("verify", "--full")
	c.ok("prune")
}

func TestUsageErrors(t *testing.T) {
	c := newCLI(t)
	c.setup(sample)
	c.ok("backup")
	for _, args := range [][]string{
		{"frobnicate"},
		{"restore"},
		{"restore", "--conflict", "maybe", "/x"},
		{"restore", "--perms", "loose", "/x"},
		{"ls", "--at", "yesterday"},
		{"versions"},
		{"dest", "add", "onlyname"},
		{"backup", "--no-such-flag"},
	} {
		c.expect(exitUsage, args...)
	}
	if _, errOut := c.expect(exitError, "versions", "/no/such/file"); !strings.Contains(errOut, "no versions") {
		t.Fatalf("message: %s", errOut)
	}
}

func TestWrongPasswordIsSaidPlainly(t *testing.T) {
	c := newCLI(t)
	_, dest := c.setup(sample)
	c.ok("backup")
	other := newCLI(t)
	other.setenv("CAIRN_PASSWORD=wrong horse")
	_, errOut := other.expect(exitError, "dest", "add", "drive", dest)
	if !strings.Contains(errOut, "wrong password") {
		t.Fatalf("stderr: %s", errOut)
	}
	if out := other.ok("dest", "list"); strings.Contains(out, dest) {
		t.Fatal("a destination was added with a wrong password")
	}
}

func TestRestoreConflictsAndPermissions(t *testing.T) {
	c := newCLI(t)
	src, _ := c.setup(map[string]testtree.Node{
		"a.txt":      {Data: "backed up a"},
		"b.txt":      {Data: "backed up b"},
		"c.txt":      {Data: "backed up c"},
		"secret.txt": {Data: "s", Mode: 0o600},
		"script.sh":  {Data: "x", Mode: 0o750},
		"tool":       {Data: "t", Mode: 0o755 | os.ModeSetuid | os.ModeSetgid},
		"sub/d.txt":  {Data: "backed up d"},
		"sub/deep/e": {Data: "e"},
	})
	c.ok("backup")
	write := func(name, data string) { os.WriteFile(filepath.Join(src, name), []byte(data), 0o644) }
	read := func(name string) string { b, _ := os.ReadFile(filepath.Join(src, name)); return string(b) }

	write("a.txt", "edited a")
	out := c.ok("restore", filepath.Join(src, "a.txt")) // default: rename the existing one
	if read("a.txt") != "backed up a" {
		t.Fatalf("a.txt: %q", read("a.txt"))
	}
	aside, _ := filepath.Glob(filepath.Join(src, "a (before restore *).txt"))
	if len(aside) != 1 || read(filepath.Base(aside[0])) != "edited a" || !strings.Contains(out, "Moved aside") {
		t.Fatalf("moved aside: %v\n%s", aside, out)
	}

	write("b.txt", "edited b")
	c.ok("restore", "--conflict", "skip", filepath.Join(src, "b.txt"))
	if read("b.txt") != "edited b" {
		t.Fatal("skip replaced the file")
	}
	c.ok("restore", "--conflict", "overwrite", filepath.Join(src, "b.txt"))
	if read("b.txt") != "backed up b" {
		t.Fatal("overwrite did not replace the file")
	}
	if m, _ := filepath.Glob(filepath.Join(src, "b (before*")); len(m) != 0 {
		t.Fatal("overwrite left a copy")
	}

	// Restoring what is already there changes nothing and says so.
	out = c.ok("restore", src)
	if !strings.Contains(out, "already in place") {
		t.Fatalf("second restore: %s", out)
	}
	if m, _ := filepath.Glob(filepath.Join(src, "*before restore*")); len(m) != 1 {
		t.Fatalf("identical files were moved aside: %v", m)
	}

	// Permissions: original, or the current user's defaults.
	orig, cur := filepath.Join(c.dir, "orig"), filepath.Join(c.dir, "cur")
	c.ok("restore", "--to", orig, src)
	c.ok("restore", "--to", cur, "--perms", "current", src)
	mode := func(p string) os.FileMode { st, _ := os.Stat(p); return st.Mode().Perm() }
	umask := syscall.Umask(0)
	syscall.Umask(umask)
	if m := mode(filepath.Join(orig, "ana", "secret.txt")); m != 0o600 {
		t.Fatalf("original perms: %o", m)
	}
	if m := mode(filepath.Join(orig, "ana", "script.sh")); m != 0o750 {
		t.Fatalf("original perms: %o", m)
	}
	// setuid and setgid come back with the original permissions only
	special := func(p string) os.FileMode {
		st, _ := os.Stat(p)
		return st.Mode() & (os.ModePerm | os.ModeSetuid | os.ModeSetgid)
	}
	if m := special(filepath.Join(orig, "ana", "tool")); m != 0o755|os.ModeSetuid|os.ModeSetgid {
		t.Fatalf("original perms of a setuid, setgid file: %v", m)
	}
	if m := special(filepath.Join(cur, "ana", "tool")); m != 0o666&^os.FileMode(umask) {
		t.Fatalf("current perms of a setuid, setgid file: %v", m)
	}
	if m := mode(filepath.Join(cur, "ana", "secret.txt")); m != 0o666&^os.FileMode(umask) {
		t.Fatalf("current perms: %o", m)
	}
	if m := mode(filepath.Join(cur, "ana", "sub")); m != 0o777&^os.FileMode(umask) {
		t.Fatalf("current folder perms: %o", m)
	}
	// mtimes always restored
	st, _ := os.Stat(filepath.Join(cur, "ana", "sub", "d.txt"))
	if !st.ModTime().Equal(testtree.DefaultMTime) {
		t.Fatalf("mtime %v", st.ModTime())
	}
}

func TestAtTimeAndDeletedFromTheCommandLine(t *testing.T) {
	c := newCLI(t)
	src, _ := c.setup(map[string]testtree.Node{"notes.txt": {Data: "first"}})
	c.ok("backup")
	p := filepath.Join(src, "notes.txt")
	os.WriteFile(p, []byte("second!"), 0o644)
	c.ok("backup")
	os.Remove(p)
	c.ok("backup")
	lines := strings.Split(strings.TrimSpace(c.ok("versions", p)), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[2], " deleted") || !strings.HasSuffix(lines[1], " 7") {
		t.Fatalf("versions: %q", lines)
	}
	firstAt := strings.Fields(lines[0])[0]
	if out := c.ok("ls", src); strings.Contains(out, "notes.txt") {
		t.Fatalf("deleted file listed: %s", out)
	}
	if out := c.ok("ls", "--deleted", src); !strings.Contains(out, "notes.txt") || !strings.Contains(out, "(deleted ") {
		t.Fatalf("ls --deleted: %s", out)
	}
	if out := c.ok("ls", "--at", firstAt, src); !strings.Contains(out, "notes.txt") {
		t.Fatalf("ls --at: %s", out)
	}
	to := filepath.Join(c.dir, "r")
	c.ok("restore", "--at", firstAt, "--to", to, p)
	if b, _ := os.ReadFile(filepath.Join(to, "notes.txt")); string(b) != "first" {
		t.Fatalf("as of the first version: %q", b)
	}
	c.expect(exitError, "restore", "--to", filepath.Join(c.dir, "r2"), p)
	c.ok("restore", "--deleted", p)
	if b, _ := os.ReadFile(p); string(b) != "second!" {
		t.Fatalf("restored deleted file: %q", b)
	}
}

func TestPasswordChangeFromTheCommandLine(t *testing.T) {
	c := newCLI(t)
	_, dest := c.setup(sample)
	c.ok("backup")
	c.setenv("CAIRN_NEW_PASSWORD=a much better password")
	c.ok("dest", "passwd", "drive")
	other := newCLI(t)
	other.expect(exitError, "dest", "add", "drive", dest)
	other.setenv("CAIRN_PASSWORD=a much better password")
	other.ok("dest", "add", "drive", dest)
}

var _ = runtime.GOOS
