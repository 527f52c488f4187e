package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"strconv"
	"syscall"
	"time"
)

// settled is how much data may wait to be written to disk when a timed run starts.
const settled = 32 << 20

// waitWriteback waits, up to limit, until the data earlier steps wrote is on disk, so that no tool's timed run
// pays for writing out another's. sync(2) returns once the file systems it knows of are flushed, but flushing a
// restore's file system on a loop device makes its image file dirty in turn; this waits for that too.
func (b *bench) waitWriteback(ctx context.Context, limit time.Duration) {
	start := time.Now()
	for ctx.Err() == nil {
		pending, ok := unwritten()
		if !ok || pending <= settled {
			return
		}
		if time.Since(start) > limit {
			b.printf("          %.0f MiB still wait to be written to disk after %s; timing anyway\n",
				float64(pending)/(1<<20), limit)
			return
		}
		syscall.Sync()
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// unwritten returns the bytes of dirty and under-writeback pages (Linux's /proc/meminfo); false elsewhere.
func unwritten() (int64, bool) {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	return parseUnwritten(data)
}

// parseUnwritten sums the Dirty and Writeback lines of /proc/meminfo ("Dirty:  1234 kB").
func parseUnwritten(meminfo []byte) (int64, bool) {
	var total int64
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(meminfo))
	for sc.Scan() {
		fields := bytes.Fields(sc.Bytes())
		if len(fields) < 2 {
			continue
		}
		switch string(fields[0]) {
		case "Dirty:", "Writeback:":
			kb, err := strconv.ParseInt(string(fields[1]), 10, 64)
			if err != nil {
				return 0, false
			}
			total += kb << 10
			found++
		}
	}
	return total, found == 2
}
