package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// labelScreen is a screen that counts how often it was shown.
type labelScreen struct {
	label *widget.Label
	shown int
}

func (l *labelScreen) Object() fyne.CanvasObject { return l.label }
func (l *labelScreen) Shown()                    { l.shown++ }

func TestShellNavigatesAndShowsTheState(t *testing.T) {
	test.NewTempApp(t)
	a := uitest.NewDevice(t)
	svc := service.New(a.Dev)
	home, files := &labelScreen{label: widget.NewLabel("home page")}, &labelScreen{label: widget.NewLabel("files page")}
	s := NewShell([]Page{
		{ID: "home", Title: "Home", Icon: theme.HomeIcon(), Screen: home},
		{ID: "getfiles", Title: "Get Files", Icon: theme.DownloadIcon(), Screen: files},
	}, svc)
	defer s.Stop()
	w := test.NewTempWindow(t, s.Object())
	w.Resize(uitest.Size)
	if s.Current() != "home" || home.shown != 1 || files.shown != 0 {
		t.Fatalf("at start: %s, shown %d %d", s.Current(), home.shown, files.shown)
	}
	s.Show("getfiles")
	if s.Current() != "getfiles" || files.shown != 1 || !files.label.Visible() {
		t.Fatalf("after Show: %s, shown %d", s.Current(), files.shown)
	}
	s.Show("getfiles") // already there: not re-shown
	if files.shown != 1 {
		t.Fatal("shown again while in view")
	}
	if !strings.Contains(s.state.Text, "Waiting for the first backup") && !strings.Contains(s.state.Text, "Not set up") {
		t.Fatalf("state line %q", s.state.Text)
	}
}
