//go:build windows

package control

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// dialRaw connects to home's owner without the client's checks.
func dialRaw(t *testing.T, home string) net.Conn {
	t.Helper()
	me, err := currentUser()
	if err != nil {
		t.Fatal(err)
	}
	timeout := 5 * time.Second
	c, err := winio.DialPipe(PipeName(me.String(), home), &timeout)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestThePipeIsThisAccountsAlone(t *testing.T) {
	home := t.TempDir()
	serve(t, home, handler{})
	me, err := currentUser()
	if err != nil {
		t.Fatal(err)
	}
	c := dialRaw(t, home)
	defer c.Close()
	h, err := pipeHandle(c)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := windows.GetSecurityInfo(h, windows.SE_KERNEL_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	// Windows may keep GENERIC_ALL as it was given or map it to the
	// pipe's FILE_ALL_ACCESS.
	got := sd.String()
	if got != "D:P(A;;GA;;;"+me.String()+")" && got != "D:P(A;;FA;;;"+me.String()+")" {
		t.Errorf("the pipe's DACL is %s, want one entry for %s", got, me)
	}
	if err := checkServer(c, me); err != nil {
		t.Errorf("checkServer: %v", err)
	}
}

func TestNoPipeNoOwner(t *testing.T) {
	if c, err := Dial(t.TempDir()); err == nil {
		c.Close()
		t.Fatal("dialled an owner that does not run")
	}
}

func TestAnotherAccountIsRefused(t *testing.T) {
	me, err := currentUser()
	if err != nil {
		t.Fatal(err)
	}
	system, err := windows.CreateWellKnownSid(windows.WinLocalSystemSid)
	if err != nil {
		t.Fatal(err)
	}
	if err := sameAccount(windows.GetCurrentProcessId(), system, "this test"); !errors.Is(err, errOtherAccount) ||
		!strings.Contains(err.Error(), "not let in") {
		t.Errorf("as another account: %v", err)
	}
	if err := sameAccount(windows.GetCurrentProcessId(), me, "this test"); err != nil {
		t.Errorf("as this account: %v", err)
	}
}
