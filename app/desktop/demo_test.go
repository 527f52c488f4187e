//go:build gui

package desktop

import (
	"os"
	"path/filepath"
)

// The demo home folder is a believable person's: documents, photos and a
// thesis, for the tour's pictures.

var demoFiles = map[string]string{
	"Documents/Thesis/chapter1-introduction.tex": "\\chapter{Introduction}\nWhy backups fail people.\n",
	"Documents/Thesis/chapter2-method.tex":       "\\chapter{Method}\nWe asked 200 people.\n",
	"Documents/Thesis/references.bib":            "@book{restic, title={restic}}\n",
	"Documents/Budget 2026.ods":                  "numbers",
	"Documents/Letters/landlord.odt":             "Dear landlord,",
	"Documents/Letters/bank.pdf":                 "%PDF-1.7",
	"Pictures/Holiday/beach.jpg":                 "jpeg bytes",
	"Pictures/Holiday/mountains.jpg":             "jpeg bytes, other",
	"Pictures/cat.png":                           "png bytes",
	"Music/playlist.m3u":                         "one.mp3\ntwo.mp3\n",
	"Desktop/todo.txt":                           "renew passport\n",
	"Downloads/installer.deb":                    "a package",
	".cache/thumbnails/large/a.png":              "a cache, excluded by default",
	".config/app/settings.ini":                   "[app]\n",
}

// newDemoHome writes the demo files into a new home folder under root.
func newDemoHome(root, user string) (string, error) {
	home := filepath.Join(root, "home", user)
	for rel, data := range demoFiles {
		p := filepath.Join(home, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			return "", err
		}
	}
	big := make([]byte, 3<<20) // a picture of some size, so sizes read like sizes
	for i := range big {
		big[i] = byte(i * 7919 >> 3)
	}
	return home, os.WriteFile(filepath.Join(home, "Pictures", "Holiday", "panorama.tiff"), big, 0o644)
}
