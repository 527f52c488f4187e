package desktop

import "testing"

func TestInAppBundle(t *testing.T) {
	for exe, want := range map[string]bool{
		"/Applications/Cairn.app/Contents/MacOS/cairn":           true,
		"/Volumes/Cairn/Cairn.app/Contents/MacOS/cairn":          true,
		"/Users/ana/Applications/Cairn.app/Contents/MacOS/cairn": true,
		"/Users/ana/src/cairn/bin/cairn-desktop":                 false, // started from a terminal
		"/Applications/Cairn.app/Contents/Resources/cairn":       false,
		"/tmp/Contents/MacOS/cairn":                              false,
		"/usr/bin/cairn-desktop":                                 false,
	} {
		if got := inAppBundle(exe); got != want {
			t.Errorf("inAppBundle(%q) = %v, want %v", exe, got, want)
		}
	}
}
