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

// Leaver is a Screen that may hold work the person has not saved (Manage
// Files): before it goes out of view, or Cairn quits, Leave is asked, and
// calls proceed only once the person has saved or discarded it.
type Leaver interface {
	Leave(proceed func())
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
	leaving bool // the page in view said it may be left
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
		show := func(st service.State) {
			text := words.State(st, time.Now())
			fyne.Do(func() {
				if s.state.Text != text { // nothing is drawn again for nothing
					s.state.SetText(text)
				}
			})
		}
		unsubscribe := src.Subscribe(show)
		stopClock := words.EveryMinute(func() { show(src.State()) }) // the words follow the time of day
		s.cancel = func() { unsubscribe(); stopClock() }
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

// Leave asks the page in view whether it may be left (see Leaver), and
// calls proceed when it may: the app asks it before quitting.
func (s *Shell) Leave(proceed func()) {
	if l, ok := s.leaver(); ok {
		l.Leave(proceed)
		return
	}
	proceed()
}

// leaver is the page in view, if it is a Leaver.
func (s *Shell) leaver() (Leaver, bool) {
	if s.current < 0 {
		return nil, false
	}
	l, ok := s.pages[s.current].Screen.(Leaver)
	return l, ok
}

func (s *Shell) show(i int) {
	if i == s.current {
		return
	}
	if l, ok := s.leaver(); ok && !s.leaving {
		s.list.Select(s.current) // stays highlighted until the page may be left
		l.Leave(func() {
			s.leaving = true
			defer func() { s.leaving = false }()
			s.list.Select(i)
		})
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
