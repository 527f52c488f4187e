//go:build unix

package main

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// runInfo is what the report says about the run besides the figures.
type runInfo struct {
	date        time.Time
	command     string
	runs        int
	nproc       int
	cpu         string // model name from /proc/cpuinfo
	memory      int64  // bytes of RAM
	kernel      string
	os          string
	corpusFiles int
	corpusBytes int64
	took        time.Duration
}

func collectRunInfo(cfg config) runInfo {
	return runInfo{
		date:    time.Now().UTC(),
		command: cfg.command,
		runs:    cfg.runs,
		nproc:   runtime.NumCPU(),
		cpu:     procField("/proc/cpuinfo", "model name"),
		memory:  memTotal(),
		kernel:  readTrimmed("/proc/sys/kernel/osrelease"),
		os:      strings.Trim(procField("/etc/os-release", "PRETTY_NAME"), `"`),
	}
}

// procField returns the value of the first "key: value" or "key=value" line with that key.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			k, v, ok = strings.Cut(sc.Text(), "=")
		}
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func memTotal() int64 {
	f := strings.Fields(procField("/proc/meminfo", "MemTotal")) // "24570000 kB"
	if len(f) == 0 {
		return 0
	}
	kib, _ := strconv.ParseInt(f[0], 10, 64)
	return kib << 10
}

func readTrimmed(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}
