package device

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// FullDiskAccessURL opens the Full Disk Access list in macOS's System
// Settings (Privacy & Security), where the person allows Cairn.
const FullDiskAccessURL = "x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles"

// tccProbes are folders of the home that macOS's privacy protection (TCC)
// keeps from programs without Full Disk Access: listing them fails with
// EPERM though they exist. Mail, Safari and Messages have them on every
// Mac that used those apps.
var tccProbes = []string{"Library/Mail", "Library/Safari", "Library/Messages"}

// FullDiskAccessMissing reports whether Cairn lacks macOS Full Disk Access,
// so Mail, Messages, Safari and Photos cannot be read (always false on
// other systems). It lists a few folders: call it off the UI thread.
func (d *Device) FullDiskAccessMissing() bool {
	return fullDiskAccessMissing(d.goos, d.userDir, listOne)
}

// fullDiskAccessMissing decides from probes of the protected folders in
// home: access is missing when one of them exists and cannot be listed for
// want of permission. A folder that is not there says nothing (the app was
// never used); any other error says nothing either. Only macOS has TCC.
func fullDiskAccessMissing(goos, home string, list func(dir string) error) bool {
	if goos != "darwin" || home == "" {
		return false
	}
	for _, p := range tccProbes {
		if err := list(filepath.Join(home, filepath.FromSlash(p))); errors.Is(err, fs.ErrPermission) {
			return true
		}
	}
	return false
}

// listOne reads one name of the folder dir: TCC refuses the listing
// (EPERM), not the stat.
func listOne(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	return err
}
