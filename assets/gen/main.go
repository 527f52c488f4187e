// Command gen draws Cairn's icons: the app icon and one tray icon per state,
// for light and dark panels. Run `go run ./assets/gen` from the repository
// root after changing it; the PNGs are checked in.
//
// A cairn is a pile of stones that marks a path; the icon is three stones,
// the colour of the top one saying the state.
package main

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
)

type stone struct{ cx, cy, rx, ry float64 }

// stones on a 1×1 canvas, bottom to top.
var stones = []stone{
	{0.50, 0.80, 0.40, 0.13},
	{0.50, 0.55, 0.29, 0.11},
	{0.50, 0.33, 0.18, 0.09},
}

type state struct {
	name string
	top  color.NRGBA
}

var states = []state{
	{"idle", color.NRGBA{0x2e, 0xa0, 0x43, 0xff}},      // green: safe
	{"backup", color.NRGBA{0x1f, 0x6f, 0xeb, 0xff}},    // blue: working
	{"paused", color.NRGBA{0x8b, 0x94, 0x9e, 0xff}},    // grey
	{"offline", color.NRGBA{0xd2, 0x99, 0x22, 0xff}},   // amber: waiting
	{"attention", color.NRGBA{0xcf, 0x22, 0x2e, 0xff}}, // red: needs you
}

func draw(size int, base, top color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4 // supersampling for smooth edges
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var hits [3]int
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					px := (float64(x) + (float64(sx)+0.5)/ss) / float64(size)
					py := (float64(y) + (float64(sy)+0.5)/ss) / float64(size)
					for i, s := range stones {
						dx, dy := (px-s.cx)/s.rx, (py-s.cy)/s.ry
						if dx*dx+dy*dy <= 1 {
							hits[i]++
							break
						}
					}
				}
			}
			var r, g, b, a float64
			for i, h := range hits {
				if h == 0 {
					continue
				}
				c := base
				if i == len(stones)-1 {
					c = top
				}
				w := float64(h) / (ss * ss)
				r += float64(c.R) * w
				g += float64(c.G) * w
				b += float64(c.B) * w
				a += w
			}
			if a > 0 {
				img.SetNRGBA(x, y, color.NRGBA{uint8(r / a), uint8(g / a), uint8(b / a), uint8(math.Round(math.Min(a, 1) * 255))})
			}
		}
	}
	return img
}

func save(path string, img image.Image) {
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		panic(err)
	}
}

func main() {
	dir := "assets"
	dark := color.NRGBA{0x3a, 0x3f, 0x45, 0xff}  // stones on a light panel
	light := color.NRGBA{0xd0, 0xd7, 0xde, 0xff} // stones on a dark panel
	save(filepath.Join(dir, "icon.png"), draw(512, color.NRGBA{0x57, 0x60, 0x6a, 0xff}, states[0].top))
	for _, s := range states {
		save(filepath.Join(dir, "tray-"+s.name+"-light.png"), draw(64, dark, s.top))
		save(filepath.Join(dir, "tray-"+s.name+"-dark.png"), draw(64, light, s.top))
	}
}
