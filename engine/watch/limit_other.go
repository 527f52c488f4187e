//go:build !linux

package watch

// limitName names the setting that bounds the watches, for Status.Problem:
// kqueue (macOS) holds one open file per watched file and folder.
const limitName = "the limit on open files"

// systemLimit returns how many watches the system allows: max when the
// options set one, else 0 (not known).
func systemLimit(max int) int { return max }
