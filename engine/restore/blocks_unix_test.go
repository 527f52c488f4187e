//go:build unix

package restore

import (
	"os"
	"syscall"
	"testing"
)

// diskBytes is the space a file takes on disk: its allocated blocks.
func diskBytes(t *testing.T, p string) int64 {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Sys().(*syscall.Stat_t).Blocks * 512
}
