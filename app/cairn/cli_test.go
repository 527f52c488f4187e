package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// buildCLI builds the command-line binary (bin/cairn: -tags cli) into a
// temporary folder.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cairn")
	if out, err := exec.Command("go", "build", "-tags", "cli", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -tags cli: %v\n%s", err, out)
	}
	return bin
}

// plainEnv is a terminal's environment in a plain C locale (lang: C, or
// C.UTF-8, Debian's default where no other is set up), with a new home.
func plainEnv(t *testing.T, lang string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LANG=") && !strings.HasPrefix(kv, "LC_") && !strings.HasPrefix(kv, "CAIRN_") {
			env = append(env, kv)
		}
	}
	return append(env, "LANG="+lang, "CAIRN_HOME="+filepath.Join(t.TempDir(), "home"))
}

// A command run in a terminal starts no GUI toolkit: the command-line binary
// links no Fyne, and says nothing on stderr in a plain C locale (Fyne's
// initialisers log "Fyne error: Error parsing user locale C" with
// LANG=C.UTF-8, whatever the command).
func TestCommandLineStartsNoGUIToolkit(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "cli", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "fyne.io/") || strings.HasSuffix(pkg, "/app/desktop") || strings.HasPrefix(pkg, "github.com/go-gl/") {
			t.Fatalf("the command-line build links %s", pkg)
		}
	}
	bin := buildCLI(t)
	for _, lang := range []string{"C", "C.UTF-8"} {
		for _, args := range [][]string{{"version"}, {"status"}} {
			cmd := exec.Command(bin, args...)
			cmd.Env = plainEnv(t, lang)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("cairn %s: %v\n%s%s", args[0], err, stdout.String(), stderr.String())
			}
			if stderr.Len() > 0 {
				t.Errorf("cairn %s wrote to stderr with LANG=%s:\n%s", args[0], lang, stderr.String())
			}
		}
	}
}

// Without a command, the command-line binary hands over to the desktop app
// next to it, and says plainly when there is none.
func TestCommandLineWithoutDesktopAppSaysSo(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the binary's name differs on Windows")
	}
	bin := buildCLI(t)
	cmd := exec.Command(bin)
	cmd.Env = plainEnv(t, "C")
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != exitError {
		t.Fatalf("exit: %v, want %d\n%s", err, exitError, out)
	}
	want := "the desktop app is not installed next to this command (" + filepath.Join(filepath.Dir(bin), "cairn-desktop") + " is missing)"
	if !strings.Contains(string(out), want) {
		t.Fatalf("output %q lacks %q", out, want)
	}
}
