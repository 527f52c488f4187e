//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package control

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dialRaw connects to home's owner without the client's checks.
func dialRaw(t *testing.T, home string) net.Conn {
	t.Helper()
	c, err := net.Dial("unix", SocketPath(home))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAStaleSocketIsReplaced(t *testing.T) {
	home := t.TempDir()
	// What a crashed owner leaves: a socket nobody listens on.
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: SocketPath(home), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	l.Close()
	if _, err := os.Lstat(SocketPath(home)); err != nil {
		t.Fatal(err)
	}
	if c, err := Dial(home); err == nil {
		c.Close()
		t.Fatal("dialled a dead owner")
	}
	serve(t, home, handler{run: func(context.Context, *Call) int { return 0 }})
	if _, _, code := runOnce(t, context.Background(), home, nil, "status"); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestOnlyThisUserGetsIn(t *testing.T) {
	home := filepath.Join(t.TempDir(), "cairn")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(home, 0o755)
	serve(t, home, handler{})
	fi, err := os.Stat(home)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("home: %v %v, want 0700", fi.Mode(), err)
	}
	fi, err = os.Lstat(SocketPath(home))
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Mode()&os.ModeSocket == 0 {
		t.Errorf("socket: %v %v, want a socket with 0600", fi.Mode(), err)
	}
}

func TestASocketOfAnotherUserIsRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to give a file to another user")
	}
	home := t.TempDir()
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: SocketPath(home), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := os.Lchown(SocketPath(home), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if _, err := Dial(home); err == nil || !strings.Contains(err.Error(), "another user") {
		t.Errorf("dial: %v", err)
	}
	if _, err := Listen(home); err == nil || !strings.Contains(err.Error(), "another user") {
		t.Errorf("listen: %v", err)
	}
}
