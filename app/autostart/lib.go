//go:build darwin || (windows && cgo)

package autostart

import (
	"encoding/xml"
	"runtime"
	"strings"

	goautostart "github.com/emersion/go-autostart"
)

// app is Cairn's entry for go-autostart: a LaunchAgent labelled with the
// app's ID on macOS (~/Library/LaunchAgents/org.cairnbackup.cairn.plist), a
// shortcut named Cairn.lnk in the Startup folder on Windows.
func app(command []string) *goautostart.App {
	name := DisplayName
	if runtime.GOOS == "darwin" {
		name = "org.cairnbackup.cairn"
		// go-autostart writes the property list with text/template, which
		// does not escape XML: a path with & or < would break it.
		escaped := make([]string, len(command))
		for i, arg := range command {
			var b strings.Builder
			xml.EscapeText(&b, []byte(arg))
			escaped[i] = b.String()
		}
		command = escaped
	}
	return &goautostart.App{Name: name, DisplayName: DisplayName, Exec: command}
}

func enable(command []string) error { return app(command).Enable() }

func disable() error { return app(nil).Disable() }

func enabled() bool { return app(nil).IsEnabled() }
