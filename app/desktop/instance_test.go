package desktop

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/cairnbackup/cairn/app/control"
)

// owner is a running Cairn's side of the control socket.
type owner struct{ window bool }

func (o owner) Show() bool                           { return o.window }
func (owner) Run(context.Context, *control.Call) int { return 0 }

func TestASecondStartShowsTheFirst(t *testing.T) {
	for _, tc := range []struct {
		window bool
		want   error
	}{{true, ErrRunning}, {false, ErrDaemonRunning}} {
		home := t.TempDir()
		l, err := claim(home)
		if err != nil || l == nil {
			t.Fatalf("nobody runs yet: %v %v", l, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { control.Serve(ctx, l, owner{tc.window}); close(done) }()
		if _, err := claim(home); !errors.Is(err, tc.want) {
			t.Errorf("second start (window %v): %v, want %v", tc.window, err, tc.want)
		}
		cancel()
		<-done
		// A socket left behind by a crash does not stop the next start.
		crashed, err := net.ListenUnix("unix", &net.UnixAddr{Name: control.SocketPath(home), Net: "unix"})
		if err != nil {
			t.Fatal(err)
		}
		crashed.SetUnlinkOnClose(false)
		crashed.Close()
		l, err = claim(home)
		if err != nil || l == nil {
			t.Fatalf("after a crash: %v %v", l, err)
		}
		l.Close()
	}
}
