package main

import (
	"strings"
	"testing"
)

func TestPipeLetsPeopleConnectButNotServe(t *testing.T) {
	const createPipeInstance = 0x4 // FILE_CREATE_PIPE_INSTANCE (FILE_APPEND_DATA)
	const users = 0x12019b
	if users&createPipeInstance != 0 {
		t.Fatal("people may create instances of the pipe")
	}
	for _, want := range []string{"O:SY", "D:P", "(D;;GA;;;NU)", "(A;;0x12019b;;;AU)", "(A;;GA;;;SY)"} {
		if !strings.Contains(pipeSecurity, want) {
			t.Errorf("pipeSecurity %q lacks %q", pipeSecurity, want)
		}
	}
	if strings.Index(pipeSecurity, "(D;") > strings.Index(pipeSecurity, "(A;") {
		t.Error("the deny entry must come first")
	}
	if strings.Contains(stateSecurity, ";;;BU)") || strings.Contains(stateSecurity, ";;;AU)") || !strings.Contains(stateSecurity, "D:P") {
		t.Errorf("stateSecurity %q lets people in", stateSecurity)
	}
}

func TestTrustedFolder(t *testing.T) {
	for _, tc := range []struct {
		dir, reparse bool
		owner        string
		want         bool
	}{
		{true, false, sidSystem, true},
		{true, false, sidAdministrators, true},
		{true, false, "S-1-5-21-1-2-3-1001", false}, // a person made it first
		{true, true, sidSystem, false},              // a junction
		{false, false, sidSystem, false},            // a file
	} {
		if got := trustedFolder(tc.dir, tc.reparse, tc.owner); got != tc.want {
			t.Errorf("trustedFolder(%v, %v, %s) = %v", tc.dir, tc.reparse, tc.owner, got)
		}
	}
}

func TestInstallableOnlyFromProgramFiles(t *testing.T) {
	pf := "/pf"
	for exe, want := range map[string]bool{
		"/pf/Cairn/cairn-vss.exe":                true,
		"/PF/cairn/CAIRN-VSS.EXE":                true,
		"/pf-evil/cairn-vss.exe":                 false,
		"/home/ana/AppData/Local/Programs/x.exe": false,
		"/pf/../home/x.exe":                      false,
		"cairn-vss.exe":                          false,
	} {
		if got := installable(exe, pf); got != want {
			t.Errorf("installable(%q) = %v, want %v", exe, got, want)
		}
	}
	if installable("/pf/x.exe", "") {
		t.Error("installable without knowing Program Files")
	}
}
