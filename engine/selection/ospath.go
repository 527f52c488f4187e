package selection

import (
	"path"
	"strings"
)

// The archive's paths (see "Paths" in the package documentation) and the
// system's own differ only on Windows, where a path starts with a drive
// ("C:\Users\ana" is "/C:/Users/ana") or a network share
// ("\\server\share\x" is "/UNC/server/share/x", after Windows' own
// "\\?\UNC\" spelling). These two functions are the one place that converts;
// they take the system as a value, so the Windows rules are tested on
// every system.

// uncElement is the first element of the archive path of a network share.
const uncElement = "UNC"

// OSPath turns an archive path into goos's form. On Windows a drive alone
// is its root ("/C:" is `C:\`, not C:'s current folder), a share alone its
// root (`\\server\share\`), and "/" is the root of the current drive (the
// archive's "/" has every drive below it; no Windows path does). A path
// already in Windows' form is cleaned and returned in that form, and a
// relative one gets backslashes, so callers need not know which form they
// hold. Elsewhere the path is returned as it is. Windows' long-path prefix
// is not added: Go's os package adds it where a path needs it.
func OSPath(goos, p string) string {
	if goos != "windows" {
		return p
	}
	if a, ok := ArchivePath(goos, p); ok {
		p = a
	} else if !strings.HasPrefix(p, "/") {
		return strings.ReplaceAll(p, "/", `\`)
	}
	first, rest := splitFirst(p)
	switch {
	case isDrive(first):
		return first + `\` + backslashed(rest)
	case first == uncElement && rest != "":
		server, rest := splitFirst(rest)
		share, rest := splitFirst(rest)
		if share == "" {
			return `\\` + server
		}
		return `\\` + server + `\` + share + `\` + backslashed(rest)
	default:
		return `\` + backslashed(p)
	}
}

// ArchivePath turns an absolute path in goos's form into the archive's,
// cleaned ("." and ".." resolved, doubled separators and trailing ones
// removed). ok is false for a path that is not absolute, which the caller
// resolves against the current folder first. On Windows both "\" and "/"
// separate; a drive alone ("C:", "c:\") is the drive's root; the drive
// letter is upper-cased, so "c:\x" and "C:\x" are one file's one history;
// the long-path forms `\\?\C:\x` and `\\?\UNC\server\share\x` are the same
// as `C:\x` and `\\server\share\x`; a path already in the archive's form
// ("/C:/x") is accepted as it is. Rooted paths without a drive (`\x`),
// drive-relative ones ("C:x") and device paths other than drives and
// shares (`\\?\Volume{…}\x`) are not absolute here.
func ArchivePath(goos, p string) (string, bool) {
	if goos != "windows" {
		if !strings.HasPrefix(p, "/") {
			return "", false
		}
		return path.Clean(p), true
	}
	return windowsArchivePath(strings.ReplaceAll(p, `\`, "/"))
}

// windowsArchivePath converts a Windows path whose separators are already
// "/".
func windowsArchivePath(p string) (string, bool) {
	for _, long := range []string{"//?/", "//./"} {
		if rest, ok := strings.CutPrefix(p, long); ok {
			if share, ok := cutFold(rest, uncElement+"/"); ok {
				return uncArchivePath(share)
			}
			return drivePath(rest)
		}
	}
	if share, ok := strings.CutPrefix(p, "//"); ok {
		return uncArchivePath(share)
	}
	if len(p) >= 3 && p[0] == '/' && isDrive(p[1:3]) && (len(p) == 3 || p[3] == '/') {
		return drivePath(p[1:]) // already the archive's form
	}
	return drivePath(p)
}

// drivePath converts "C:", "C:/" or "C:/x/y".
func drivePath(p string) (string, bool) {
	if len(p) < 2 || !isDrive(p[:2]) || (len(p) > 2 && p[2] != '/') {
		return "", false
	}
	return rootJoin("/"+strings.ToUpper(p[:1])+":", p[2:]), true
}

// uncArchivePath converts "server/share/x" (what follows `\\`).
func uncArchivePath(p string) (string, bool) {
	server, rest := splitFirst(p)
	share, rest := splitFirst(rest)
	if server == "" || share == "" || server == "." || server == ".." || share == "." || share == ".." {
		return "", false
	}
	return rootJoin("/"+uncElement+"/"+server+"/"+share, rest), true
}

// rootJoin appends the cleaned rest to the root of a drive or share; ".."
// never climbs above that root.
func rootJoin(root, rest string) string {
	if c := path.Clean("/" + rest); c != "/" {
		return root + c
	}
	return root
}

// isDrive reports whether s is a drive: one ASCII letter and a colon.
func isDrive(s string) bool {
	if len(s) != 2 || s[1] != ':' {
		return false
	}
	c := s[0] | 0x20 // lower case
	return c >= 'a' && c <= 'z'
}

// splitFirst splits "a/b/c" into "a" and "b/c", skipping empty elements.
func splitFirst(p string) (first, rest string) {
	p = strings.TrimLeft(p, "/")
	first, rest, _ = strings.Cut(p, "/")
	return first, strings.TrimLeft(rest, "/")
}

func backslashed(p string) string { return strings.ReplaceAll(strings.Trim(p, "/"), "/", `\`) }

// cutFold is strings.CutPrefix ignoring ASCII case ("unc/" is "UNC/").
func cutFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}
