package replace

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/ui/words"
)

// problem says what went wrong and what to do, in words.
func problem(err error) string {
	switch {
	case errors.Is(err, device.ErrNotTrusted):
		return lang.L("You did not trust the server's certificate, so nothing was changed. Ask your IT department for the server's fingerprint and type it in.")
	case errors.Is(err, remote.ErrSessionOver):
		return lang.L("The sign-in has expired: it lasts 10 minutes. Go back and sign in again.")
	case errors.Is(err, remote.ErrReplaceNotOffered):
		return lang.L("This server cannot replace a computer through your organisation's sign-in. Ask your IT department to update it, or sign in with a user name and password.")
	}
	return words.Error(err)
}

// uniqueName is base, or base with a number when a destination has that
// name already, within the engine's 64 bytes.
func uniqueName(base string, c config.Config) string {
	base = strings.TrimSpace(base)
	if base == "" {
		base = lang.L("Old computer")
	}
	for len(base) > 60 {
		_, size := lastRune(base)
		base = base[:len(base)-size]
	}
	taken := map[string]bool{}
	for _, d := range c.Destinations {
		taken[d.Name] = true
	}
	name := base
	for n := 2; taken[name]; n++ {
		name = fmt.Sprintf("%s (%d)", base, n)
	}
	return name
}

func lastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i]&0xC0 != 0x80 {
			return rune(s[i]), len(s) - i
		}
	}
	return 0, 1
}

// folderName names the adopted folder's destination after the folder, or
// the drive when the folder has a generic name ("/media/ana/Backup
// drive/Cairn" is "Backup drive").
func folderName(p string) string {
	p = filepath.Clean(p)
	base := filepath.Base(p)
	switch strings.ToLower(base) {
	case "cairn", "backup", "backups":
		base = filepath.Base(filepath.Dir(p))
	}
	if base == "." || base == string(filepath.Separator) || strings.HasSuffix(base, ":\\") {
		return lang.L("Backup drive")
	}
	return base
}

// oldName is the old computer's name, or words for it when its backup
// does not say.
func oldName(st config.ReplaceState) string {
	if st.OldDevice != "" {
		return st.OldDevice
	}
	return lang.L("the old computer")
}

// osName is a system's name as people know it.
func osName(goos string) string {
	switch goos {
	case "darwin":
		return "macOS"
	case "windows":
		return "Windows"
	case "linux":
		return "Linux"
	case "freebsd":
		return "FreeBSD"
	case "":
		return lang.L("an unknown system")
	}
	return goos
}

// shownPath is an archive path as people of its system write it:
// "/C:/Users/ana" is "C:\Users\ana".
func shownPath(p string) string {
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		return strings.ReplaceAll(p[1:], "/", `\`)
	}
	return p
}

// baseName is the last part of an archive path ("/" for the root).
func baseName(p string) string {
	if b := path.Base(p); b != "/" && b != "." {
		return b
	}
	return shownPath(p)
}
