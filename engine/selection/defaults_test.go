package selection

import (
	"slices"
	"testing"
)

// homes are the home folders the defaults are tested with, per system.
var homes = map[string]string{
	"linux":   "/home/ana",
	"darwin":  "/Users/ana",
	"windows": "/C:/Users/ana",
}

func defaultMatcher(tb testing.TB, goos string) *Matcher {
	tb.Helper()
	home := homes[goos]
	opts := Options{CaseInsensitive: IsCaseInsensitive(goos), Home: home}
	return mustCompile(tb, DefaultExclusions(goos, home), opts)
}

func TestDefaultsExclude(t *testing.T) {
	tests := map[string][]string{
		"linux": {
			"/home/ana/.cache/x", "/home/ana/Documents/a.tmp", "/home/ana/.local/share/Trash/files/a.txt",
			"/proc/1/status", "/sys/kernel", "/tmp/x", "/var/tmp/x", "/var/cache/apt/x.deb", "/media/ana/USB/a",
			"/home/ana/.mozilla/firefox/abc.default/cache2/entries/1", "/home/ana/.config/google-chrome/Default/Cache/x",
			"/home/ana/.config/Code/Code Cache/js/x", "/home/ana/.config/Slack/Cookies",
			"/home/ana/.mozilla/firefox/abc.default/cookies.sqlite", "/home/ana/.npm/_cacache/x",
			"/home/ana/go/pkg/mod/cache/download/x.zip", "/home/ana/snap/firefox/common/.cache/x",
			"/home/ana/.var/app/org.gimp.GIMP/cache/x", "/home/ana/VMs/win.vdi", "/home/ana/Documents/~$report.docx",
			"/home/ana/x/_NoBackup/y", "/home/ana/Downloads/big.iso.part", "/media/usb/.Trash-1000/files/x",
			"/home/ana/.local/share/containers/storage/overlay/l/x",
		},
		"darwin": {
			"/Users/ana/Library/Caches/y", "/Users/ana/.Trash/x", "/System/Library/x", "/private/var/vm/sleepimage",
			"/Volumes/Backup/x", "/.Spotlight-V100/x", "/Users/ana/Library/Containers/com.apple.Safari/Data/Library/Caches/x",
			"/Users/ana/Library/Logs/x.log", "/Users/ana/Desktop/.DS_Store", "/Users/ana/Downloads/x.dmg.download/x",
			"/Users/ana/Library/Application Support/Google/Chrome/Default/Cookies",
			"/Users/ana/Library/Developer/Xcode/DerivedData/App/x", "/Users/ana/library/caches/Y",
		},
		"windows": {
			"/C:/Users/ana/AppData/Local/Temp/x", "/C:/Windows/System32/x.dll", "/C:/pagefile.sys", "/D:/$RECYCLE.BIN/x",
			"/C:/System Volume Information/x", "/C:/Users/ana/AppData/Local/Microsoft/Windows/INetCache/x",
			"/C:/Users/ana/AppData/Local/Microsoft/Windows/Explorer/thumbcache_256.db",
			"/C:/Users/ana/AppData/Local/Google/Chrome/User Data/Default/Cache/Cache_Data/f_0001",
			"/C:/Users/ana/AppData/Local/Microsoft/Edge/User Data/Profile 1/Cache/x",
			"/C:/Users/ana/AppData/Local/Google/Chrome/User Data/Default/Network/Cookies",
			"/C:/Users/ana/AppData/Local/Packages/Microsoft.Windows.Photos_8wekyb3d8bbwe/AC/INetCache/x",
			"/C:/Users/ana/NTUSER.DAT", "/C:/Users/ana/ntuser.dat.LOG1", "/C:/Users/ana/Pictures/Thumbs.db",
			"/C:/Users/ana/Documents/Outlook Files/ana.ost", "/C:/Users/ana/Documents/~$Budget.xlsx",
			"/C:/Users/ana/AppData/Roaming/Slack/Cache/x",
		},
	}
	for goos, paths := range tests {
		s := Selection{Include: []string{"/"}, Defaults: DefaultExclusions(goos, homes[goos])}
		m := defaultMatcher(t, goos)
		for _, p := range paths {
			if s.Contains(p, m) {
				t.Errorf("%s: %q is not excluded", goos, p)
			}
		}
	}
}

func TestDefaultsKeep(t *testing.T) {
	tests := map[string][]string{
		"linux": {
			"/home/ana/Documents/report.odt", "/home/ana/Projects/app/main.go", "/home/ana/Documents/temperature.csv",
			"/home/ana/Pictures/2024/IMG_0001.JPG", "/home/ana/Mail/ana.pst", "/home/ana/.config/app/settings.json",
			"/home/ana/.local/share/containers/storage/volumes/db/_data/x", "/home/ana/Documents/Cache/recipes.txt",
			"/home/ana/Documents/Cookies/chocolate.md", "/home/ana/.docker/config.json", "/home/ana/Projects/app/node_modules/x.js",
			"/home/ana/Music/partita.flac", "/home/ana/Documents/tmp notes.txt", "/home/ana/Documents/template.docx",
			"/home/ana/.ssh/id_ed25519", "/home/ana/Videos/Temp/holiday.mp4",
		},
		"darwin": {
			"/Users/ana/Documents/report.pages", "/Users/ana/Pictures/Photos Library.photoslibrary/originals/A/x.heic",
			"/Users/ana/Library/Mobile Documents/com~apple~CloudDocs/a.txt", "/Users/ana/Library/Application Support/MobileSync/Backup/x",
			"/Users/ana/Library/Mail/V10/x.emlx", "/Users/ana/Music/Logic/song.logicx",
		},
		"windows": {
			"/C:/Users/ana/Documents/report.docx", "/C:/Users/ana/Desktop/notes.txt", "/C:/Users/ana/Documents/Outlook Files/ana.pst",
			"/C:/Users/ana/AppData/Roaming/Microsoft/Signatures/x.htm", "/C:/Users/ana/Pictures/Windows/wallpaper.jpg",
			"/D:/Photos/2024/a.jpg", "/C:/Users/ana/OneDrive/Documents/a.xlsx",
		},
	}
	for goos, paths := range tests {
		s := Selection{Include: []string{"/"}}
		m := defaultMatcher(t, goos)
		for _, p := range paths {
			if !s.Contains(p, m) {
				t.Errorf("%s: %q is excluded", goos, p)
			}
		}
	}
}

func TestDefaultsCompileAndAreDistinct(t *testing.T) {
	for goos := range homes {
		list := DefaultExclusions(goos, "")
		if len(list) < 20 {
			t.Errorf("%s: only %d defaults", goos, len(list))
		}
		if got := len(slices.Compact(slices.Sorted(slices.Values(list)))); got != len(list) {
			t.Errorf("%s: duplicate defaults", goos)
		}
		for _, p := range list {
			if _, err := Compile([]string{p}, Options{Home: homes[goos]}); err != nil {
				t.Errorf("%s: %v", goos, err)
			}
		}
	}
}

func TestDefaultsSpareHome(t *testing.T) {
	tests := []struct {
		goos, home, dropped string
	}{
		{"linux", "/tmp/live", "/tmp"},
		{"linux", "/mnt/home/ana", "/mnt"},
		{"darwin", "/Volumes/Home/ana", "/Volumes"},
	}
	for _, tt := range tests {
		list := DefaultExclusions(tt.goos, tt.home)
		if slices.Contains(list, tt.dropped) {
			t.Errorf("%s with home %s: %q kept", tt.goos, tt.home, tt.dropped)
		}
		if !slices.Contains(list, "~/.cache") && !slices.Contains(list, "~/Library/Caches") {
			t.Errorf("%s with home %s: home's own defaults dropped", tt.goos, tt.home)
		}
	}
	if !slices.Equal(DefaultExclusions("linux", "/home/ana"), DefaultExclusions("linux", "")) {
		t.Error("an ordinary home changed the list")
	}
}

func TestUnknownSystemGetsLinuxDefaults(t *testing.T) {
	if !slices.Equal(DefaultExclusions("freebsd", ""), DefaultExclusions("linux", "")) {
		t.Error("freebsd defaults differ from linux")
	}
}
