//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// timeBin is GNU time (Debian package `time`): unlike the shell keyword it reports the peak RSS.
const timeBin = "/usr/bin/time"

// timeFormat asks GNU time for wall seconds, user and system CPU seconds, and peak RSS in KiB.
const timeFormat = "%e %U %S %M"

// sample is what one timed command cost.
type sample struct {
	wall  float64 // elapsed seconds
	cpu   float64 // user + system CPU seconds
	rss   int64   // peak resident set size, KiB
	other float64 // CPU cores used on average by everything else on the machine meanwhile: noise when above 0
}

// run runs c with t's environment, untimed, its output appended to logs/<name>.log.
func (t *tool) run(ctx context.Context, logs, name string, c command) error {
	logPath := filepath.Join(logs, name+".log")
	return execLogged(ctx, exec.CommandContext(ctx, c.args[0], c.args[1:]...), c, t.env(), logPath)
}

// timed runs c under GNU time with t's environment and returns its cost; its output goes to logs/<name>.log.
func (t *tool) timed(ctx context.Context, logs, name string, c command) (sample, error) {
	timePath := filepath.Join(logs, name+".time")
	args := append([]string{"-f", timeFormat, "-o", timePath}, c.args...)
	before := readCPUStat()
	err := execLogged(ctx, exec.CommandContext(ctx, timeBin, args...), c, t.env(), filepath.Join(logs, name+".log"))
	after := readCPUStat()
	if err != nil {
		return sample{}, err
	}
	out, err := os.ReadFile(timePath)
	if err != nil {
		return sample{}, fmt.Errorf("read timing: %w", err)
	}
	x, err := parseTime(out)
	x.other = otherLoad(before, after, x)
	return x, err
}

// cpuStat is the machine-wide CPU time from /proc/stat, in clock ticks.
type cpuStat struct{ busy, total uint64 }

func readCPUStat() cpuStat {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuStat{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal guest guest_nice
	if len(f) < 9 || f[0] != "cpu" {
		return cpuStat{}
	}
	var v [8]uint64
	for i := range v {
		v[i], _ = strconv.ParseUint(f[i+1], 10, 64)
	}
	busy := v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
	return cpuStat{busy: busy, total: busy + v[3] + v[4]}
}

// busyCores is how many cores the machine kept busy, on average, over the next d.
func busyCores(d time.Duration) float64 {
	before := readCPUStat()
	time.Sleep(d)
	after := readCPUStat()
	if after.total <= before.total {
		return 0
	}
	return float64(after.busy-before.busy) / float64(after.total-before.total) * float64(runtime.NumCPU())
}

// otherLoad is how many cores, on average, the rest of the machine kept busy while x ran: the machine's busy
// share of all cores minus the tool's own CPU time. It includes the kernel's write-back of the tool's own
// writes, so a little is normal; a lot means another program competed with the tool and its time is too long.
func otherLoad(before, after cpuStat, x sample) float64 {
	if after.total <= before.total || x.wall <= 0 {
		return 0
	}
	busy := float64(after.busy-before.busy) / float64(after.total-before.total) * float64(runtime.NumCPU())
	return max(0, busy-x.cpu/x.wall)
}

// execLogged runs cmd in its own process group (so an interrupt stops the tool, not only GNU time), with stdin
// empty and stdout and stderr appended to logPath. A failure's error ends with the log's last lines.
func execLogged(ctx context.Context, cmd *exec.Cmd, c command, env []string, logPath string) error {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "$ %s\n", c)
	cmd.Dir = c.dir
	cmd.Env = env
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("%s: timed out\n%s", c, logTail(logPath, 15))
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s: %w\n%s", c, err, logTail(logPath, 15))
	}
	return nil
}

// parseTime reads GNU time's -o file. When the command failed, GNU time writes a "Command exited with non-zero
// status" line first, so the figures are on the last line.
func parseTime(out []byte) (sample, error) {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	f := strings.Fields(lines[len(lines)-1])
	if len(f) != 4 {
		return sample{}, fmt.Errorf("unexpected GNU time output %q", out)
	}
	var v [4]float64
	for i, s := range f {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return sample{}, fmt.Errorf("unexpected GNU time output %q: %w", out, err)
		}
		v[i] = x
	}
	return sample{wall: v[0], cpu: v[1] + v[2], rss: int64(v[3])}, nil
}

// logTail returns the last n lines of a log, indented, for error messages.
func logTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(string(bytes.TrimRight(b, "\n")), "\n")
	// Progress output often redraws with carriage returns; keep what a terminal would show.
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		lines[i] = l
		if j := strings.LastIndexByte(l, '\r'); j >= 0 {
			lines[i] = l[j+1:]
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    | " + strings.Join(lines, "\n    | ") + "\n    (full log: " + path + ")"
}
