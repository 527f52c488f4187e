package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"time"
)

// startProfile writes a CPU profile to $CAIRN_CPUPROFILE and a heap profile
// to $CAIRN_MEMPROFILE, for performance work; $CAIRN_HEAPPROFILE gets the
// live heap $CAIRN_HEAPPROFILE_AFTER (default 1.5s) after the start.
func startProfile() func() {
	var stops []func()
	if p := os.Getenv("CAIRN_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			pprof.StartCPUProfile(f)
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if p := os.Getenv("CAIRN_TRACE"); p != "" {
		if f, err := os.Create(p); err == nil {
			trace.Start(f)
			stops = append(stops, func() { trace.Stop(); f.Close() })
		}
	}
	if p := os.Getenv("CAIRN_MEMPROFILE"); p != "" {
		stops = append(stops, func() {
			if f, err := os.Create(p); err == nil {
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		})
	}
	if p := os.Getenv("CAIRN_HEAPPROFILE"); p != "" {
		after := 1500 * time.Millisecond
		if d, err := time.ParseDuration(os.Getenv("CAIRN_HEAPPROFILE_AFTER")); err == nil {
			after = d
		}
		go func() {
			time.Sleep(after)
			if f, err := os.Create(p); err == nil {
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	if os.Getenv("CAIRN_MEMSTATS") != "" {
		stops = append(stops, func() {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			fmt.Fprintf(os.Stderr, "memstats: heap sys %d MiB, heap in use %d MiB, stacks %d MiB, other sys %d MiB, total sys %d MiB, GCs %d\n",
				m.HeapSys>>20, m.HeapInuse>>20, m.StackSys>>20, (m.Sys-m.HeapSys-m.StackSys)>>20, m.Sys>>20, m.NumGC)
		})
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}
