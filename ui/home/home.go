package home

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/service"
)

// Screen is the Home screen.
type Screen struct {
	w    fyne.Window
	deps Deps

	header    *header
	warnings  *warnings
	notes     *warnings // left out on purpose
	access    *accessCard
	watching  *watchingCard
	dests     *fyne.Container // the destination cards, or what to do without one
	cards     map[string]*destCard
	selection *selectionCard
	content   fyne.CanvasObject
	shape     string // what is shown and hidden, to lay out again when it changes

	// What the service last published, handed from its goroutine to the
	// UI thread at most every minInterval.
	mu          sync.Mutex
	latest      service.State
	seen        bool
	statusDue   bool // a pass ended, or one runs for a while: read the status again
	statusRead  time.Time
	scheduled   bool
	lastApply   time.Time
	unsubscribe func()
	stopClock   func()

	// The UI thread's own.
	state       service.State
	status      *device.Status
	cancelRead  context.CancelFunc
	nDests      int
	showingNone bool
}

// minInterval bounds how often the screen redraws for the service's
// progress: about 5 times a second looks live and costs nothing.
const minInterval = 200 * time.Millisecond

// statusEvery is how often the destinations' cards are read again while a
// pass runs, so what they say is stored grows with it: reading the status
// walks the index, which is not free for a large one.
const statusEvery = 15 * time.Second

// New returns the Home screen, following the service's state from now on
// (until Close).
func New(w fyne.Window, d Deps) *Screen {
	s := &Screen{w: w, deps: d, cards: map[string]*destCard{}}
	s.header = newHeader(s)
	s.warnings = newWarnings()
	s.notes = newNotes()
	s.access = newAccessCard(d.openURL)
	s.watching = newWatchingCard()
	s.selection = newSelectionCard(d.OpenManageFiles)
	checking := widget.NewLabel(lang.L("Checking your destinations…"))
	s.dests = container.NewVBox(checking)
	body := container.NewVBox(s.access.card, s.warnings.object(), s.notes.object(), s.watching.card, s.dests, s.selection.card)
	s.content = container.NewBorder(s.header.object(), nil, nil, nil, container.NewVScroll(body))
	s.unsubscribe = d.Service.Subscribe(s.onState)
	s.stopClock = s.followClock()
	return s
}

// Object is the screen's content.
func (s *Screen) Object() fyne.CanvasObject { return s.content }

// Shown reads the destinations' status again (the shell calls it each time
// the screen comes into view).
func (s *Screen) Shown() {
	s.showState(s.deps.Service.State())
	s.readStatus()
}

// Close stops following the service.
func (s *Screen) Close() {
	s.unsubscribe()
	s.stopClock()
	if s.cancelRead != nil {
		s.cancelRead()
	}
}

// onState takes a state from the service's goroutine and schedules it for
// the UI thread, no sooner than minInterval after the last one.
func (s *Screen) onState(st service.State) {
	s.mu.Lock()
	if s.seen && st.Passes != s.latest.Passes ||
		st.Phase == service.BackingUp && time.Since(s.statusRead) >= statusEvery {
		s.statusDue = true // a pass ended (each one changes what is stored), or one runs long
		s.statusRead = time.Now()
	}
	s.latest, s.seen = st, true
	if s.scheduled {
		s.mu.Unlock()
		return
	}
	s.scheduled = true
	wait := max(0, minInterval-time.Since(s.lastApply))
	s.mu.Unlock()
	// Always from a goroutine of its own: Subscribe, Pause and Resume call
	// fn on the caller's goroutine, which may be the UI thread, where
	// fyne.Do must not be called.
	time.AfterFunc(wait, func() { s.deps.do(s.apply) })
}

// apply shows the latest state (on the UI thread).
func (s *Screen) apply() {
	s.mu.Lock()
	st, due := s.latest, s.statusDue
	s.statusDue, s.scheduled, s.lastApply = false, false, time.Now()
	s.mu.Unlock()
	if !due && reflect.DeepEqual(st, s.state) {
		return // nothing changed: nothing is drawn again
	}
	s.showState(st)
	if due {
		s.readStatus()
	}
}

// readStatus reads the device's status off the UI thread; a newer read
// replaces one still running.
func (s *Screen) readStatus() {
	if s.cancelRead != nil {
		s.cancelRead()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancelRead = cancel
	go func() {
		st := s.deps.Device.Status(ctx)
		missing := s.deps.Device.FullDiskAccessMissing()
		s.deps.do(func() {
			if ctx.Err() == nil {
				s.access.show(missing)
				s.showStatus(st)
			}
		})
	}()
}

func (s *Screen) showState(st service.State) {
	s.state = st
	now := s.deps.now()
	s.header.show(st, now, s.status == nil || s.nDests > 0)
	s.warnings.show(st.Unreadable)
	s.notes.show(st.NotBackedUp)
	s.watching.show(st, now)
	running := ""
	if st.Phase == service.BackingUp {
		running = s.runningDestination(st)
	}
	for name, c := range s.cards {
		c.showProgress(name == running, st.Progress)
	}
	s.header.showProgress(st.Phase == service.BackingUp && running == "", st.Progress)
	if shape := s.shapeOf(st, running); shape != s.shape {
		s.shape = shape
		s.relayout()
	}
}

// shapeOf sums up which parts of the screen a state shows.
func (s *Screen) shapeOf(st service.State, running string) string {
	return fmt.Sprint(st.Phase, running, len(st.Unreadable), len(st.NotBackedUp), showProblem(st), st.NextRun.IsZero(),
		awayText(st) == "", s.watching.shape())
}

// relayout lays the whole screen out again after parts appeared or went:
// Fyne redoes the layout of a container whose contents' sizes change, but
// not reliably of its parents when several change at once.
func (s *Screen) relayout() { s.content.Refresh() }

// runningDestination is the destination the running pass is at: the one
// the service names, or the only one there is.
func (s *Screen) runningDestination(st service.State) string {
	if st.Destination != "" {
		return st.Destination
	}
	if s.status != nil && len(s.status.Destinations) == 1 {
		return s.status.Destinations[0].Name
	}
	return ""
}

func (s *Screen) showStatus(st device.Status) {
	s.status = &st
	s.nDests = len(st.Destinations)
	s.selection.show(st.Selection)
	if len(st.Destinations) == 0 {
		s.showNoDestination()
	} else {
		s.showDestinations(st.Destinations)
	}
	s.showState(s.state)
	s.relayout()
}

func (s *Screen) showDestinations(list []device.DestinationStatus) {
	now := s.deps.now()
	objs := make([]fyne.CanvasObject, 0, len(list))
	cards := make(map[string]*destCard, len(list))
	for _, ds := range list {
		c := s.cards[ds.Name]
		if c == nil {
			c = newDestCard()
		}
		c.show(ds, now)
		cards[ds.Name] = c
		objs = append(objs, c.card)
	}
	s.cards = cards
	s.showingNone = false
	s.dests.Objects = objs
	s.dests.Refresh()
}

// showNoDestination says what to do first: choose where to back up.
func (s *Screen) showNoDestination() {
	s.cards = map[string]*destCard{}
	if s.showingNone {
		return
	}
	s.showingNone = true
	text := widget.NewLabel(lang.L("Cairn keeps copies of your files on an external drive or on your organisation's server, and keeps them up to date by itself. Choose one to start."))
	text.Wrapping = fyne.TextWrapWord
	choose := widget.NewButton(lang.L("Choose where to back up"), func() {
		if s.deps.AddDestination != nil {
			s.deps.AddDestination()
		}
	})
	choose.Importance = widget.HighImportance
	s.dests.Objects = []fyne.CanvasObject{widget.NewCard(lang.L("Nothing is backed up yet"), "",
		container.NewVBox(text, container.NewHBox(choose)))}
	s.dests.Refresh()
}
