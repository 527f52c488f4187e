package desktop

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// One Cairn runs per person. A second start (from the menu, or a double
// click while Cairn hides in the tray) asks the running one to show its
// window, over a socket in Cairn's home folder, and leaves.

const socketName = "app.sock"

// ErrRunning means another Cairn is running; it was asked to show itself.
var ErrRunning = errors.New("Cairn is already running: its window was brought forward")

// askRunning asks a running Cairn to show its window; it returns ErrRunning
// when one answered, nil when none runs.
func askRunning(home string) error {
	conn, err := net.DialTimeout("unix", filepath.Join(home, socketName), 2*time.Second)
	if err != nil {
		return nil // nobody listens: a socket left by a crash is replaced by listen
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintln(conn, "show"); err != nil {
		return nil
	}
	reply, _ := bufio.NewReader(conn).ReadString('\n')
	if strings.TrimSpace(reply) != "ok" {
		return nil
	}
	return ErrRunning
}

// listen answers other starts of Cairn by calling show, until the
// returned listener is closed.
func listen(home string, show func()) (net.Listener, error) {
	p := filepath.Join(home, socketName)
	os.Remove(p) // left by a crash; askRunning found nobody behind it
	l, err := net.Listen("unix", p)
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(5 * time.Second))
				line, _ := bufio.NewReader(conn).ReadString('\n')
				if strings.TrimSpace(line) == "show" {
					show()
					fmt.Fprintln(conn, "ok")
				}
			}()
		}
	}()
	return l, nil
}
