// Command cairn is Cairn's desktop app and its command line. Run without a
// command it starts the desktop app (in the system tray); with one, it does
// that and exits. `cairn daemon` runs the backup service without a window.
//
// One process owns the index: the app or the daemon. While one runs, every
// other cairn command is sent to it over the control socket (app/control)
// and runs there, with the same output and exit code as when run alone.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/cairnbackup/cairn/app/control"
	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/compress"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/printable"
	"golang.org/x/term"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "0.1.0-dev"

// Exit codes: part of the command line's contract.
const (
	exitOK      = 0
	exitError   = 1 // the command could not do its job
	exitUsage   = 2 // the command line is wrong
	exitPartial = 3 // done, but some files could not be read or restored (each named on stderr)
	exitDamaged = 4 // verify found damage
)

// exitError carries an exit code through the command functions.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &codeError{exitUsage, fmt.Errorf(format, a...)}
}

// env is what every command gets.
type env struct {
	home   string
	stdout io.Writer
	stderr io.Writer
	stdin  *os.File
	getenv func(string) string

	// dev is the owner's open device when the command was sent to the
	// running app or daemon (nil: openDevice opens the home).
	dev *device.Device
	// ask asks the caller for a secret when the command was sent to the
	// owner (nil: e.stdin and e.stderr are the terminal).
	ask func(p control.Prompt) (control.Answer, error)
	// tty says the caller's stdin and stderr are terminals, and width is
	// the terminal's (for a command sent to the owner, whose own streams
	// are not the caller's).
	stdinTTY, stderrTTY bool
	width               int
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"dest", "dest add NAME PATH | dest add NAME https://HOST:PORT --user NAME [--fingerprint SHA256] [--device NAME] [--key account|password|custom] [--escrow [--escrow-fingerprint FP]] | dest list | dest remove NAME | dest passwd NAME", cmdDest},
		{"files", "files add PATH... | files exclude PATTERN... | files remove PATH... | files unexclude PATTERN... | files list", cmdFiles},
		{"backup", "backup [--dest NAME]", cmdBackup},
		{"versions", "versions [--dest NAME] PATH", cmdVersions},
		{"ls", "ls [--dest NAME] [--at TIME] [--deleted] [-r] [PATH]", cmdLs},
		{"restore", "restore [--dest NAME] [--at TIME] [--to DIR] [--conflict overwrite|rename|skip] [--perms original|current] [--deleted] PATH...", cmdRestore},
		{"verify", "verify [--dest NAME] [--full]", cmdVerify},
		{"prune", "prune [--dest NAME]", cmdPrune},
		{"repair-index", "repair-index [--dest NAME]", cmdRepairIndex},
		{"status", "status", cmdStatus},
		{"devices", "devices [--dest NAME]", cmdDevices},
		{"daemon", "daemon [--home DIR]   runs the backup service without the desktop app, until stopped", cmdDaemon},
	}
}

// memoryLimit is a soft ceiling for the Go heap: Cairn runs beside the
// person's own programs, and its live data is small (file data in flight is
// a fixed pool), so collecting garbage a little more often keeps its
// footprint flat at a small cost in CPU. GOMEMLIMIT overrides it.
const memoryLimit = 64 << 20

func main() {
	if code, ok := startedFromExplorer(); ok {
		os.Exit(code)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	stop := startProfile()
	code := run(os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(args []string, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("cairn", flag.ContinueOnError)
	global.SetOutput(stderr)
	home := global.String("home", "", "Cairn's folder for configuration, index and keys (also CAIRN_HOME)")
	showVersion := global.Bool("version", false, "print the version and exit")
	hidden := global.Bool("hidden", false, "start the desktop app in the system tray, without its window (at login)")
	global.Usage = func() { usage(stderr) }
	if err := global.Parse(args); err != nil {
		return exitUsage
	}
	rest := global.Args()
	if *showVersion || len(rest) > 0 && rest[0] == "version" {
		fmt.Fprintf(stdout, "cairn %s (%s, zstd: %s)\n", version, runtime.Version(), compress.Implementation)
		return exitOK
	}
	e := &env{home: *home, stdout: stdout, stderr: stderr, stdin: os.Stdin, getenv: os.Getenv}
	if e.home == "" {
		e.home = os.Getenv("CAIRN_HOME")
	}
	chosenHome := e.home != ""
	if e.home == "" {
		config, _ := os.UserConfigDir()
		local, _ := os.UserCacheDir()
		if e.home = defaultHome(runtime.GOOS, config, local, isDir); e.home == "" {
			fmt.Fprintln(stderr, "cairn: no home folder: set CAIRN_HOME or --home")
			return exitUsage
		}
	}
	if abs, err := filepath.Abs(e.home); err == nil {
		e.home = abs // the owner changes its working directory for the commands it runs
	}
	if len(rest) == 0 {
		if err := startDesktop(e.home, chosenHome, *hidden); err != nil {
			fmt.Fprintln(stderr, "cairn:", err)
			return exitError
		}
		return exitOK
	}
	name := rest[0]
	if name == "help" || name == "-h" || name == "--help" {
		usage(stdout)
		return exitOK
	}
	if _, ok := lookup(name); !ok {
		return unknown(stderr, name)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if name != "daemon" {
		if code, ok := forward(ctx, e, rest); ok {
			return code
		}
	}
	return dispatch(ctx, e, rest)
}

// dispatch runs the command rest[0] with e: here, or in the owner for
// another cairn.
func dispatch(ctx context.Context, e *env, rest []string) int {
	c, ok := lookup(rest[0])
	if !ok {
		return unknown(e.stderr, rest[0])
	}
	return report(e.stderr, c.run(ctx, e, rest[1:]))
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func unknown(stderr io.Writer, name string) int {
	fmt.Fprintf(stderr, "cairn: unknown command %q\n\n", name)
	usage(stderr)
	return exitUsage
}

// report prints an error in words and returns the exit code.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	var ce *codeError
	code := exitError
	if errors.As(err, &ce) {
		code = ce.code
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitUsage
	}
	fmt.Fprintln(stderr, "cairn:", explain(err))
	return code
}

// maxErrorText bounds an error printed by the command line, in runes: room
// for several wrapped errors, none of them a flood.
const maxErrorText = 4000

// explain says an error in words, with what to do next where Cairn knows.
// The text is made printable (the engine already cleans what a server
// says; this is the last line of defence before the terminal), keeping the
// line breaks of errors joined from several.
func explain(err error) string {
	msg := printable.Lines(err.Error(), maxErrorText)
	switch {
	case errors.Is(err, engine.ErrLocked):
		msg += "\n(another cairn command, or a Cairn app or 'cairn daemon' this command cannot reach, is using this computer's index: wait for it to finish, or quit the app from its tray menu)"
	case errors.Is(err, engine.ErrDestinationFull):
		msg += "\n(free space at the destination, or run 'cairn prune', then back up again: nothing already stored is lost)"
	case errors.Is(err, engine.ErrWrongPassword):
		msg = "wrong password: " + msg
	case errors.Is(err, context.Canceled):
		msg = "stopped; what was finished is kept, and the next run carries on"
	}
	return msg
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Cairn backs up your files, encrypted, and brings back any version of any file.")
	fmt.Fprintln(w, "\nUsage: cairn [--home DIR] [--hidden]   starts the desktop app")
	fmt.Fprintln(w, "       cairn [--home DIR] COMMAND [options]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for _, c := range commands {
		names = append(names, "  cairn "+c.summary)
	}
	sort.Strings(names)
	fmt.Fprintln(w, strings.Join(names, "\n"))
	fmt.Fprintln(w, "\nTIME is RFC 3339 (2026-11-25T14:02:00+01:00). The archive password comes from CAIRN_PASSWORD or is asked.")
	fmt.Fprintln(w, "While the desktop app or 'cairn daemon' runs, it holds the index: commands run inside it, with the same")
	fmt.Fprintln(w, "output and exit codes.")
	fmt.Fprintln(w, "Exit codes: 0 done, 1 failed, 2 usage, 3 some files could not be read or restored, 4 damage found.")
}

// parse parses flags that may come before, between or after positional
// arguments ("restore PATH --to DIR" as well as "restore --to DIR PATH").
// Everything after "--" is positional.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos, tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, &codeError{exitUsage, err}
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func newFlags(name string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet("cairn "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// openedDevice is a device a command uses. Close closes it only when the
// command opened it: a command sent to the running app or daemon uses the
// owner's device, which stays open for the owner's service.
type openedDevice struct {
	*device.Device
	shared bool
}

// Close closes the device unless it is the owner's.
func (d *openedDevice) Close() error {
	if d.shared {
		return nil
	}
	return d.Device.Close()
}

// openDevice opens the home folder, or says why it cannot; in the owner it
// returns the owner's device.
// CAIRN_TEST_PACK_SIZE makes new archives use small packs (tests only).
func openDevice(e *env) (*openedDevice, error) {
	if e.dev != nil {
		return &openedDevice{Device: e.dev, shared: true}, nil
	}
	var o device.Options
	if s := e.getenv("CAIRN_TEST_PACK_SIZE"); s != "" {
		o.PackSize, _ = strconv.ParseInt(s, 10, 64)
	}
	d, err := device.Open(e.home, o)
	if err != nil {
		return nil, err
	}
	return &openedDevice{Device: d}, nil
}

// stdinTerminal says whether the caller's stdin is a terminal.
func (e *env) stdinTerminal() bool {
	if e.ask != nil {
		return e.stdinTTY
	}
	return term.IsTerminal(int(e.stdin.Fd()))
}

// stderrTerminal says whether the caller's stderr is a terminal.
func (e *env) stderrTerminal() bool {
	if e.ask != nil {
		return e.stderrTTY
	}
	f, ok := e.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// termWidth is the width of the caller's terminal (0: unknown).
func (e *env) termWidth() int {
	if e.ask != nil {
		return e.width
	}
	if f, ok := e.stderr.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil {
			return w
		}
	}
	return 0
}
