package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	cairnserver "github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/kek"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/internal/testtree"
)

// background is cairn running while the test plays the person: its
// stderr is read line by line as it comes.
type background struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdout bytes.Buffer
	lines  chan string
	seen   []string
}

// startBackground runs cairn in the background.
func (c *cli) startBackground(args ...string) *background {
	c.t.Helper()
	b := &background{t: c.t, cmd: exec.Command(cairnBin, args...), lines: make(chan string, 64)}
	b.cmd.Env, b.cmd.Dir, b.cmd.Stdout = c.env, c.dir, &b.stdout
	stderr, err := b.cmd.StderrPipe()
	if err != nil {
		c.t.Fatal(err)
	}
	if err := b.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { b.cmd.Process.Signal(syscall.SIGKILL) })
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			b.lines <- sc.Text()
		}
		close(b.lines)
	}()
	return b
}

// waitFor waits for a line of stderr that matches re, and returns its
// submatches.
func (b *background) waitFor(re *regexp.Regexp) []string {
	b.t.Helper()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case l, ok := <-b.lines:
			if !ok {
				b.t.Fatalf("cairn ended before printing %s; it printed:\n%s", re, strings.Join(b.seen, "\n"))
			}
			b.seen = append(b.seen, l)
			if m := re.FindStringSubmatch(l); m != nil {
				return m
			}
		case <-deadline:
			b.t.Fatalf("cairn did not print %s; it printed:\n%s", re, strings.Join(b.seen, "\n"))
		}
	}
}

// wait waits for cairn to end; it fails the test unless it exits 0.
func (b *background) wait() string {
	b.t.Helper()
	for l := range b.lines {
		b.seen = append(b.seen, l)
	}
	if err := b.cmd.Wait(); err != nil {
		b.t.Fatalf("cairn: %v\nstdout: %s\nstderr: %s", err, b.stdout.String(), strings.Join(b.seen, "\n"))
	}
	return b.stdout.String()
}

// noBrowser is the environment of a computer with no graphical session.
func (c *cli) noBrowser() {
	env := c.env[:0:0]
	for _, kv := range c.env {
		k, _, _ := strings.Cut(kv, "=")
		if k != "DISPLAY" && k != "WAYLAND_DISPLAY" && k != "BROWSER" {
			env = append(env, kv)
		}
	}
	c.env = env
}

var (
	startLine  = regexp.MustCompile(`^\s+(https://\S+/sso/start\?\S+)$`)
	deviceLine = regexp.MustCompile(`^\s+(https://\S+/sso/device)$`)
	codeLine   = regexp.MustCompile(`type the code\s+([A-Z]{4}-[A-Z]{4})\s`)
)

// cairn dest add --sso: the browser (played by the test, fed the address
// cairn prints; $BROWSER is a program that opens nothing) signs the person
// in; then backup and restore work as with a password.
func TestDestAddWithSingleSignOnInTheBrowser(t *testing.T) {
	sso := cairntest.SSOServer(t, cairntest.Options{})
	sso.AddPerson("ada")
	opener, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true(1) to play the browser's opener")
	}
	c := newCLI(t)
	c.noBrowser()
	c.setenv("BROWSER=" + opener)
	r := c.startBackground("dest", "add", "work", sso.URL, "--sso", "--fingerprint", sso.Fingerprint, "--device", "laptop")
	if err := sso.SignInBrowser(r.waitFor(startLine)[1], "ada"); err != nil {
		t.Fatal(err)
	}
	if out := r.wait(); !strings.Contains(out, "with "+cairntest.SSOLabel+"; created this computer's archive") {
		t.Fatalf("stdout: %s", out)
	}
	src := filepath.Join(c.dir, "home", "ada")
	testtree.Write(t, src, map[string]testtree.Node{"thesis.tex": {Data: "chapter 1"}, "data.bin": {Random: 200 << 10}})
	c.ok("files", "add", src)
	c.ok("backup")
	c.restoreAndCompare(src)
	if out := c.ok("dest", "list"); !strings.Contains(out, "single sign-on, device laptop") {
		t.Errorf("dest list: %s", out)
	}
}

// Without a graphical session cairn prints a code and an address to open
// on another device (the device flow); the key option "account" is
// refused with SSO, and a server without SSO says so.
func TestDestAddWithSingleSignOnWithoutABrowser(t *testing.T) {
	sso := cairntest.SSOServer(t, cairntest.Options{})
	sso.AddPerson("bo")
	c := newCLI(t)
	c.noBrowser()
	_, errOut := c.expect(exitError, "dest", "add", "work", sso.URL, "--sso", "--fingerprint", sso.Fingerprint, "--key", "account")
	if !strings.Contains(errOut, "no account password") {
		t.Errorf("--key account with --sso: %s", errOut)
	}
	r := c.startBackground("dest", "add", "work", sso.URL, "--sso", "--fingerprint", sso.Fingerprint, "--device", "lab-pc-12")
	address := r.waitFor(deviceLine)[1]
	code := r.waitFor(codeLine)[1]
	if err := sso.ApproveDevice(address, code, "bo"); err != nil {
		t.Fatal(err)
	}
	if out := r.wait(); !strings.Contains(out, "created this computer's archive") {
		t.Fatalf("stdout: %s", out)
	}

	url, fp := cairntest.Server(t, cairntest.Options{})
	_, errOut = c.expect(exitError, "dest", "add", "other", url, "--sso", "--fingerprint", fp)
	if !strings.Contains(errOut, "does not offer single sign-on") {
		t.Errorf("a server without SSO: %s", errOut)
	}
}

// With SSO and a server that holds keys for the organisation, the
// organisation keeps the key unless the person chooses otherwise: they
// have nothing to remember, and a second computer restores by signing in.
func TestDestAddWithSingleSignOnLetsTheOrganisationKeepTheKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kek")
	if err := kek.Generate(path); err != nil {
		t.Fatal(err)
	}
	ring, err := kek.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	sso := cairntest.SSOServer(t, cairntest.Options{Configure: func(o *cairnserver.Options) { o.KEK = ring }})
	sso.AddPerson("cy")
	add := func(c *cli) string {
		c.noBrowser()
		c.setenv("CAIRN_PASSWORD=") // nothing to type
		r := c.startBackground("dest", "add", "work", sso.URL, "--sso", "--device-code", "--fingerprint", sso.Fingerprint,
			"--device", "cy-laptop")
		address := r.waitFor(deviceLine)[1]
		if err := sso.ApproveDevice(address, r.waitFor(codeLine)[1], "cy"); err != nil {
			t.Fatal(err)
		}
		return r.wait()
	}
	c := newCLI(t)
	if out := add(c); !strings.Contains(out, "Your organisation's server keeps the archive's key") {
		t.Fatalf("stdout: %s", out)
	}
	src := filepath.Join(c.dir, "home", "cy")
	testtree.Write(t, src, map[string]testtree.Node{"notes.txt": {Data: "lab notes"}})
	c.ok("files", "add", src)
	c.ok("backup")

	c2 := newCLI(t)
	if out := add(c2); !strings.Contains(out, "attached to this device's archive") {
		t.Fatalf("the second computer: %s", out)
	}
	c2.restoreAndCompare(src)
}
