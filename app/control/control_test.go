package control

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// handler is a Handler made of functions.
type handler struct {
	window bool
	run    func(ctx context.Context, c *Call) int
}

func (h handler) Show() bool                           { return h.window }
func (h handler) Run(ctx context.Context, c *Call) int { return h.run(ctx, c) }

// serve makes home's owner with h until the test ends.
func serve(t *testing.T, home string, h Handler) {
	t.Helper()
	l, err := Listen(home)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, l, h) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
}

// runOnce runs args in home's owner and returns the output and code.
func runOnce(t *testing.T, ctx context.Context, home string, stdin *os.File, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	c, err := Dial(home)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code, err = c.Run(ctx, Request{Args: args, Dir: "/somewhere", Env: map[string]string{"TZ": "UTC"}},
		Stdio{Stdin: stdin, Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestOutputAndExitCodeComeBack(t *testing.T) {
	home := t.TempDir()
	big := strings.Repeat("0123456789", 20000) // several frames
	serve(t, home, handler{run: func(ctx context.Context, c *Call) int {
		fmt.Fprintf(c.Stdout, "%s in %s, TZ=%s\n", strings.Join(c.Args, " "), c.Dir, c.Getenv("TZ"))
		fmt.Fprintln(c.Stderr, "cairn: 1 file could not be read")
		fmt.Fprint(c.Stdout, big)
		return 3
	}})
	out, errOut, code := runOnce(t, context.Background(), home, nil, "backup", "--dest", "drive")
	if code != 3 {
		t.Errorf("exit code %d, want 3", code)
	}
	if want := "backup --dest drive in /somewhere, TZ=UTC\n" + big; out != want {
		t.Errorf("stdout: %.80q… (%d bytes, want %d)", out, len(out), len(want))
	}
	if errOut != "cairn: 1 file could not be read\n" {
		t.Errorf("stderr: %q", errOut)
	}
}

func TestAPromptIsAnsweredFromStdin(t *testing.T) {
	home := t.TempDir()
	serve(t, home, handler{run: func(ctx context.Context, c *Call) int {
		for range 2 {
			a, err := c.Ask(Prompt{Text: "Password: "})
			if err != nil {
				fmt.Fprintln(c.Stderr, err)
				return 1
			}
			fmt.Fprintf(c.Stdout, "%q terminal=%v eof=%v\n", a.Line, a.Terminal, a.EOF)
		}
		return 0
	}})
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	w.WriteString("correct horse\r\nlast")
	w.Close()
	out, errOut, code := runOnce(t, context.Background(), home, r, "dest", "add")
	want := "\"correct horse\" terminal=false eof=false\n\"last\" terminal=false eof=true\n"
	if code != 0 || out != want || errOut != "" {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}

func TestCancelStopsTheCommand(t *testing.T) {
	home := t.TempDir()
	started := make(chan struct{})
	serve(t, home, handler{run: func(ctx context.Context, c *Call) int {
		close(started)
		<-ctx.Done()
		fmt.Fprintln(c.Stderr, "cairn: stopped")
		return 1
	}})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel() // Ctrl-C
	}()
	_, errOut, code := runOnce(t, ctx, home, nil, "restore", "/a")
	if code != 1 || errOut != "cairn: stopped\n" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestAClientThatLeavesCancelsItsCommand(t *testing.T) {
	home := t.TempDir()
	ended := make(chan struct{})
	serve(t, home, handler{run: func(ctx context.Context, c *Call) int {
		_, err := c.Ask(Prompt{Text: "Password: "})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("ask: %v", err)
		}
		close(ended)
		return 1
	}})
	conn := dialRaw(t, home)
	w := &wire{rw: conn}
	w.send(frame{Kind: kindRun, Run: &Request{Args: []string{"backup"}}})
	if f, err := w.receive(); err != nil || f.Kind != kindPrompt {
		t.Fatalf("%+v %v", f, err)
	}
	conn.Close()
	select {
	case <-ended:
	case <-time.After(30 * time.Second):
		t.Fatal("the command went on without its client")
	}
}

func TestTwoClientsAtOnce(t *testing.T) {
	home := t.TempDir()
	var both sync.WaitGroup
	both.Add(2)
	serve(t, home, handler{run: func(ctx context.Context, c *Call) int {
		both.Done()
		both.Wait() // each waits for the other: they run at the same time
		fmt.Fprint(c.Stdout, c.Args[0])
		return len(c.Args[0])
	}})
	var wg sync.WaitGroup
	for _, name := range []string{"ls", "status"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, _, code := runOnce(t, context.Background(), home, nil, name)
			if out != name || code != len(name) {
				t.Errorf("%s: %q %d", name, out, code)
			}
		}()
	}
	wg.Wait()
}

func TestShow(t *testing.T) {
	for _, window := range []bool{true, false} {
		home := t.TempDir()
		serve(t, home, handler{window: window})
		c, err := Dial(home)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Show()
		c.Close()
		if err != nil || got != window {
			t.Errorf("show: %v %v, want %v", got, err, window)
		}
	}
}

func TestOnlyOneOwner(t *testing.T) {
	home := t.TempDir()
	serve(t, home, handler{})
	if _, err := Listen(home); !errors.Is(err, ErrRunning) {
		t.Fatalf("second owner: %v", err)
	}
}

func TestAnotherVersionIsRefusedInWords(t *testing.T) {
	home := t.TempDir()
	serve(t, home, handler{})
	conn := dialRaw(t, home)
	defer conn.Close()
	body := []byte(`{"v":99,"k":"run","run":{"args":["status"]}}`)
	conn.Write(binary.BigEndian.AppendUint32(nil, uint32(len(body))))
	conn.Write(body)
	f, err := readFrame(conn)
	if err != nil || f.Kind != kindError || !strings.Contains(f.Error, "protocol") {
		t.Fatalf("%+v %v", f, err)
	}
}

func FuzzReadFrame(f *testing.F) {
	f.Add([]byte("\x00\x00\x00\x0e{\"v\":1,\"k\":\"x\"}"))
	f.Add([]byte("\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		readFrame(bytes.NewReader(b))
	})
}
