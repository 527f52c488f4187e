package main

import (
	"os"
	"path/filepath"
)

// defaultHome is Cairn's folder when neither --home nor CAIRN_HOME names
// one, given the user's configuration folder (os.UserConfigDir) and local
// application-data folder (os.UserCacheDir; "" when not known); "" when
// there is none.
//
// On Linux and macOS it is the configuration folder's cairn
// (~/.config/cairn, ~/Library/Application Support/cairn). On Windows the
// configuration folder is the roaming profile (%APPDATA%), which
// organisations with roaming profiles copy to a server at every sign-out:
// no place for an index and a queue of up to 5 GiB. There Cairn keeps its
// folder in the local profile, %LOCALAPPDATA%\cairn. A Cairn set up
// before, with its folder in %APPDATA%\cairn, keeps using that one: moving
// a person's index, queue and keys is a migration to offer them, not
// something to do silently at a start.
func defaultHome(goos, configDir, localDir string, isDir func(string) bool) string {
	roaming := ""
	if configDir != "" {
		roaming = filepath.Join(configDir, "cairn")
	}
	if goos != "windows" || localDir == "" || roaming != "" && isDir(roaming) {
		return roaming
	}
	return filepath.Join(localDir, "cairn")
}

// isDir says whether p is a folder.
func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
