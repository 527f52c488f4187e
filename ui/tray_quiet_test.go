package ui

import (
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// repeater is a state source that tells its subscriber whatever the test
// sends it, as often as the test likes.
type repeater struct {
	mu sync.Mutex
	st service.State
	fn func(service.State)
}

func (r *repeater) State() service.State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st
}

func (r *repeater) Subscribe(fn func(service.State)) func() {
	r.mu.Lock()
	r.fn = fn
	r.mu.Unlock()
	return func() {}
}

func (r *repeater) send(st service.State) {
	r.mu.Lock()
	r.st = st
	fn := r.fn
	r.mu.Unlock()
	fn(st)
}

// The same state a thousand times sets the tray once: the old tray rebuilt
// its menu for every state the service published, hundreds of times a
// second while a refused server was retried, and Quit then failed.
func TestTrayIsSetOnlyWhenWhatItShowsChanges(t *testing.T) {
	test.NewTempApp(t)
	uitest.UseEnglish()
	y, m, d := time.Now().Date()
	at := time.Date(y, m, d, 10, 0, 0, 0, time.Local) // today: the first look is at the real clock
	safe := service.State{Phase: service.Idle, LastSafe: at}
	src := &repeater{st: safe}
	rec := &trayRecorder{}
	var tips []string
	tray := newTray(rec, src, TrayActions{}, func() bool { return false }, func(s string) { tips = append(tips, s) })
	defer tray.Stop()
	// A clock that moves 2 s at each look: no state waits for the
	// throttle, each one reaches the tray at once, on this goroutine.
	now := at.Add(time.Minute)
	tray.mu.Lock()
	tray.now = func() time.Time { now = now.Add(2 * time.Second); return now }
	tray.lastShown = time.Time{}
	tray.mu.Unlock()
	for range 1000 {
		src.send(safe)
	}
	if n := len(rec.menus); n != 1 {
		t.Fatalf("the menu was set %d times for one state", n)
	}
	for range 1000 {
		src.send(service.State{Phase: service.Paused})
	}
	if n := len(rec.menus); n != 2 {
		t.Fatalf("the menu was set %d times for two states", n)
	}
	if _, text := rec.last(); text != "Paused until you resume" {
		t.Fatalf("the tray says %q", text)
	}
	if len(tips) != 2 || tips[0] != "Cairn: Safe as of 10:00" || tips[1] != "Cairn: Paused until you resume" {
		t.Fatalf("tooltips %q", tips)
	}
}
