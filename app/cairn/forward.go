package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/cairnbackup/cairn/app/control"
)

// forward runs a command in the running app or daemon, if one answers on
// home's control socket; ok is false when none does (no socket, or one
// left by a crash), and the command then runs here.
func forward(ctx context.Context, e *env, args []string) (code int, ok bool) {
	conn, err := control.Dial(e.home)
	if err != nil {
		return 0, false
	}
	dir, _ := os.Getwd()
	req := control.Request{Args: args, Dir: dir, Env: forwardedEnv(), StdinTerminal: isTerminal(e.stdin)}
	if f, ok := e.stdout.(*os.File); ok {
		req.StdoutTerminal = isTerminal(f)
	}
	if f, ok := e.stderr.(*os.File); ok {
		req.StderrTerminal = isTerminal(f)
		req.Width, _, _ = term.GetSize(int(f.Fd()))
	}
	code, err = conn.Run(ctx, req, control.Stdio{Stdin: e.stdin, Stdout: e.stdout, Stderr: e.stderr})
	if err != nil {
		fmt.Fprintf(e.stderr, "cairn: lost the running Cairn (the desktop app or 'cairn daemon') before the command ended: %v\n", err)
		return exitError, true
	}
	return code, true
}

func isTerminal(f *os.File) bool { return f != nil && term.IsTerminal(int(f.Fd())) }

// forwardedEnv is the part of the environment a command may read: Cairn's
// own variables (passwords, test settings), and the locale and time zone.
func forwardedEnv() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "CAIRN_"), strings.HasPrefix(k, "LC_"),
			k == "TZ", k == "LANG", k == "LANGUAGE", k == "TERM", k == "COLUMNS",
			k == "DISPLAY", k == "WAYLAND_DISPLAY", k == "BROWSER": // where --sso opens the browser
			env[k] = v
		}
	}
	return env
}
