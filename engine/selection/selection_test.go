package selection

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestRoots(t *testing.T) {
	tests := []struct {
		name    string
		include []string
		want    []string
	}{
		{"none", nil, nil},
		{"cleaned", []string{"/home/ana/Documents/", "/home/ana//Pictures/./x/.."}, []string{"/home/ana/Documents", "/home/ana/Pictures"}},
		{"duplicates", []string{"/home/ana", "/home/ana/", "/home/ana"}, []string{"/home/ana"}},
		{"nested dropped", []string{"/home/ana/Documents/Taxes", "/home/ana", "/home/ana/Documents"}, []string{"/home/ana"}},
		{"sibling with a common prefix kept", []string{"/home/ana", "/home/ana2", "/home/ana 2"}, []string{"/home/ana", "/home/ana 2", "/home/ana2"}},
		{"root takes all", []string{"/home", "/", "/C:/Users"}, []string{"/"}},
		{"files", []string{"/etc/fstab", "/etc/fstab/", "/etc/hosts"}, []string{"/etc/fstab", "/etc/hosts"}},
		{"windows drives", []string{"/D:/Photos", "/C:/Users/ana", "/C:/Users/ana/Desktop"}, []string{"/C:/Users/ana", "/D:/Photos"}},
		{"relative and empty dropped", []string{"", "Documents", "./x", "/srv"}, []string{"/srv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Selection{Include: tt.include}.Roots()
			if !slices.Equal(got, tt.want) {
				t.Errorf("Roots() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestContains(t *testing.T) {
	s := Selection{
		Include:  []string{"/home/ana", "/mnt/photos", "/tmp/keep.txt"},
		Exclude:  []string{"~/Downloads", "*.iso", "build/"},
		Defaults: DefaultExclusions("linux", "/home/ana"),
	}
	m, err := s.Matcher("linux", "/home/ana")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path  string
		isDir bool
		want  bool
	}{
		{"/home/ana", true, true},
		{"/home/ana/Documents/report.odt", false, true},
		{"/home/ana/Documents/", true, true},
		{"/home/ana/Downloads/film.mkv", false, false},
		{"/home/ana/Downloads", true, false},
		{"/home/ana/Documents/a.iso", false, false},
		{"/home/ana/app/build/out/x.o", false, false},
		{"/home/ana/app/build", false, true}, // a file named build
		{"/home/ana/app/build", true, false},
		{"/home/ana/.cache/x", false, false},
		{"/home/ana/.cache/a/b/c", true, false},
		{"/home/anabel/x", false, false}, // not below a root
		{"/etc/passwd", false, false},
		{"/mnt/photos/2024/a.jpg", false, true}, // /mnt is excluded, but above the root
		{"/mnt/other/a.jpg", false, false},
		{"/tmp/keep.txt", false, true},
		{"/tmp/other.txt", false, false},
		{"relative/path", false, false},
		{"/home/ana/Documents/../Downloads/x", false, false},
	}
	for _, tt := range tests {
		contains := s.Contains
		if tt.isDir {
			contains = s.ContainsDir
		}
		if got := contains(tt.path, m); got != tt.want {
			t.Errorf("Contains(%q, dir %v) = %v, want %v", tt.path, tt.isDir, got, tt.want)
		}
	}
}

func TestContainsRootItselfExcluded(t *testing.T) {
	s := Selection{Include: []string{"/home/ana/.cache"}, Exclude: []string{"~/.cache"}}
	m, err := s.Matcher("linux", "/home/ana")
	if err != nil {
		t.Fatal(err)
	}
	if s.Contains("/home/ana/.cache/x", m) {
		t.Error("exclusions win over the root itself")
	}
}

func TestContainsCaseInsensitive(t *testing.T) {
	s := Selection{Include: []string{"/C:/Users/ana"}, Defaults: DefaultExclusions("windows", "/C:/Users/ana")}
	m, err := s.Matcher("windows", "/C:/Users/ana")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]bool{
		"/c:/users/ana/Documents/a.docx":         true,
		"/C:/USERS/ANA/appdata/local/temp/x.txt": false,
		"/C:/Users/ana/AppData/Local/Temp/x":     false,
		"/C:/Users/bob/Documents/a.docx":         false,
	}
	for p, want := range tests {
		if got := s.Contains(p, m); got != want {
			t.Errorf("Contains(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestContainsNilMatcher(t *testing.T) {
	s := Selection{Include: []string{"/"}}
	if !s.Contains("/proc/1/status", nil) {
		t.Error("with no matcher, everything below a root is contained")
	}
}

func TestSelectionJSON(t *testing.T) {
	in := Selection{Include: []string{"/home/ana"}, Exclude: []string{"*.iso"}, Defaults: []string{"~/.cache"}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"include":["/home/ana"],"exclude":["*.iso"],"defaults":["~/.cache"]}`
	if string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	var out Selection
	if err := json.Unmarshal(b, &out); err != nil || !slices.Equal(out.Defaults, in.Defaults) {
		t.Errorf("round trip = %+v, %v", out, err)
	}
}

func TestMatcherReportsBadPattern(t *testing.T) {
	s := Selection{Exclude: []string{"[oops"}}
	if _, err := s.Matcher("linux", "/home/ana"); err == nil {
		t.Error("Matcher accepted a bad pattern")
	}
}
