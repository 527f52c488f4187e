package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/term"

	"github.com/cairnbackup/cairn/engine/device"
)

// passwordFunc returns how the archive password is obtained: CAIRN_PASSWORD
// for scripts, otherwise asked on the terminal (twice for a new one).
func passwordFunc(e *env) device.PasswordFunc {
	return func(prompt string, confirm bool) ([]byte, error) {
		if pw := e.getenv("CAIRN_PASSWORD"); pw != "" {
			return []byte(pw), nil
		}
		fd := int(e.stdin.Fd())
		if !term.IsTerminal(fd) {
			return readLine(e)
		}
		fmt.Fprint(e.stderr, prompt)
		pw, err := term.ReadPassword(fd)
		fmt.Fprintln(e.stderr)
		if err != nil {
			return nil, err
		}
		if len(pw) == 0 {
			return nil, errors.New("the password is empty")
		}
		if confirm {
			fmt.Fprint(e.stderr, "Repeat the password: ")
			again, err := term.ReadPassword(fd)
			fmt.Fprintln(e.stderr)
			if err != nil {
				return nil, err
			}
			if !bytes.Equal(pw, again) {
				return nil, errors.New("the two passwords differ; nothing was changed")
			}
		}
		return pw, nil
	}
}

// readLine reads a password from a pipe (for scripts that cannot set the
// environment).
func readLine(e *env) ([]byte, error) {
	line, err := bufio.NewReader(e.stdin).ReadBytes('\n')
	line = bytes.TrimRight(line, "\r\n")
	if len(line) == 0 {
		if err != nil {
			return nil, errors.New("no password: set CAIRN_PASSWORD or run cairn on a terminal")
		}
		return nil, errors.New("the password is empty")
	}
	return line, nil
}

// askSecret asks for one secret on the terminal (or reads a line from a pipe).
func askSecret(e *env, prompt string) ([]byte, error) {
	fd := int(e.stdin.Fd())
	if !term.IsTerminal(fd) {
		return readLine(e)
	}
	fmt.Fprint(e.stderr, prompt)
	pw, err := term.ReadPassword(fd)
	fmt.Fprintln(e.stderr)
	if err != nil {
		return nil, err
	}
	if len(pw) == 0 {
		return nil, errors.New("the password is empty")
	}
	return pw, nil
}
