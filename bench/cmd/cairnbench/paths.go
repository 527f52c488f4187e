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

// findMkcorpus returns the corpus generator: the -mkcorpus flag when given, else $CAIRN_SHARED/corpus/mkcorpus,
// else shared/corpus/mkcorpus next to the repository or next to any folder above it (CI may clone the repository
// deeper than /work/main).
func findMkcorpus(flagValue, root string) (string, error) {
	if flagValue != "" {
		p := absUnder(root, flagValue)
		if !isExecutable(p) {
			return "", fmt.Errorf("-mkcorpus %s: not an executable file", p)
		}
		return p, nil
	}
	var tried []string
	if shared := os.Getenv("CAIRN_SHARED"); shared != "" {
		tried = append(tried, filepath.Join(absUnder(root, shared), "corpus", "mkcorpus"))
	}
	for d := root; ; d = filepath.Dir(d) {
		tried = append(tried, filepath.Join(filepath.Dir(d), "shared", "corpus", "mkcorpus"))
		if filepath.Dir(d) == d {
			break
		}
	}
	for _, p := range tried {
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("corpus generator not found (tried %s); set CAIRN_SHARED or -mkcorpus",
		strings.Join(tried, ", "))
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}
