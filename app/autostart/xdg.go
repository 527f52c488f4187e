//go:build !windows && !darwin

package autostart

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// entryName is the autostart entry's file name.
const entryName = "cairn.desktop"

// entryPath is $XDG_CONFIG_HOME/autostart/cairn.desktop, read at every call.
func entryPath() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) { // the spec says to ignore a relative one
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", entryName), nil
}

// entry is the Desktop Entry that runs command.
func entry(command []string) []byte {
	return []byte("[Desktop Entry]\n" +
		"Type=Application\n" +
		"Name=" + DisplayName + "\n" +
		"Comment=Continuous backup\n" +
		"Exec=" + execValue(command) + "\n" +
		"Terminal=false\n" +
		"X-GNOME-Autostart-enabled=true\n")
}

func enable(command []string) error {
	path, err := entryPath()
	if err != nil {
		return err
	}
	want := entry(command)
	if have, err := os.ReadFile(path); err == nil && bytes.Equal(have, want) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, want, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func disable() error {
	path, err := entryPath()
	if err != nil {
		return err
	}
	return os.Remove(path)
}

// enabled reads the entry: it is there, and the desktop's own settings
// (which write Hidden=true or X-GNOME-Autostart-enabled=false) did not turn
// it off.
func enabled() bool {
	path, err := entryPath()
	if err != nil {
		return false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	for line := range strings.Lines(string(b)) {
		switch strings.ReplaceAll(strings.TrimSpace(line), " ", "") {
		case "Hidden=true", "X-GNOME-Autostart-enabled=false":
			return false
		}
	}
	return true
}

// execValue is the Exec key's value for command, by the Desktop Entry
// Specification: an argument with a reserved character is put in double
// quotes, in which ", `, $ and \ take a backslash; % is doubled (it would
// start a field code); then the whole value is escaped as a string value,
// which doubles every backslash again.
func execValue(command []string) string {
	args := make([]string, len(command))
	for i, arg := range command {
		arg = strings.ReplaceAll(arg, "%", "%%")
		if arg == "" || strings.ContainsAny(arg, " \t\n\"'\\><~|&;$*?#()`") {
			arg = `"` + quoteInside.Replace(arg) + `"`
		}
		args[i] = arg
	}
	return stringValue.Replace(strings.Join(args, " "))
}

var (
	quoteInside = strings.NewReplacer(`"`, `\"`, "`", "\\`", `$`, `\$`, `\`, `\\`)
	stringValue = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`)
)
