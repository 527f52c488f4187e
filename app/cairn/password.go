package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/term"

	"github.com/cairnbackup/cairn/app/control"
	"github.com/cairnbackup/cairn/engine/device"
)

// passwordFunc returns how the archive password is obtained: CAIRN_PASSWORD
// for scripts, otherwise asked on the terminal (twice for a new one).
func passwordFunc(e *env) device.PasswordFunc {
	return func(prompt string, confirm bool) ([]byte, error) {
		if pw := e.getenv("CAIRN_PASSWORD"); pw != "" {
			return []byte(pw), nil
		}
		a, err := e.askLine(prompt)
		pw, err := secret(a, err)
		if err != nil || !confirm || !a.Terminal {
			return pw, err
		}
		again, err := e.askLine("Repeat the password: ")
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(pw, again.Line) {
			return nil, errors.New("the two passwords differ; nothing was changed")
		}
		return pw, nil
	}
}

// askSecret asks for one secret on the terminal (or reads a line from a pipe).
func askSecret(e *env, prompt string) ([]byte, error) {
	return secret(e.askLine(prompt))
}

// askLine asks for a secret: on a terminal it shows prompt and reads
// without echo; from a pipe (scripts that cannot set the environment) it
// reads a line, quietly. A command sent to the running app or daemon asks
// its caller's terminal or pipe.
func (e *env) askLine(prompt string) (control.Answer, error) {
	if e.ask != nil {
		return e.ask(control.Prompt{Text: prompt})
	}
	fd := int(e.stdin.Fd())
	if !term.IsTerminal(fd) {
		line, err := bufio.NewReader(e.stdin).ReadBytes('\n')
		return control.Answer{Line: bytes.TrimRight(line, "\r\n"), EOF: err != nil}, nil
	}
	fmt.Fprint(e.stderr, prompt)
	pw, err := term.ReadPassword(fd)
	fmt.Fprintln(e.stderr)
	return control.Answer{Line: pw, Terminal: true}, err
}

// secret turns an answer into a password, or says why there is none.
func secret(a control.Answer, err error) ([]byte, error) {
	switch {
	case err != nil:
		return nil, err
	case len(a.Line) == 0 && !a.Terminal && a.EOF:
		return nil, errors.New("no password: set CAIRN_PASSWORD or run cairn on a terminal")
	case len(a.Line) == 0:
		return nil, errors.New("the password is empty")
	}
	return a.Line, nil
}
