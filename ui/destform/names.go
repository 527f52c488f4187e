package destform

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/cairnbackup/cairn/engine/config"
)

// maxName is the engine's limit on a destination's name.
const maxName = 64

// nameForFolder names a destination after its folder: the folder's name,
// or the drive's when the folder has a generic name ("/media/ana/Backup
// drive/Cairn" is "Backup drive").
func nameForFolder(path string) string {
	p := filepath.Clean(strings.TrimSpace(path))
	base := filepath.Base(p)
	if generic(base) {
		base = filepath.Base(filepath.Dir(p))
	}
	if generic(base) || base == "." || base == string(filepath.Separator) || strings.HasSuffix(base, ":\\") {
		return lang.L("Backup drive")
	}
	return base
}

func generic(name string) bool {
	switch strings.ToLower(name) {
	case "cairn", "backup", "backups":
		return true
	}
	return false
}

// uniqueName is base, or base with a number when a destination has that
// name already, cut to the engine's limit.
func uniqueName(base string, c config.Config) string {
	base = cut(base, maxName-4)
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

// cut shortens s to at most n bytes without splitting a character.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
