//go:build darwin

package desktop

import (
	"os"

	"github.com/go-gl/glfw/v3.3/glfw"
)

// init runs before Fyne starts GLFW (glfw.Init, in the app's Run): see
// menubar.go.
func init() {
	if exe, err := os.Executable(); err == nil && inAppBundle(exe) {
		glfw.InitHint(glfw.CocoaMenubar, glfw.False)
	}
}
