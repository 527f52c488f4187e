package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"

	"golang.org/x/term"
)

// minPassword is the shortest password accepted for an account.
const minPassword = 8

// readPassword gets a new account password: the first line of file, else
// CAIRN_SERVER_PASSWORD, else asked twice on the terminal.
func readPassword(e *env, file, who string) ([]byte, error) {
	pw, err := passwordFrom(e, file, who)
	if err != nil {
		return nil, err
	}
	if len([]rune(string(pw))) < minPassword {
		return nil, fmt.Errorf("the password is shorter than %d characters", minPassword)
	}
	return pw, nil
}

func passwordFrom(e *env, file, who string) ([]byte, error) {
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("password file: %w", err)
		}
		defer f.Close()
		line, err := bufio.NewReader(f).ReadBytes('\n')
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			if err != nil {
				return nil, fmt.Errorf("password file %s is empty", file)
			}
			return nil, fmt.Errorf("the first line of %s is empty", file)
		}
		return line, nil
	}
	if pw := e.getenv("CAIRN_SERVER_PASSWORD"); pw != "" {
		return []byte(pw), nil
	}
	fd := int(e.stdin.Fd())
	if !term.IsTerminal(fd) {
		return nil, errors.New("no password: give --password-file F, set CAIRN_SERVER_PASSWORD, or run on a terminal")
	}
	fmt.Fprintf(e.stderr, "Password for %s: ", who)
	pw, err := term.ReadPassword(fd)
	fmt.Fprintln(e.stderr)
	if err != nil {
		return nil, err
	}
	fmt.Fprint(e.stderr, "Repeat it: ")
	again, err := term.ReadPassword(fd)
	fmt.Fprintln(e.stderr)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(pw, again) {
		return nil, errors.New("the two passwords differ; nothing was changed")
	}
	return pw, nil
}
