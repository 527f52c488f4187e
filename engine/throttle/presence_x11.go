//go:build linux

package throttle

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/screensaver"
	"github.com/jezek/xgb/xproto"
)

func detectPresence() Presence {
	if os.Getenv("WAYLAND_DISPLAY") != "" || os.Getenv("DISPLAY") == "" {
		return unknownPresence{}
	}
	return newX11Presence(os.Getenv("DISPLAY"))
}

// x11Presence asks the X server's MIT-SCREEN-SAVER extension. The connection
// is made on first use and made again after an error, so a server started
// after us, or restarted, is found.
type x11Presence struct {
	display string

	mu   sync.Mutex
	conn *xgb.Conn
	root xproto.Window
}

func newX11Presence(display string) *x11Presence { return &x11Presence{display: display} }

// x11Timeout bounds a query, so a hung X server cannot hang the caller.
const x11Timeout = 3 * time.Second

func (p *x11Presence) Idle() (time.Duration, bool) {
	d, err := p.query()
	return d, err == nil
}

func (p *x11Presence) query() (time.Duration, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn == nil {
		if err := p.connect(); err != nil {
			return 0, err
		}
	}
	type answer struct {
		r   *screensaver.QueryInfoReply
		err error
	}
	ch := make(chan answer, 1)
	conn, root := p.conn, p.root
	go func() {
		r, err := screensaver.QueryInfo(conn, xproto.Drawable(root)).Reply()
		ch <- answer{r, err}
	}()
	var a answer
	select {
	case a = <-ch:
	case <-time.After(x11Timeout):
		a.err = fmt.Errorf("X server %s did not answer within %s", p.display, x11Timeout)
	}
	if a.err == nil && a.r == nil {
		a.err = fmt.Errorf("X server %s closed the connection", p.display)
	}
	if a.err != nil {
		p.conn.Close()
		p.conn = nil
		return 0, fmt.Errorf("query idle time: %w", a.err)
	}
	return time.Duration(a.r.MsSinceUserInput) * time.Millisecond, nil
}

func (p *x11Presence) connect() error {
	conn, err := xgb.NewConnDisplay(p.display)
	if err != nil {
		return fmt.Errorf("connect to X server %s: %w", p.display, err)
	}
	if err := screensaver.Init(conn); err != nil {
		conn.Close()
		return fmt.Errorf("X server %s: %w", p.display, err)
	}
	p.conn, p.root = conn, xproto.Setup(conn).DefaultScreen(conn).Root
	return nil
}

// close drops the connection (tests).
func (p *x11Presence) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn != nil {
		p.conn.Close()
		p.conn = nil
	}
}
