package control

import (
	"strings"
	"testing"
)

func TestPipeNameIsPerAccountAndHome(t *testing.T) {
	const ana, bo = "S-1-5-21-1004336348-1177238915-682003330-1001", "S-1-5-21-1004336348-1177238915-682003330-1002"
	home := `C:\Users\ana\AppData\Local\cairn`
	base := PipeName(ana, home)
	if !strings.HasPrefix(base, `\\.\pipe\cairn-`+ana+"-") || len(base) > 256 {
		t.Fatalf("PipeName = %q", base)
	}
	for _, tc := range []struct {
		user, home string
		same       bool
	}{
		{ana, `c:\users\ana\appdata\local\cairn`, true},   // Windows ignores case
		{ana, `C:/Users/ana/AppData/Local/cairn`, true},   // and takes / for \
		{ana, `C:\Users\ana\AppData\Local\cairn\`, true},  // a trailing separator
		{ana, `C:\Users\ana\AppData\Local\cairn\\`, true}, // or two
		{ana, `C:\Users\ana\AppData\Roaming\cairn`, false},
		{ana, `D:\cairn`, false},
		{bo, home, false}, // another person signed in at the same time
	} {
		if got := PipeName(tc.user, tc.home) == base; got != tc.same {
			t.Errorf("PipeName(%s, %q) same as for %q: %v, want %v", tc.user, tc.home, home, got, tc.same)
		}
	}
}

func TestWindowsPathKey(t *testing.T) {
	for in, want := range map[string]string{
		`C:\`:            `c:\`,
		`C:/`:            `c:\`,
		`C:\Cairn\`:      `c:\cairn`,
		`\\Server\Home\`: `\\server\home`,
		`\`:              `\`,
		``:               ``,
	} {
		if got := windowsPathKey(in); got != want {
			t.Errorf("windowsPathKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPipeSecurityLetsInOnlyTheAccount(t *testing.T) {
	const sid = "S-1-5-21-1-2-3-1001"
	// D:P: a protected DACL (nothing inherited); one allow entry, generic
	// all, for that SID alone: no Everyone (WD), no Administrators (BA).
	if got, want := pipeSecurity(sid), "D:P(A;;GA;;;S-1-5-21-1-2-3-1001)"; got != want {
		t.Errorf("pipeSecurity = %q, want %q", got, want)
	}
}

func TestPipeTaken(t *testing.T) {
	for _, tc := range []struct {
		code  uintptr
		taken bool
	}{
		{5, true},    // ERROR_ACCESS_DENIED: FILE_CREATE on an existing pipe, or a DACL that keeps us out
		{183, true},  // ERROR_ALREADY_EXISTS
		{231, true},  // ERROR_PIPE_BUSY
		{2, false},   // ERROR_FILE_NOT_FOUND
		{3, false},   // ERROR_PATH_NOT_FOUND
		{123, false}, // ERROR_INVALID_NAME
		{0, false},
	} {
		if got := pipeTaken(tc.code); got != tc.taken {
			t.Errorf("pipeTaken(%d) = %v, want %v", tc.code, got, tc.taken)
		}
	}
}
