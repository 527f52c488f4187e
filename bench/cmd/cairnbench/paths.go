//go:build unix

package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

const modulePath = "github.com/cairnbackup/cairn"

// repoRoot finds the Cairn repository from the current folder upwards, so the harness works from any subfolder
// and wherever CI cloned it.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if isCairnModule(filepath.Join(d, "go.mod")) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod of %s in %s or above: run from inside the repository", modulePath, dir)
		}
	}
}

func isCairnModule(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 2 && fields[0] == "module" {
			return fields[1] == modulePath
		}
	}
	return false
}

// absUnder makes p absolute, relative to root when it is not already.
func absUnder(root, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(root, p)
}

// findMkcorpus returns the corpus generator named by the -mkcorpus flag, relative to the repository root.
func findMkcorpus(flagValue, root string) (string, error) {
	p := absUnder(root, flagValue)
	if !isExecutable(p) {
		return "", fmt.Errorf("corpus generator %s not found: build it with `go build -o %s ./bench/cmd/mkcorpus` "+
			"(bench/run.sh does)", p, p)
	}
	return p, nil
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}
