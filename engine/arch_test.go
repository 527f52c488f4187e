package engine_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The engine never depends on UI code: the desktop app, the server and the
// command line all build on it, and the server builds without cgo or Fyne.
func TestEngineImportsNoUI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") || strings.HasPrefix(dep, "github.com/cairnbackup/cairn/ui") ||
			strings.HasPrefix(dep, "github.com/cairnbackup/cairn/app") {
			t.Errorf("engine depends on %s", dep)
		}
	}
}

// The parts a server needs build without cgo.
func TestStoreAndRepoBuildWithoutCgo(t *testing.T) {
	cmd := exec.Command("go", "build", "./repo", "./store/...", "./index/...", "./pack", "./compress")
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 build failed: %v\n%s", err, out)
	}
}
