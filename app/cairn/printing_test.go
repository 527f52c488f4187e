package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine"
)

// The command line makes what it prints printable even when an error
// reaches it raw (from a path the engine does not clean): the last line of
// defence before the terminal.
func TestErrorsArePrintedPrintable(t *testing.T) {
	raw := errors.New("the server says \x1b]0;pwned\x07\x1b[2J\u202eok\xff")
	joined := errors.Join(raw, engine.ErrLocked)
	var buf bytes.Buffer
	if code := report(&buf, joined); code != exitError {
		t.Fatalf("exit %d", code)
	}
	out := buf.String()
	assertPrintableOutput(t, "report", out, `the server says \x1b]0;pwned\x07\x1b[2J\u202eok\xff`)
	if !strings.Contains(out, "\n(another cairn command") {
		t.Errorf("the hint lost its own line: %q", out)
	}

	fe := engine.FileError{Path: "/home/ana/a\nfake.txt", Err: fmt.Errorf("read: %w", raw)}
	line := fileErrorText(fe)
	assertPrintableOutput(t, "file error", line, `/home/ana/a\nfake.txt: read: the server says \x1b]0;pwned\x07`)
	if strings.Contains(line, "\n") {
		t.Errorf("a file error spans lines: %q", line)
	}
}
