//go:build !windows && !darwin

package autostart

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// entryName is the autostart entry's file name: the same as the system-wide
// entry the Linux packages install in /etc/xdg/autostart, so that a
// person's own entry replaces it (XDG: a user entry of the same name wins)
// and Cairn is never started twice. legacyName is an earlier name, removed.
const (
	entryName  = "org.cairnbackup.cairn.desktop"
	legacyName = "cairn.desktop"
)

// userDir is $XDG_CONFIG_HOME/autostart, read at every call.
func userDir() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) { // the spec says to ignore a relative one
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart"), nil
}

func entryPath() (string, error) {
	dir, err := userDir()
	return filepath.Join(dir, entryName), err
}

// systemEntry is the package's system-wide entry ($XDG_CONFIG_DIRS, by
// default /etc/xdg), or "" when there is none.
func systemEntry() string {
	dirs := os.Getenv("XDG_CONFIG_DIRS")
	if dirs == "" {
		dirs = "/etc/xdg"
	}
	for _, d := range filepath.SplitList(dirs) {
		p := filepath.Join(d, "autostart", entryName)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// entry is the Desktop Entry that runs command. TryExec makes an entry
// left behind after Cairn was removed start nothing.
func entry(command []string) []byte {
	return []byte("[Desktop Entry]\n" +
		"Type=Application\n" +
		"Name=" + DisplayName + "\n" +
		"Comment=Continuous backup\n" +
		"TryExec=" + stringValue.Replace(command[0]) + "\n" +
		"Exec=" + execValue(command) + "\n" +
		"Terminal=false\n" +
		"X-GNOME-Autostart-enabled=true\n")
}

// hiddenEntry turns the system-wide entry off for this person.
var hiddenEntry = []byte("[Desktop Entry]\nType=Application\nName=" + DisplayName + "\nHidden=true\n")

func enable(command []string) error { return writeEntry(entry(command)) }

// disable removes this person's entry, and where the packages installed a
// system-wide one, hides it for this person.
func disable() error {
	if systemEntry() != "" {
		return writeEntry(hiddenEntry)
	}
	removeLegacy()
	path, err := entryPath()
	if err != nil {
		return err
	}
	return os.Remove(path)
}

func writeEntry(want []byte) error {
	removeLegacy()
	path, err := entryPath()
	if err != nil {
		return err
	}
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

func removeLegacy() {
	if dir, err := userDir(); err == nil {
		os.Remove(filepath.Join(dir, legacyName))
	}
}

// enabled reads the entry in force (this person's, else the system's): it
// is there, and the desktop's own settings (which write Hidden=true or
// X-GNOME-Autostart-enabled=false) did not turn it off.
func enabled() bool {
	path, err := entryPath()
	if err != nil {
		return false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if sys := systemEntry(); sys != "" {
			b, err = os.ReadFile(sys)
		}
		if err != nil {
			return false
		}
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
