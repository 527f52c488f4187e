//go:build linux

package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/app/control"
)

// The command-line binary started without a command becomes the desktop app
// next to it (on a virtual screen here), and a command run beside it is
// sent to that app: the app holds the index, so the command could not have
// run alone.
func TestCommandLineHandsOverToTheDesktopApp(t *testing.T) {
	for _, tool := range []string{"xvfb-run", "dbus-run-session"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is missing (make deps installs it)", tool)
		}
	}
	cli := buildCLI(t)
	desktop := filepath.Join(filepath.Dir(cli), "cairn-desktop")
	if out, err := exec.Command("go", "build", "-o", desktop, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := plainEnv(t, "en_US.UTF-8")
	home := strings.TrimPrefix(env[len(env)-1], "CAIRN_HOME=")
	app := exec.Command("dbus-run-session", "--", "xvfb-run", "-a", "-s", "-screen 0 1280x800x24", cli, "--hidden")
	app.Env = env
	var appOut bytes.Buffer
	app.Stdout, app.Stderr = &appOut, &appOut
	app.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	defer func() {
		syscall.Kill(-app.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(time.Minute):
			syscall.Kill(-app.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}()
	waitForApp(t, home, exited, &appOut)
	status := exec.Command(cli, "status")
	status.Env = env
	out, err := status.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Cairn home: "+home) {
		t.Fatalf("cairn status beside the app: %v\n%s", err, out)
	}
}

// waitForApp waits, for as long as a busy machine may need, until the app
// answers on home's control socket.
func waitForApp(t *testing.T, home string, exited <-chan error, out *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		if c, err := control.Dial(home); err == nil {
			c.Close()
			return
		}
		select {
		case err := <-exited:
			t.Fatalf("the desktop app ended before answering: %v\n%s", err, out)
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatalf("the desktop app did not answer on %s within 3 minutes\n%s", filepath.Join(home, control.SocketName), out)
}
