package device

import (
	"fmt"
	"path"
	"strings"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/selection"
)

// Cairn's own files in a home folder, by system: where Cairn keeps its
// configuration, index and keys (os.UserConfigDir()/cairn, the default
// Cairn folder), what Fyne keeps for the app (preferences, caches), and the
// entry that starts Cairn at login (app/autostart). They are never brought
// over from an old computer: they describe that computer's Cairn (its
// folder, its destinations, its signed-out device), and laid over the
// running Cairn's they would start the old installation at login or
// replace this one's settings. The Windows Run key is in the registry, not
// in a file, and so never in an archive.
var ownFilePatterns = map[string][]string{
	"linux": {
		"~/.config/cairn",
		"~/.cache/cairn",
		"~/.local/share/cairn",
		"~/.local/state/cairn",
		"~/.config/fyne/org.cairnbackup.cairn",
		"~/.cache/fyne/org.cairnbackup.cairn",
		"~/.config/autostart/org.cairnbackup.cairn.desktop",
		"~/.config/autostart/cairn*.desktop", // the entry's earlier names
	},
	"darwin": {
		"~/Library/Application Support/cairn",
		"~/Library/Caches/cairn",
		"~/Library/Caches/org.cairnbackup.cairn",
		"~/Library/Preferences/fyne/org.cairnbackup.cairn",
		"~/Library/Caches/fyne/org.cairnbackup.cairn",
		"~/Library/Preferences/org.cairnbackup.cairn.plist",
		"~/Library/Saved Application State/org.cairnbackup.cairn.savedState",
		"~/Library/LaunchAgents/org.cairnbackup.cairn.plist",
	},
	"windows": {
		"~/AppData/Roaming/cairn",
		"~/AppData/Local/cairn",
		"~/AppData/Roaming/fyne/org.cairnbackup.cairn",
		"~/AppData/Local/fyne/org.cairnbackup.cairn",
		"~/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup/Cairn.lnk",
	},
}

// ownFiles recognises Cairn's own files on one computer. A nil ownFiles
// recognises nothing.
type ownFiles struct {
	m *selection.Matcher
}

// newOwnFiles returns the recogniser for a computer running goos ("" when
// not known: every system's places are Cairn's) with the home folder home
// and, when known, the Cairn folders cairnHomes (all in archive form; ""
// for one not known).
func newOwnFiles(goos, home string, cairnHomes ...string) (*ownFiles, error) {
	var patterns []string
	fold := selection.IsCaseInsensitive(goos)
	if strings.HasPrefix(home, "/") {
		systems := []string{goos}
		if _, ok := ownFilePatterns[goos]; !ok {
			systems, fold = []string{"linux", "darwin", "windows"}, goos == ""
		}
		for _, s := range systems {
			patterns = append(patterns, ownFilePatterns[s]...)
		}
	}
	for _, h := range cairnHomes {
		if strings.HasPrefix(h, "/") && path.Clean(h) != "/" {
			patterns = append(patterns, selection.Escape(path.Clean(h)))
		}
	}
	m, err := selection.Compile(patterns, selection.Options{CaseInsensitive: fold, Home: home})
	if err != nil {
		return nil, fmt.Errorf("list Cairn's own files in %s: %w", home, err)
	}
	return &ownFiles{m: m}, nil
}

// has says whether p (archive form) is one of Cairn's own files or inside
// one of its folders.
func (o *ownFiles) has(p string) bool {
	if o == nil || o.m == nil || p == "" {
		return false
	}
	for q, isDir := path.Clean(p), false; ; q, isDir = path.Dir(q), true {
		if o.m.Excluded(q, isDir) {
			return true
		}
		if q == "/" || q == "." {
			return false
		}
	}
}

// ownFilesSkip returns the transfer's filter: it leaves out the old
// computer's Cairn files (where its profile or its system puts them), and
// anything that would land on this computer's (its Cairn folder, its
// autostart entry), wherever the transfer puts files.
func (d *Device) ownFilesSkip(st *config.ReplaceState, p Profile) (func(string) bool, error) {
	oldOS := st.OldOS
	if oldOS == "" {
		oldOS = p.OS
	}
	old, err := newOwnFiles(oldOS, st.OldHome, p.Cairn)
	if err != nil {
		return nil, err
	}
	here, err := newOwnFiles(d.goos, toSlash(d.userDir), toSlash(d.home))
	if err != nil {
		return nil, err
	}
	return func(ap string) bool { return old.has(ap) || here.has(transferTarget(st, toSlash(d.userDir), ap)) }, nil
}

// transferTarget is where the transfer writes archive path p, in archive
// form: into the chosen folder, or to its place moved from the old home
// folder to newHome.
func transferTarget(st *config.ReplaceState, newHome, p string) string {
	if st.FilesTo == "" {
		return rebasePath(p, st.OldHome, newHome)
	}
	to := toSlash(st.FilesTo)
	for _, src := range st.Files {
		src = path.Clean(src)
		if src == "/" {
			return strings.TrimSuffix(to, "/") + p
		}
		if p == src || strings.HasPrefix(p, strings.TrimSuffix(src, "/")+"/") {
			return strings.TrimSuffix(to, "/") + "/" + path.Base(src) + p[len(src):]
		}
	}
	return p
}
