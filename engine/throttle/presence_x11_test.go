//go:build linux

package throttle

import (
	"os"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
	"github.com/jezek/xgb/xtest"
)

// fakeMotion moves the pointer through the XTEST extension, as a person
// would: input the X server counts.
func fakeMotion(t *testing.T, display string, x int16) {
	t.Helper()
	conn, err := xgb.NewConnDisplay(display)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := xtest.Init(conn); err != nil {
		t.Skipf("the X server has no XTEST extension: %v", err)
	}
	root := xproto.Setup(conn).DefaultScreen(conn).Root
	if err := xtest.FakeInputChecked(conn, xproto.MotionNotify, 0, 0, root, x, x, 0).Check(); err != nil {
		t.Fatal(err)
	}
}

func TestX11IdleTime(t *testing.T) {
	display := os.Getenv("DISPLAY")
	if display == "" {
		t.Skip("DISPLAY is not set: no X server to ask (run under xvfb-run -a to test)")
	}
	p := newX11Presence(display)
	defer p.close()
	fakeMotion(t, display, 10)
	first, err := p.query()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	time.Sleep(time.Second) // a measured quantity: idle time must grow by it
	second, err := p.query()
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if second < first {
		t.Skipf("someone used the computer during the test (idle %s, then %s)", first, second)
	}
	if grew := second - first; grew < elapsed/2 || grew > elapsed+time.Second {
		t.Fatalf("idle %s, then %s after %s", first, second, elapsed)
	}
	fakeMotion(t, display, 20)
	third, ok := p.Idle()
	if !ok || third > 500*time.Millisecond {
		t.Fatalf("idle %s (known %v) right after input, was %s", third, ok, second)
	}
	t.Logf("idle %s, %s a second later, %s after a pointer motion", first, second, third)
}

func TestX11ServerGoneIsUnknown(t *testing.T) {
	p := newX11Presence(":4999") // no server there
	if d, ok := p.Idle(); ok {
		t.Fatalf("idle %s from a display that does not exist", d)
	}
	if _, err := p.query(); err == nil {
		t.Fatal("no error from a display that does not exist")
	}
}
