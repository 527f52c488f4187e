package main

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestEncodeCommandIsUTF16LittleEndianBase64(t *testing.T) {
	b, err := base64.StdEncoding.DecodeString(encodeCommand("dir 'é'"))
	if err != nil {
		t.Fatal(err)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	if got := string(utf16.Decode(u)); got != "dir 'é'" {
		t.Errorf("decoded %q", got)
	}
	args := powershellArgs(createScript)
	if strings.Join(args[:4], " ") != "-NoProfile -NonInteractive -ExecutionPolicy Bypass" || args[4] != "-EncodedCommand" {
		t.Errorf("arguments %q", args)
	}
}

// The scripts take what varies from the environment only, and check it
// again themselves.
func TestScriptsReadTheirInputFromTheEnvironment(t *testing.T) {
	for name, tc := range map[string]struct{ script, env string }{
		"create": {createScript, envVolume}, "delete": {deleteScript, envID},
	} {
		if !strings.Contains(tc.script, "$env:"+tc.env) || !strings.Contains(tc.script, "throw 'not a") {
			t.Errorf("%s script does not read and check $env:%s", name, tc.env)
		}
	}
	if !strings.Contains(createScript, "Context = 'ClientAccessible'") {
		t.Error("the create script does not ask for a client-accessible copy")
	}
}

func TestParseCreated(t *testing.T) {
	good := `{"id":"{3F2504E0-4F89-11D3-9A0C-0305E82C3301}","device":"\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy7"}`
	sh, err := parseCreated([]byte(good))
	if err != nil || sh.ID != "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}" || sh.Device != `\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy7` {
		t.Fatalf("parseCreated = %+v, %v", sh, err)
	}
	for _, bad := range []string{
		``, `not json`, `{"id":"x","device":"\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy7"}`,
		`{"id":"{3F2504E0-4F89-11D3-9A0C-0305E82C3301}","device":"C:\\Users"}`,
	} {
		if _, err := parseCreated([]byte(bad)); err == nil {
			t.Errorf("parseCreated(%q) accepted", bad)
		}
	}
}
