package uitest

import (
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/i18n"
)

// Queue stands in for fyne.Do in screen tests: a screen's background work
// posts here, and the test runs what was posted on its own goroutine
// whenever it polls. Fyne's test driver would run fyne.Do at once on the
// engine's goroutine, racing the test's; this way widgets are only ever
// touched by one goroutine.
type Queue struct {
	mu  sync.Mutex
	fns []func()
}

// Do posts f (a screen's Deps.Do).
func (q *Queue) Do(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
}

// Run runs what was posted, and what that posts, until nothing is left.
func (q *Queue) Run() {
	for {
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, f := range fns {
			f()
		}
	}
}

// Wait runs the queue until cond holds (WaitFor's deadline).
func (q *Queue) Wait(t testing.TB, what string, cond func() bool) {
	t.Helper()
	WaitFor(t, what, func() bool { q.Run(); return cond() })
}

// UseEnglish registers the English bundle, so texts read as in the app
// (plurals with their singular forms: "1 file"). It panics when the bundle
// cannot be read: call it from TestMain or a test's start.
func UseEnglish() {
	en, err := i18n.Bundles.ReadFile("en.json")
	if err == nil {
		err = lang.AddTranslationsForLocale(en, "en")
	}
	if err != nil {
		panic(err)
	}
}

// Walk calls fn for every visible object below o (o included), the parts
// widgets render included.
func Walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			Walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			Walk(c, fn)
		}
	}
}
