package watch

import "os"

// The descriptor budget of kqueue systems (macOS, the BSDs). fsnotify's
// kqueue backend holds an open file for every watched folder and for every
// file in it; watching a home folder of 100,000 files would take every
// descriptor the process may open, and then reads, the index and TLS
// connections fail. So watches get what the limit leaves after a reserve,
// and what does not fit is covered by the regular scans, reported as
// "limited" like inotify's limit on Linux.
//
// Files created in a watched folder later take descriptors too; the reserve
// absorbs them until the next start counts again.

// Reserve bounds: at least minReserve descriptors stay for the rest of the
// program (reading workers, Badger's tables and value logs, TLS and control
// connections, logs), or a quarter of the limit when that is more.
const (
	minReserve      = 1024
	reserveFraction = 4
)

// watchBudget returns how many descriptors watches may hold under an
// open-file limit (RLIMIT_NOFILE's soft limit, which Go raises to the hard
// limit at start, capped by kern.maxfilesperproc on macOS): the limit less
// the reserve, 0 when nothing is left.
func watchBudget(nofile uint64) int {
	const most = 1 << 30 // RLIM_INFINITY and other huge limits: this is plenty
	n := min(nofile, most)
	reserve := max(minReserve, n/reserveFraction)
	if n <= reserve {
		return 0
	}
	return int(n - reserve)
}

// fits reports whether a folder whose watch takes cost descriptors fits a
// budget of which used are taken. A budget below 0 means none (inotify:
// its watches hold no descriptors).
func fits(used, cost, budget int) bool {
	return budget < 0 || used+cost <= budget
}

// folderCost is what watching dir takes under kqueue: one descriptor for
// the folder and one per entry in it that is not a folder (sub-folders are
// watched, and counted, on their own).
func folderCost(dir string) int {
	entries, err := os.ReadDir(dir)
	n := 1
	for _, e := range entries {
		if !e.IsDir() {
			n++
		}
	}
	if err != nil && len(entries) == 0 {
		return 1
	}
	return n
}
