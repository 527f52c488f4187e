package replace

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/restore"
	"github.com/cairnbackup/cairn/internal/cairntest"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// The engine's device is what the app passes as Engine.
var _ Engine = (*device.Device)(nil)

func TestMain(m *testing.M) {
	uitest.UseEnglish()
	os.Exit(m.Run())
}

// oldDrive is the old computer: its home folder selected, a slower
// backup schedule than the default, one backup to a folder ("a drive"),
// and then it is gone (its device closed).
func oldDrive(t *testing.T) *uitest.Archive {
	t.Helper()
	a := uitest.NewDevice(t)
	if err := a.Dev.AddFiles(a.UserHome); err != nil {
		t.Fatal(err)
	}
	if err := a.Dev.Exclude("*.iso"); err != nil {
		t.Fatal(err)
	}
	st := a.Dev.Settings()
	st.BackupEvery = 3 * time.Hour
	if err := a.Dev.SetSettings(st); err != nil {
		t.Fatal(err)
	}
	a.Backup(t)
	a.Dev.Close()
	if err := os.RemoveAll(a.UserHome); err != nil { // the old disk is gone
		t.Fatal(err)
	}
	return a
}

// harness is the new computer: its own home folder and Cairn folder, a
// window of the smallest supported size, and the wizard in it.
type harness struct {
	t        *testing.T
	q        *uitest.Queue
	w        fyne.Window
	home     string // the new computer's home folder
	cairn    string // its Cairn folder
	dev      *device.Device
	eng      Engine // dev, or a wrapper around it
	s        *Screen
	finished int // OnFinished calls
	left     int // OnCancel calls
	// openURL plays the system's browser (nil: the test app's OpenURL).
	openURL func(*url.URL) error
}

func newComputer(t *testing.T) *harness {
	t.Helper()
	test.NewTempApp(t)
	root := t.TempDir()
	h := &harness{t: t, q: &uitest.Queue{}, home: filepath.Join(root, "home", "bob"), cairn: filepath.Join(root, "cairn")}
	if err := os.MkdirAll(h.home, 0o755); err != nil {
		t.Fatal(err)
	}
	h.openDevice()
	t.Cleanup(func() { h.dev.Close() })
	h.w = test.NewTempWindow(t, nil)
	h.w.Resize(uitest.Size)
	return h
}

func (h *harness) openDevice() {
	h.t.Helper()
	d, err := device.Open(h.cairn, device.Options{UserHome: h.home})
	if err != nil {
		h.t.Fatal(err)
	}
	h.dev, h.eng = d, d
}

// open builds a wizard over the device, as the app does when it starts.
func (h *harness) open() *Screen {
	h.t.Helper()
	h.s = New(h.w, Deps{Engine: h.eng, KDF: crypt.TestKDF, UserHome: h.home, Do: h.q.Do,
		OnFinished: func() { h.finished++ }, OnCancel: func() { h.left++ }, OpenURL: h.openURL})
	h.w.SetContent(h.s.Object())
	h.s.Shown()
	return h.s
}

// restart is Cairn closed and started again: a new device over the same
// folder, a new window, a new wizard.
func (h *harness) restart() *Screen {
	h.t.Helper()
	h.waitFor("the wizard to be idle", func() bool { return !h.s.Busy() })
	if err := h.dev.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.openDevice()
	h.w = test.NewTempWindow(h.t, nil)
	h.w.Resize(uitest.Size)
	return h.open()
}

// waitFor runs what the background posted until cond holds.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	uitest.WaitFor(h.t, what, func() bool {
		h.q.Run()
		return cond()
	})
}

// atStep waits until the wizard shows step n, idle.
func (h *harness) atStep(n int) {
	h.t.Helper()
	h.waitFor("step "+string(rune('0'+n)), func() bool { return h.s.step == n && h.s.job == nil })
}

// next taps Next.
func (h *harness) next() {
	h.t.Helper()
	if !h.s.nextBtn.Visible() || h.s.nextBtn.Disabled() {
		h.t.Fatalf("Next is not there to tap (step %d)", h.s.step)
	}
	test.Tap(h.s.nextBtn)
}

// typeIn replaces what an entry holds, as typed.
func typeIn(e *widget.Entry, text string) {
	e.SetText("")
	test.Type(e, text)
}

// shown is every visible label's text in the window (its top dialog, if
// one is open), a line each.
func (h *harness) shown() string {
	var b strings.Builder
	root := h.w.Content()
	if top := h.w.Canvas().Overlays().Top(); top != nil {
		root = top
	}
	uitest.Walk(root, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *widget.Check:
			b.WriteString(x.Text + "\n")
		}
	})
	return b.String()
}

// dialogButton waits for a dialog with a button saying text and returns
// the button.
func (h *harness) dialogButton(text string) *widget.Button {
	h.t.Helper()
	var found *widget.Button
	h.waitFor("a dialog with "+text, func() bool {
		found = nil
		uitest.Walk(h.w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
				found = b
			}
		})
		return found != nil
	})
	return found
}

// check finds the check box saying text on the page.
func (h *harness) check(text string) *widget.Check {
	h.t.Helper()
	var found *widget.Check
	uitest.Walk(h.w.Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok && c.Text == text {
			found = c
		}
	})
	if found == nil {
		h.t.Fatalf("no check box %q on the page:\n%s", text, h.shown())
	}
	return found
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// serverAt runs the real Cairn server in this process, with a
// self-signed certificate and the user ana ("account password").
func serverAt(t *testing.T) (url, fingerprint string) {
	t.Helper()
	return cairntest.Server(t, cairntest.Options{})
}

// holdTransfer is the real engine, except that its first Transfer waits
// until it is cancelled before starting: a test archive's few small files
// come over faster than a tap on Cancel, and the test needs the tap to
// land. What the transfer does with the cancelled context is the engine's
// own doing.
type holdTransfer struct {
	Engine
	held atomic.Bool
}

func (e *holdTransfer) Transfer(ctx context.Context, o device.TransferOptions) (restore.Result, error) {
	if e.held.CompareAndSwap(false, true) {
		<-ctx.Done()
	}
	return e.Engine.Transfer(ctx, o)
}
