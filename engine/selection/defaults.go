package selection

import "path"

// DefaultExclusions returns the default exclusion patterns for goos ("linux",
// "darwin", "windows"; any other is treated as "linux") as the user will see
// and edit them: with "~" for the home folder, unexpanded.
//
// home (in the matcher's path form, may be empty) guards the list: a default
// that would exclude home itself or a folder above it (a home folder under
// /tmp on a live system, under /Volumes on a Mac) is left out, since a
// backup of nothing is never what anybody wanted.
//
// The lists follow CrashPlan's published defaults, adapted: generous with
// caches, temporary files, trash, virtual machine disks and operating system
// folders, careful with anything a person may have made. Each entry says why
// it is there.
func DefaultExclusions(goos, home string) []string {
	var list []string
	list = append(list, commonDefaults...)
	switch goos {
	case "darwin":
		list = append(list, darwinDefaults...)
	case "windows":
		list = append(list, windowsDefaults...)
	default:
		list = append(list, linuxDefaults...)
	}
	if home == "" {
		return list
	}
	return sparingHome(list, goos, home)
}

// sparingHome returns the patterns of list that exclude neither home nor a
// folder above it.
func sparingHome(list []string, goos, home string) []string {
	opts := Options{CaseInsensitive: IsCaseInsensitive(goos), Home: home}
	var kept []string
	for _, p := range list {
		m, err := Compile([]string{p}, opts)
		if err == nil && !excludesFolderOrAbove(m, path.Clean(home)) {
			kept = append(kept, p)
		}
	}
	return kept
}

func excludesFolderOrAbove(m *Matcher, dir string) bool {
	for {
		if m.Excluded(dir, true) {
			return true
		}
		if dir == "/" || dir == "." {
			return false
		}
		dir = path.Dir(dir)
	}
}

// commonDefaults apply on every system.
var commonDefaults = []string{
	// Temporary files: programs write them and delete them.
	"*.tmp",
	"*.temp",
	// Partial downloads (Firefox, Internet Explorer and Edge, Chrome, Safari's
	// .download folders): incomplete copies; the finished file is kept.
	"*.part",
	"*.partial",
	"*.crdownload",
	"*.download",
	// Virtual machine disks and memory images: huge, rewritten in place while
	// the machine runs, so a copy is rarely consistent; back up inside the VM.
	"*.vmdk",
	"*.vmem",
	"*.vdi",
	"*.vhd",
	"*.vhdx",
	"*.avhdx",
	"*.qcow2",
	"*.hds",
	// Outlook's offline cache of a mailbox that lives on the server (.pst,
	// which holds mail that exists nowhere else, is kept).
	"*.ost",
	// Editor swap files (vim): copies of a buffer being edited.
	"*.swp",
	"*.swo",
	// Microsoft Office lock files ("~$report.docx"), present while a document is open.
	"~$*",
	// The user's own marker: anything named _NoBackup is left out, with its contents.
	"_NoBackup",
	// Thumbnail caches and Finder view settings, rebuilt on demand.
	"Thumbs.db",
	"ehthumbs.db",
	".DS_Store",
	// Firefox's cookie database (and its journal): session secrets, rewritten constantly.
	"cookies.sqlite*",
	// Package managers' download caches, fetched again on demand. The Go module
	// cache is all read-only downloads, verified by go.sum when fetched again.
	"~/.npm/_cacache",
	"~/go/pkg/mod",
	"~/.gradle/caches",
	"~/.cargo/registry",
}
