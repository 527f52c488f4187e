//go:build !linux

package table

// dropPages: other systems do not count a file mapping's pages as the
// process's own (drop_linux.go).
func dropPages([]byte) {}
