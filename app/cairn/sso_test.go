package main

import (
	"runtime"
	"slices"
	"testing"
)

// The program that opens the browser, per system; $BROWSER first.
func TestBrowserCommand(t *testing.T) {
	const a = "https://backup.example.org/sso/start?state=x"
	for _, tc := range []struct {
		goos, browser string
		want          []string
	}{
		{"linux", "", []string{"xdg-open", a}},
		{"freebsd", "", []string{"xdg-open", a}},
		{"darwin", "", []string{"open", a}},
		{"windows", "", []string{"rundll32", "url.dll,FileProtocolHandler", a}},
		{"linux", "firefox:chromium", []string{"firefox", a}},
		{"darwin", " /usr/bin/lynx ", []string{"/usr/bin/lynx", a}},
	} {
		name, args := browserCommand(tc.goos, tc.browser, a)
		if got := append([]string{name}, args...); !slices.Equal(got, tc.want) {
			t.Errorf("%s %q: %q, want %q", tc.goos, tc.browser, got, tc.want)
		}
	}
}

// A browser opens only where there is a graphical session, or $BROWSER.
func TestBrowserAvailable(t *testing.T) {
	vars := map[string]string{}
	e := &env{getenv: func(k string) string { return vars[k] }}
	if want := runtime.GOOS == "windows" || runtime.GOOS == "darwin"; browserAvailable(e) != want {
		t.Errorf("with no DISPLAY: %v", browserAvailable(e))
	}
	vars["WAYLAND_DISPLAY"] = "wayland-0"
	if !browserAvailable(e) {
		t.Error("a Wayland session has no browser")
	}
	delete(vars, "WAYLAND_DISPLAY")
	vars["BROWSER"] = "lynx"
	if !browserAvailable(e) {
		t.Error("$BROWSER is not used")
	}
}
