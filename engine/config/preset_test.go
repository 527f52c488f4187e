package config

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/selection"
)

const testFingerprint = "3f:a1:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd"

// writePreset writes a preset file and returns its path.
func writePreset(t testing.TB, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "preset.json")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadPreset(t *testing.T) {
	cases := []struct {
		name    string
		content string
		want    Preset
		wantErr string // part of the error; "" for none
	}{
		{name: "everything",
			content: `{"server": "https://backup.example.org:8443/", "fingerprint": "` + testFingerprint + `",
				"key": "password", "escrow": true, "exclude": ["*.iso", "~/Videos/raw", "**/node_modules/"]}`,
			want: Preset{Server: "https://backup.example.org:8443", Fingerprint: testFingerprint, Key: "password",
				Escrow: true, Exclude: []string{"*.iso", "~/Videos/raw", "**/node_modules/"}}},
		{name: "server only", content: `{"server": "https://backup.example.org"}`,
			want: Preset{Server: "https://backup.example.org"}},
		{name: "exclusions only", content: `{"exclude": ["*.vmdk"]}`, want: Preset{Exclude: []string{"*.vmdk"}}},
		{name: "empty object", content: `{}`},
		{name: "a byte order mark", content: "\xef\xbb\xbf{\"key\": \"custom\", \"server\": \"https://[::1]:8443\"}",
			want: Preset{Server: "https://[::1]:8443", Key: "custom"}},
		{name: "fingerprint without colons", content: `{"server": "https://b.example.org", "fingerprint": "` +
			strings.ReplaceAll(testFingerprint, ":", "") + `"}`,
			want: Preset{Server: "https://b.example.org", Fingerprint: strings.ReplaceAll(testFingerprint, ":", "")}},

		{name: "not JSON", content: `server=https://b.example.org`, wantErr: "not valid JSON"},
		{name: "a misspelt field", content: `{"sever": "https://b.example.org"}`, wantErr: `unknown field "sever"`},
		{name: "two objects", content: `{} {}`, wantErr: "more after the object"},
		{name: "a list", content: `[]`, wantErr: "not valid JSON"},
		{name: "http", content: `{"server": "http://b.example.org"}`, wantErr: "use an https:// address"},
		{name: "no scheme", content: `{"server": "b.example.org:8443"}`, wantErr: "https://"},
		{name: "a path", content: `{"server": "https://b.example.org/cairn"}`, wantErr: "without a path"},
		{name: "a user", content: `{"server": "https://ana@b.example.org"}`, wantErr: "without user"},
		{name: "a query", content: `{"server": "https://b.example.org?x=1"}`, wantErr: "without user, query"},
		{name: "a bad port", content: `{"server": "https://b.example.org:99999"}`, wantErr: "port"},
		{name: "no host", content: `{"server": "https://:8443"}`, wantErr: "no host"},
		{name: "a short fingerprint", content: `{"server": "https://b.example.org", "fingerprint": "3f:a1"}`,
			wantErr: "not a SHA-256 fingerprint"},
		{name: "a key mode", content: `{"server": "https://b.example.org", "key": "passphrase"}`,
			wantErr: `key "passphrase"`},
		{name: "escrow without a server", content: `{"escrow": true}`, wantErr: "need the server"},
		{name: "a bad pattern", content: `{"exclude": ["[unclosed"]}`, wantErr: "bad exclusion pattern"},
		{name: "an empty pattern", content: `{"exclude": [""]}`, wantErr: "names no file"},
		{name: "everything excluded", content: `{"exclude": ["*"]}`, wantErr: `exclude "*": it would exclude whole home`},
		{name: "the home folder", content: `{"exclude": ["*.tmp", "~"]}`, wantErr: `exclude "~"`},
		{name: "a folder above homes", content: `{"exclude": ["/Users"]}`, wantErr: `exclude "/Users"`},
		{name: "spaces", content: `{"exclude": [" *.tmp"]}`, wantErr: "spaces"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writePreset(t, c.content)
			got, ok, err := LoadPreset(path)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("error %v, want one naming %s and saying %q", err, path, c.wantErr)
				}
				if ok || !reflect.DeepEqual(got, Preset{}) {
					t.Errorf("a refused preset came back: %v %+v", ok, got)
				}
				return
			}
			if err != nil || !ok {
				t.Fatalf("LoadPreset: %v, %v", ok, err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestNoPresetFileIsNoPreset(t *testing.T) {
	p, ok, err := LoadPreset(filepath.Join(t.TempDir(), "preset.json"))
	if err != nil || ok || !reflect.DeepEqual(p, Preset{}) {
		t.Errorf("a missing file: %+v, %v, %v", p, ok, err)
	}
}

func TestAPresetOthersCanWriteIsAnError(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("modes mean nothing there")
	}
	path := writePreset(t, `{"server": "https://b.example.org"}`)
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := LoadPreset(path); err == nil || ok || !strings.Contains(err.Error(), "writable by users other") {
		t.Errorf("a file anybody may write: %v, %v", ok, err)
	}
}

func TestAPresetFolderIsAnError(t *testing.T) {
	dir := t.TempDir()
	if _, ok, err := LoadPreset(dir); err == nil || ok || !strings.Contains(err.Error(), dir) {
		t.Errorf("a folder: %v, %v", ok, err)
	}
}

func TestPresetPath(t *testing.T) {
	t.Setenv(PresetEnv, "")
	t.Setenv("ProgramData", `D:\ProgramData\`)
	for goos, want := range map[string]string{
		"linux":   "/etc/cairn/preset.json",
		"freebsd": "/etc/cairn/preset.json",
		"darwin":  "/Library/Application Support/Cairn/preset.json",
		"windows": `D:\ProgramData\Cairn\preset.json`,
	} {
		if got := PresetPath(goos); got != want {
			t.Errorf("PresetPath(%s) = %s, want %s", goos, got, want)
		}
	}
	t.Setenv("ProgramData", "")
	if got := PresetPath("windows"); got != `C:\ProgramData\Cairn\preset.json` {
		t.Errorf("without ProgramData: %s", got)
	}
	t.Setenv(PresetEnv, "/tmp/trial.json")
	if got := PresetPath("linux"); got != "/tmp/trial.json" {
		t.Errorf("with %s set: %s", PresetEnv, got)
	}
}

func TestAddExclusionsAddsEachOnceToTheDefaults(t *testing.T) {
	s := selection.Selection{Include: []string{"/home/ana"}, Exclude: []string{"*.iso"}, Defaults: []string{"*.tmp"}}
	p := Preset{Exclude: []string{"*.tmp", "*.iso", "**/node_modules", "**/node_modules"}}
	got := p.AddExclusions(s)
	want := []string{"*.tmp", "**/node_modules"}
	if !reflect.DeepEqual(got.Defaults, want) || !reflect.DeepEqual(got.Exclude, []string{"*.iso"}) {
		t.Errorf("defaults %v exclude %v, want defaults %v", got.Defaults, got.Exclude, want)
	}
	if len(s.Defaults) != 1 {
		t.Errorf("the selection given was changed: %v", s.Defaults)
	}
}
