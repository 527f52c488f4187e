package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/ui/words"
)

// Screen is what every screen package's Screen provides.
type Screen interface {
	Object() fyne.CanvasObject
	// Shown is called each time the screen comes into view.
	Shown()
}

// Page is one entry of the window's sidebar.
type Page struct {
	ID     string // "home", "getfiles", "managefiles", "settings"
	Title  string // translated
	Icon   fyne.Resource
	Screen Screen
}

// Shell is the main window's content: a sidebar of pages, the service's
// state under it, and the current page.
type Shell struct {
	pages   []Page
	list    *widget.List
	content *fyne.Container
	state   *widget.Label
	current int
	cancel  func()
	root    fyne.CanvasObject
}

// NewShell builds the shell over pages (at least one) and follows src's
// state until Stop.
func NewShell(pages []Page, src StateSource) *Shell {
	s := &Shell{pages: pages, content: container.NewStack(), current: -1}
	s.list = widget.NewList(
		func() int { return len(s.pages) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(nil), widget.NewLabel(s.longestTitle())) // sizes the sidebar
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Icon).SetResource(s.pages[id].Icon)
			row.Objects[1].(*widget.Label).SetText(s.pages[id].Title)
		})
	s.list.OnSelected = func(id widget.ListItemID) { s.show(id) }
	s.state = widget.NewLabel("")
	s.state.Wrapping = fyne.TextWrapWord
	s.state.SizeName = theme.SizeNameCaptionText
	side := container.NewBorder(nil, s.state, nil, nil, s.list)
	split := container.NewHSplit(side, s.content)
	split.Offset = 0.22
	s.root = split
	if src != nil {
		s.cancel = src.Subscribe(func(st service.State) {
			text := words.State(st, time.Now())
			fyne.Do(func() { s.state.SetText(text) })
		})
	}
	s.list.Select(0)
	return s
}

// Object is the shell's widget tree.
func (s *Shell) Object() fyne.CanvasObject { return s.root }

// Show brings the page with this ID into view.
func (s *Shell) Show(id string) {
	for i, p := range s.pages {
		if p.ID == id {
			s.list.Select(i) // calls show through OnSelected
			return
		}
	}
}

// Current is the ID of the page in view.
func (s *Shell) Current() string { return s.pages[s.current].ID }

// Stop stops following the service.
func (s *Shell) Stop() {
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *Shell) show(i int) {
	if i == s.current {
		return
	}
	s.current = i
	p := s.pages[i]
	s.content.Objects = []fyne.CanvasObject{p.Screen.Object()}
	s.content.Refresh()
	p.Screen.Shown()
}

// longestTitle is the longest page title, in the language shown: the
// sidebar is as wide as it needs.
func (s *Shell) longestTitle() string {
	longest := ""
	for _, p := range s.pages {
		if len([]rune(p.Title)) > len([]rune(longest)) {
			longest = p.Title
		}
	}
	return longest
}
