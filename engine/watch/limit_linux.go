package watch

import (
	"os"
	"strconv"
	"strings"
)

// limitName names the setting that bounds the watches, for Status.Problem.
const limitName = "fs.inotify.max_user_watches"

// systemLimit returns how many watches the system allows: max when the
// options set one, else inotify's per-user limit (0 when unreadable).
func systemLimit(max int) int {
	if max > 0 {
		return max
	}
	b, err := os.ReadFile("/proc/sys/fs/inotify/max_user_watches")
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return n
}
