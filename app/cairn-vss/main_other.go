//go:build !windows

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "cairn-vss is Cairn's open-file helper for Windows: it runs only on Windows.")
	os.Exit(1)
}
