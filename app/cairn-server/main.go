// Command cairn-server is Cairn's backup server: it keeps the encrypted
// archives of its users' computers, and the commands to administer it.
// It builds without cgo. See docs/SERVER.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "0.1.0-dev"

// Exit codes: part of the command line's contract.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

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
	stdout, stderr io.Writer
	stdin          *os.File
	getenv         func(string) string
	now            func() time.Time
	data           string // --data given before the command
}

// hashParams are the Argon2id costs of new password hashes;
// CAIRN_SERVER_TEST_FAST_KDF makes them cheap (tests only).
func (e *env) hashParams() passhash.Params {
	if e.getenv("CAIRN_SERVER_TEST_FAST_KDF") != "" {
		return passhash.Test
	}
	return passhash.Default
}

func (e *env) logger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
}

type command struct {
	name    string
	summary []string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", []string{"serve --data DIR [--listen ADDR] [--tls-cert F --tls-key F] [--host NAME]... [--grace 720h] [--max-object 256MiB] [--max-uploads 8] [--token-idle 180d]",
			"      [--web=false] [--smtp HOST:PORT --smtp-from ADDRESS]   web pages at /web/; backup alerts by email"}, cmdServe},
		{"user", []string{
			"user add NAME [--password-file F] [--quota SIZE] [--devices N] [--admin]",
			"user list",
			"user passwd NAME [--password-file F] [--signout-devices]   signs the user's browsers out",
			"user signout NAME              signs every device of the user out (they sign in again)",
			"user quota NAME SIZE",
			"user devices NAME N",
			"user disable NAME | user enable NAME",
			"user admin NAME on|off          administrators use the web pages' Administration",
		}, cmdUser},
		{"device", []string{
			"device list [NAME]            devices (of a user), with last upload and size",
			"device retire ID              revokes its tokens and frees its slot; its archive stays",
		}, cmdDevice},
		{"trash", []string{
			"trash list [NAME] [--device ID]       what pruning deleted, and when it goes for good",
			"trash restore NAME [--device ID] [--since TIME]   undo deletions",
		}, cmdTrash},
		{"escrow", escrowSummary, cmdEscrow},
		{"keys", keysSummary, cmdKeys},
		{"migrate", migrateSummary, cmdMigrate},
		{"check", []string{"check [--dry-run] [--forget-missing]   records and files agree (fixes what is safe)"}, cmdCheck},
		{"fingerprint", []string{"fingerprint [--tls-cert F]    the SHA-256 fingerprint of the server's certificate"}, cmdFingerprint},
	}
}

func main() {
	e := &env{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, getenv: os.Getenv, now: time.Now}
	os.Exit(run(os.Args[1:], e))
}

func run(args []string, e *env) int {
	global := flag.NewFlagSet("cairn-server", flag.ContinueOnError)
	global.SetOutput(e.stderr)
	global.StringVar(&e.data, "data", "", "the data folder (also CAIRN_SERVER_DATA)")
	showVersion := global.Bool("version", false, "print the version and exit")
	global.Usage = func() { usage(e.stderr) }
	if err := global.Parse(args); err != nil {
		return exitUsage
	}
	rest := global.Args()
	if *showVersion || len(rest) > 0 && rest[0] == "version" {
		fmt.Fprintf(e.stdout, "cairn-server %s\n", version)
		return exitOK
	}
	if len(rest) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	if rest[0] == "help" || rest[0] == "-h" || rest[0] == "--help" {
		usage(e.stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == rest[0] {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return report(e.stderr, c.run(ctx, e, rest[1:]))
		}
	}
	fmt.Fprintf(e.stderr, "cairn-server: unknown command %q\n\n", rest[0])
	usage(e.stderr)
	return exitUsage
}

// report prints an error in words and returns the exit code.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitUsage
	}
	code := exitError
	var ce *codeError
	if errors.As(err, &ce) {
		code = ce.code
	}
	fmt.Fprintln(stderr, "cairn-server:", err)
	if code == exitUsage {
		fmt.Fprintln(stderr, "(cairn-server help lists the commands)")
	}
	return code
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "cairn-server keeps the encrypted backups of Cairn's users; it cannot read them.")
	fmt.Fprintln(w, "\nUsage: cairn-server COMMAND [options]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		for _, s := range c.summary {
			fmt.Fprintln(w, "  cairn-server "+s)
		}
	}
	fmt.Fprintln(w, "\nEvery command takes --data DIR (or CAIRN_SERVER_DATA), the folder that holds everything.")
	fmt.Fprintln(w, "Passwords come from --password-file F (its first line), CAIRN_SERVER_PASSWORD, or the terminal.")
	fmt.Fprintln(w, "SIZE: 500GB, 1TB, 250MiB or bytes. TIME: RFC 3339 (2026-11-25T14:00:00+01:00), a date, or an age (48h, 3d).")
	fmt.Fprintln(w, "Exit codes: 0 done, 1 failed, 2 usage.")
}

// newFlags returns a command's flag set, with --data.
func newFlags(name string, e *env) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("cairn-server "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "", "the data folder (also CAIRN_SERVER_DATA)")
	return fs, data
}

// parse parses flags that may come before, between or after positional
// arguments. Everything after "--" is positional.
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
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
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

// dataDir is the data folder from --data, or the environment.
func (e *env) dataDir(flagValue string) (string, error) {
	for _, d := range []string{flagValue, e.data, e.getenv("CAIRN_SERVER_DATA")} {
		if d != "" {
			return d, nil
		}
	}
	return "", usageErr("no data folder: give --data DIR or set CAIRN_SERVER_DATA")
}

// openData opens the data folder for a command.
func (e *env) openData(ctx context.Context, flagValue string) (*server.Data, error) {
	dir, err := e.dataDir(flagValue)
	if err != nil {
		return nil, err
	}
	// A server on PostgreSQL and S3 (docs/SCALING.md) gives its stores to
	// the administration commands the way `serve` takes them by default.
	return server.OpenDataWith(ctx, dir, e.getenv("CAIRN_SERVER_DB"), e.getenv("CAIRN_SERVER_BLOBS"), e.now, e.logger(slog.LevelWarn))
}

// userName checks a user name argument.
func userName(s string) (string, error) {
	n, err := records.UserName(s)
	if err != nil {
		return "", usageErr("%v", err)
	}
	return n, nil
}

// wantArgs checks the number of positional arguments.
func wantArgs(args []string, n int, what string) error {
	if len(args) != n {
		return usageErr("expected %s, got %q", what, strings.Join(args, " "))
	}
	return nil
}
