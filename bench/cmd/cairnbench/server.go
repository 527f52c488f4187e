//go:build unix

package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// serverRun is Cairn backing up to, and restoring from, a cairn-server on
// loopback: the same corpus, the same steps as the folder destination, so
// the two throughputs can be compared.
type serverRun struct {
	first, restore sample
	err            error
	ran            bool
}

var (
	serverListening   = regexp.MustCompile(`listening on (https://\S+)`)
	serverFingerprint = regexp.MustCompile(`fingerprint: ([0-9a-f:]{95})`)
)

// serverSection measures a first backup and a full restore through a
// cairn-server (best of the runs for the restore; one first backup, each
// needing a fresh archive on a fresh server).
func (b *bench) serverSection(ctx context.Context) {
	srvBin := firstExecutable(b.cfg.cairnServer)
	c := b.cairnTool()
	if srvBin == "" || c == nil || c.bin == "" {
		return
	}
	b.printf("\n== Through a cairn-server on loopback\n")
	t := &tool{name: "cairn-via-server", bin: c.bin, state: filepath.Join(b.cfg.work, "cairn-via-server"), corpus: c.corpus, drv: cairnDriver{}}
	os.RemoveAll(t.state)
	if err := t.makeState(); err != nil {
		b.server.err = err
		return
	}
	data := filepath.Join(t.state, "server")
	srvEnv := append(t.env(), "CAIRN_SERVER_DATA="+data, "CAIRN_SERVER_PASSWORD="+password)
	if out, err := runEnv(ctx, srvEnv, srvBin, "user", "add", "bench"); err != nil {
		b.server.err = fmt.Errorf("user add: %v %s", err, out)
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.server.err = err
		return
	}
	addr := l.Addr().String()
	l.Close()
	srv := exec.Command(srvBin, "serve", "--listen", addr)
	srv.Env = srvEnv
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		b.server.err = err
		return
	}
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		srv.Wait()
	}()
	url, fp := "", ""
	sc := bufio.NewScanner(stdout)
	for (url == "" || fp == "") && sc.Scan() {
		if m := serverListening.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
		if m := serverFingerprint.FindStringSubmatch(sc.Text()); m != nil {
			fp = m[1]
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	if url == "" || fp == "" {
		b.server.err = fmt.Errorf("cairn-server did not start")
		return
	}
	env := append(t.env(), "CAIRN_SERVER_PASSWORD="+password)
	for _, args := range [][]string{
		{"dest", "add", "server", url, "--user", "bench", "--fingerprint", fp, "--device", "bench"},
		{"files", "add", t.corpus},
	} {
		if out, err := runEnv(ctx, env, c.bin, args...); err != nil {
			b.server.err = fmt.Errorf("cairn %s: %v %s", strings.Join(args, " "), err, out)
			return
		}
	}
	b.server.ran = true
	if err := b.warmCorpus(ctx); err != nil {
		b.server.err = err
		return
	}
	syscall.Sync()
	b.waitIdle(ctx)
	x, err := t.timed(ctx, b.logs, "cairn-via-server-first", command{args: []string{c.bin, "backup"}})
	if err != nil {
		b.server.err = err
		return
	}
	b.server.first = x
	b.printf("%s  %-15s %-14s %8.2f s wall  %8.2f s CPU  %6.0f MiB\n", time.Now().Format("15:04:05"), "First backup", "via server", x.wall, x.cpu, mib(x.rss))
	for rep := 1; rep <= b.cfg.runs; rep++ {
		target := filepath.Join(b.cfg.work, restoresDir, fmt.Sprintf("via-server-%d", rep))
		os.MkdirAll(target, 0o755)
		syscall.Sync()
		b.waitIdle(ctx)
		x, err := t.timed(ctx, b.logs, fmt.Sprintf("cairn-via-server-restore%d", rep), c.drv.restore(t, target))
		if err != nil {
			b.server.err = err
			return
		}
		if b.server.restore.wall == 0 || x.wall < b.server.restore.wall {
			b.server.restore = x
		}
		b.printf("%s  %-15s %-14s %8.2f s wall  %8.2f s CPU  %6.0f MiB\n", time.Now().Format("15:04:05"), "Full restore", "via server", x.wall, x.cpu, mib(x.rss))
	}
}

func (b *bench) cairnTool() *tool {
	for _, t := range b.tools {
		if t.name == "cairn" {
			return t
		}
	}
	return nil
}

// serverTable compares the folder destination and the server.
func (b *bench) serverTable() string {
	if !b.server.ran {
		if b.server.err != nil {
			return fmt.Sprintf("Not measured: %v\n", b.server.err)
		}
		return ""
	}
	c := b.cairn()
	rate := func(wall float64) string {
		if wall <= 0 {
			return "—"
		}
		return fmt.Sprintf("%.0f MB/s", float64(b.info.corpusBytes)/1e6/wall)
	}
	cell := func(x sample) string {
		return fmt.Sprintf("%.2f s (%s), %.1f CPU s, %.0f MiB", x.wall, rate(x.wall), x.cpu, mib(x.rss))
	}
	var rows [][]string
	for _, s := range []struct {
		name string
		id   stepID
		x    sample
	}{{"First backup", stepFirst, b.server.first}, {"Full restore", stepRestore, b.server.restore}} {
		folder := "—"
		if c != nil {
			if f, ok := c.best(s.id); ok {
				folder = cell(f)
			}
		}
		rows = append(rows, []string{s.name, folder, cell(s.x)})
	}
	out := mdTable([]string{"Step", "Folder destination", "cairn-server on 127.0.0.1 (TLS)"}, rows)
	if b.server.err != nil {
		out += fmt.Sprintf("\n**Problem: %v**\n", b.server.err)
	}
	return out
}

// runEnv runs a program with env and returns its output.
func runEnv(ctx context.Context, env []string, bin string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	return cmd.CombinedOutput()
}
