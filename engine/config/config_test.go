package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/retention"
)

func TestNewHasDefaults(t *testing.T) {
	c, err := Load(t.TempDir(), "linux", "/home/ana")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Selection.Defaults) == 0 || c.PruneEvery != Duration(24*time.Hour) || c.Retention.Validate() != nil {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestSaveLoadRoundTripAndEditedPolicy(t *testing.T) {
	dir := t.TempDir()
	c := New("linux", "/home/ana")
	c.Destinations = append(c.Destinations, Destination{Name: "usb", Type: "folder", Path: "/media/usb", Index: 1})
	c.Selection.Include = []string{"/home/ana"}
	if err := c.Save(dir); err != nil {
		t.Fatal(err)
	}
	// A person edits the policy in the file: keep everything for two weeks.
	b, _ := os.ReadFile(filepath.Join(dir, FileName))
	edited := strings.Replace(string(b), `"within": "7d"`, `"within": "14d"`, 1)
	edited = strings.Replace(edited, `"every": "30m"`, `"every": "all"`, 1)
	if edited == string(b) {
		t.Fatalf("policy not found in the file:\n%s", b)
	}
	os.WriteFile(filepath.Join(dir, FileName), []byte(edited), 0o600)
	got, err := Load(dir, "linux", "/home/ana")
	if err != nil {
		t.Fatal(err)
	}
	if got.Retention.Tiers[0].Every != retention.KeepAll || got.Destinations[0].Path != "/media/usb" {
		t.Fatalf("loaded %+v", got)
	}
	if info, _ := os.Stat(filepath.Join(dir, FileName)); info.Mode().Perm() != 0o600 {
		t.Fatalf("config mode %o", info.Mode().Perm())
	}
}

func TestLoadSaysWhatIsWrong(t *testing.T) {
	cases := map[string]string{
		"not json":       "{",
		"invalid policy": `{"retention": {"tiers": [{"within": "-1h", "every": "1h"}], "older": "month", "deletedKeep": "90d"}}`,
	}
	for name, content := range cases {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, FileName), []byte(content), 0o600)
		if _, err := Load(dir, "linux", "/home/ana"); err == nil || !strings.Contains(err.Error(), FileName) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestDestinationLookup(t *testing.T) {
	c := New("linux", "/h")
	if _, err := c.Destination(""); err == nil || !strings.Contains(err.Error(), "dest add") {
		t.Fatalf("no destination: %v", err)
	}
	c.Destinations = []Destination{{Name: "a", Index: 1}}
	if d, err := c.Destination(""); err != nil || d.Name != "a" {
		t.Fatal("the only destination is the default")
	}
	c.Destinations = append(c.Destinations, Destination{Name: "b", Index: 4})
	if _, err := c.Destination(""); err == nil || !strings.Contains(err.Error(), "--dest") {
		t.Fatalf("ambiguous: %v", err)
	}
	if _, err := c.Destination("zzz"); err == nil {
		t.Fatal("unknown name accepted")
	}
	if c.NextIndex() != 5 {
		t.Fatalf("next index %d", c.NextIndex())
	}
}

func TestWriteFileAtomicLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("old"), 0o600)
	if err := WriteFileAtomic(p, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if b, _ := os.ReadFile(p); string(b) != "new" || len(entries) != 1 {
		t.Fatalf("%q %v", b, entries)
	}
}
