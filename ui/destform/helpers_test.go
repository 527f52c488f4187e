package destform

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/i18n"
	"github.com/cairnbackup/cairn/ui/uitest"
)

var _ Engine = (*device.Device)(nil)

// uiQueue stands in for fyne.Do: Fyne's test driver would run the work at
// once on the engine's goroutine, racing the test's; the test runs it on
// its own goroutine instead, whenever it polls.
type uiQueue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *uiQueue) Do(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
}

func (q *uiQueue) run() {
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

// waitUI runs the UI queue until cond holds.
func (q *uiQueue) wait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	uitest.WaitFor(t, what, func() bool { q.run(); return cond() })
}

// harness is a window with a form in it, over a real device.
type harness struct {
	a     *uitest.Archive
	w     fyne.Window
	q     *uiQueue
	deps  Deps
	added []string
	res   device.AddResult
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	test.NewTempApp(t)
	loadEnglish(t)
	h := &harness{a: uitest.NewDevice(t), q: &uiQueue{}}
	h.deps = Deps{Engine: h.a.Dev, KDF: crypt.TestKDF, Do: h.q.Do}
	h.w = test.NewTempWindow(t, widget.NewLabel(""))
	h.w.Resize(uitest.Size)
	return h
}

func (h *harness) onAdded(name string, res device.AddResult) {
	h.added = append(h.added, name)
	h.res = res
}

// show puts a form in the window.
func (h *harness) show(f *Form) *Form {
	h.w.SetContent(f.Object())
	return f
}

// walk calls fn for every visible object below o, widgets' parts included.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, fn)
		}
	}
}

// dialogButton finds a button in the dialog on top of the window.
func dialogButton(w fyne.Window, text string) *widget.Button {
	var found *widget.Button
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	return found
}

// dialogEntry finds the first entry in the dialog on top of the window.
func dialogEntry(w fyne.Window) *widget.Entry {
	var found *widget.Entry
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && found == nil {
			found = e
		}
	})
	return found
}

// dialogText is all the labels' text in the dialog on top.
func dialogText(w fyne.Window) string {
	s := ""
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			s += l.Text + "\n"
		}
	})
	return s
}

// startServer runs the real Cairn server in this process on 127.0.0.1, with
// a self-signed certificate and the user ana ("account password"), without
// key escrow.
func startServer(t *testing.T) (url, fingerprint string) {
	t.Helper()
	return startServerWith(t, false)
}

// startServerWith is startServer; withEscrow makes the organisation's
// escrow key, as cairn-server escrow init does.
func startServerWith(t *testing.T, withEscrow bool) (url, fingerprint string) {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	data, err := server.OpenData(ctx, t.TempDir(), nil, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { data.Close() })
	hash, _ := passhash.Hash([]byte("account password"), passhash.Test)
	if _, err := data.Records.AddUser(ctx, records.User{Name: "ana", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	if withEscrow {
		if _, _, err := server.InitEscrow(ctx, data.Records, false); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := server.New(server.Options{Vault: data.Vault, Logger: logger, HashParams: passhash.Test,
		Sleep: func(context.Context, time.Duration) {}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL, remote.Fingerprint(ts.Certificate().Raw)
}

// destination finds a destination in the device's configuration.
func (h *harness) destination(name string) (config.Destination, bool) {
	for _, d := range h.a.Dev.Config().Destinations {
		if d.Name == name {
			return d, true
		}
	}
	return config.Destination{}, false
}

// loadEnglish registers en.json, so plurals read as in the app.
func loadEnglish(t *testing.T) {
	t.Helper()
	b, err := i18n.Bundles.ReadFile("en.json")
	if err == nil {
		err = lang.AddTranslationsForLocale(b, fyne.Locale("en"))
	}
	if err != nil {
		t.Fatal(err)
	}
}
