package control

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// On Windows the owner listens on a named pipe instead of a socket. Pipes
// live in one namespace for the whole computer, not in a folder, so the
// name carries both whose Cairn it is and which home it owns: two people
// signed in at once, and two homes of one person (--home, CAIRN_HOME,
// tests), each get their own pipe. The pipe's security descriptor lets in
// only the person who runs Cairn; every connection is checked again by the
// process at the other end (peer_windows.go).

// pipePrefix starts every Cairn pipe's name.
const pipePrefix = `\\.\pipe\cairn-`

// PipeName is the named pipe of the Cairn that user (a SID such as
// S-1-5-21-…-1001) runs with home. Windows compares paths without regard
// to case and takes / for \, so spellings of one folder name one pipe.
func PipeName(user, home string) string {
	sum := sha256.Sum256([]byte(windowsPathKey(home)))
	return pipePrefix + user + "-" + hex.EncodeToString(sum[:8])
}

// windowsPathKey is home as Windows tells paths apart: case folded,
// separators made \, without a trailing one (except at a drive's root).
func windowsPathKey(home string) string {
	p := strings.ToLower(strings.ReplaceAll(home, "/", `\`))
	for strings.HasSuffix(p, `\`) && !strings.HasSuffix(p, `:\`) && len(p) > 1 {
		p = p[:len(p)-1]
	}
	return p
}

// pipeSecurity is the pipe's security descriptor in SDDL: a protected DACL
// (nothing inherited) with one entry, full access for user. Administrators
// and SYSTEM are not listed: they can take ownership of anything, but a
// program running as them is not let in by accident.
func pipeSecurity(user string) string {
	return "D:P(A;;GA;;;" + user + ")"
}

// Windows error codes Listen meets when the pipe's first instance exists.
const (
	errorAccessDenied  = 5   // ERROR_ACCESS_DENIED: the name is taken (FILE_CREATE), or its DACL keeps us out
	errorAlreadyExists = 183 // ERROR_ALREADY_EXISTS
	errorPipeBusy      = 231 // ERROR_PIPE_BUSY
)

// pipeTaken says whether creating the pipe failed with code because a pipe
// of that name exists: a live owner (pipes go with the process that made
// them, so none is ever left by a crash), or a program of another user
// that took the name first.
func pipeTaken(code uintptr) bool {
	switch code {
	case errorAccessDenied, errorAlreadyExists, errorPipeBusy:
		return true
	}
	return false
}
