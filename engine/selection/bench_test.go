package selection

import "testing"

// benchPaths are what a walker meets in a home folder: mostly ordinary files
// and folders, some of them excluded.
var benchPaths = map[string][]string{
	"linux": {
		"/home/ana/Documents/report.odt",
		"/home/ana/Documents/Taxes/2024/receipts/scan-0042.pdf",
		"/home/ana/Projects/app/internal/server/handler.go",
		"/home/ana/Projects/app/node_modules/lodash/package.json",
		"/home/ana/Pictures/2024/Holiday in Portugal/IMG_20240712_101500.jpg",
		"/home/ana/.config/Code/User/settings.json",
		"/home/ana/.config/Code/Cache",
		"/home/ana/.mozilla/firefox/x1y2z3.default-release/places.sqlite",
		"/home/ana/Documents/draft.tmp",
		"/home/ana/.cache",
	},
	"windows": {
		"/C:/Users/ana/Documents/Report.docx",
		"/C:/Users/ana/Documents/Taxes/2024/Receipts/Scan-0042.pdf",
		"/C:/Users/ana/Source/App/Internal/Server/Handler.cs",
		"/C:/Users/ana/Pictures/2024/Holiday in Portugal/IMG_20240712_101500.JPG",
		"/C:/Users/ana/AppData/Roaming/Microsoft/Word/Settings.xml",
		"/C:/Users/ana/AppData/Local/Google/Chrome/User Data/Default/History",
		"/C:/Users/ana/AppData/Local/Google/Chrome/User Data/Default/Cache",
		"/C:/Users/ana/AppData/Local/Temp",
		"/C:/Users/ana/Documents/~$Report.docx",
		"/C:/Users/ana/Desktop/desktop.ini",
	},
}

func BenchmarkExcluded(b *testing.B) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		paths := benchPaths[goos]
		if paths == nil {
			paths = darwinPaths(benchPaths["linux"])
		}
		m := defaultMatcher(b, goos)
		b.Run(goos, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				m.Excluded(paths[i%len(paths)], i%3 == 0)
			}
		})
	}
}

// darwinPaths moves Linux paths into /Users.
func darwinPaths(linux []string) []string {
	out := make([]string, len(linux))
	for i, p := range linux {
		out[i] = "/Users" + p[len("/home"):]
	}
	return out
}
