package main

import (
	"path/filepath"
	"strings"
)

// serviceName is the service's name for sc.exe and the event log.
const serviceName = "cairn-vss"

// pipeSecurity is the pipe's security descriptor in SDDL: owned by the
// system (Cairn checks the owner to know the pipe is the service's, which
// a person's program cannot fake), and a protected DACL:
//   - network logons are denied (the pipe also refuses remote clients);
//   - the system and administrators have full access;
//   - signed-in people (Authenticated Users) may connect, read and write,
//     0x12019b: FILE_GENERIC_READ and FILE_GENERIC_WRITE without
//     FILE_APPEND_DATA, which on a pipe is FILE_CREATE_PIPE_INSTANCE, so
//     nobody but the service can serve the pipe while it runs (while it is
//     stopped anyone could take the name, but not make the system its
//     owner: engine/snapshot's client_windows.go checks).
const pipeSecurity = "O:SYG:SYD:P(D;;GA;;;NU)(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x12019b;;;AU)"

// Well-known SIDs the service trusts to own its state folder.
const (
	sidSystem         = "S-1-5-18"
	sidAdministrators = "S-1-5-32-544"
)

// stateSecurity protects the state folder: the system and administrators
// only, nothing inherited (the file in it says which shadow copies the
// service deletes at its start).
const stateSecurity = "O:SYG:SYD:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"

// trustedFolder says whether the service may keep its state in a folder:
// a real folder (not a junction or link someone made to send the
// service's writes elsewhere) owned by the system or the administrators
// (a person who made it first would own it, and could change it).
func trustedFolder(isDir, isReparsePoint bool, owner string) bool {
	return isDir && !isReparsePoint && (owner == sidSystem || owner == sidAdministrators)
}

// installable says whether the service may be registered to run exe: only
// from below Program Files, where only administrators write. A service
// runs as the system, so a program people can replace (a per-user install
// in %LOCALAPPDATA%) must never be one.
func installable(exe, programFiles string) bool {
	if programFiles == "" || !filepath.IsAbs(exe) {
		return false
	}
	e := strings.ToLower(filepath.Clean(exe))
	pf := strings.ToLower(filepath.Clean(programFiles))
	return strings.HasPrefix(e, pf+string(filepath.Separator)) && !strings.Contains(e, "..")
}
