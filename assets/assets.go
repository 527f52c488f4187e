// Package assets holds Cairn's images: the app icon and the tray icons, one
// per state, for light and dark panels (drawn by assets/gen).
package assets

import "embed"

// Files are the images.
//
//go:embed *.png
var Files embed.FS
