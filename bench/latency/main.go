// Command latency measures continuous protection (`make bench-latency`):
// the time from a file's save to its being safe at a folder destination and
// at a server on loopback (median and worst of N saves), and the CPU the
// idle service uses while it watches a home folder of many files.
//
// It runs the real service (engine/service) with its real watcher over real
// files; the server is the real one (engine/server) over TLS on 127.0.0.1.
// It prints a Markdown table, and with -doc writes it between the
// `<!-- latency:begin -->` and `<!-- latency:end -->` markers of that file.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

func main() {
	saves := flag.Int("saves", 100, "saves to time")
	files := flag.Int("files", 100000, "files in the home folder watched while idle")
	idle := flag.Duration("idle", time.Minute, "how long to measure the idle service")
	doc := flag.String("doc", "", "write the table into this Markdown file between the latency markers")
	flag.Parse()
	if err := run(*saves, *files, *idle, *doc); err != nil {
		fmt.Fprintln(os.Stderr, "latency:", err)
		os.Exit(1)
	}
}

func run(saves, files int, idle time.Duration, doc string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "cairn-latency-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	url, fp, stop, err := startServer(ctx, filepath.Join(dir, "server"))
	if err != nil {
		return err
	}
	defer stop()

	home := filepath.Join(dir, "home")
	if err := makeHome(home, 1000); err != nil {
		return err
	}
	d, err := device.Open(filepath.Join(dir, "cairn"), device.Options{UserHome: home})
	if err != nil {
		return err
	}
	defer d.Close()
	pw := func(string, bool) ([]byte, error) { return []byte("latency benchmark"), nil }
	if _, err := d.AddFolderDestination(ctx, "drive", filepath.Join(dir, "drive"), pw, crypt.TestKDF); err != nil {
		return err
	}
	if _, err := d.AddServerDestination(ctx, device.ServerSignIn{Name: "server", URL: url, User: "ana", Device: "laptop",
		Fingerprint: fp, Password: func() ([]byte, error) { return []byte("account password"), nil }}, pw, crypt.TestKDF); err != nil {
		return err
	}
	if err := d.AddFiles(home); err != nil {
		return err
	}
	folderTimes, serverTimes, err := timeSaves(ctx, d, home, saves)
	if err != nil {
		return err
	}
	d.Close()

	cpu, scan, err := idleCPU(ctx, filepath.Join(dir, "idle"), files, idle)
	if err != nil {
		return err
	}
	table := report(saves, folderTimes, serverTimes, files, scan, idle, cpu)
	fmt.Print(table)
	if doc != "" {
		return writeDoc(doc, table)
	}
	return nil
}

// startServer runs the real server in this process, over TLS on loopback.
func startServer(ctx context.Context, dir string) (url, fingerprint string, stop func(), err error) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	data, err := server.OpenData(ctx, dir, time.Now, logger)
	if err != nil {
		return "", "", nil, err
	}
	h, _ := passhash.Hash([]byte("account password"), passhash.Test)
	if _, err := data.Records.AddUser(ctx, records.User{Name: "ana", PasswordHash: h}); err != nil {
		return "", "", nil, err
	}
	srv, err := server.New(server.Options{Vault: data.Vault, Logger: logger, HashParams: passhash.Test})
	if err != nil {
		return "", "", nil, err
	}
	ts := httptest.NewTLSServer(srv.Handler())
	return ts.URL, remote.Fingerprint(ts.Certificate().Raw), func() { ts.Close(); data.Close() }, nil
}

// makeHome writes n small files in folders of 100.
func makeHome(home string, n int) error {
	buf := make([]byte, 2048)
	for i := 0; i < n; i++ {
		p := filepath.Join(home, fmt.Sprintf("folder%04d", i/100), fmt.Sprintf("file%06d.txt", i))
		if i%100 == 0 {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
		}
		rand.Read(buf[:64])
		if err := os.WriteFile(p, buf, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// timeSaves saves files one after the other while the service runs, and
// measures for each how long until its new content is recorded at each
// destination (the folder when its index has the version; the server when,
// in addition, nothing waits to be sent).
func timeSaves(ctx context.Context, d *device.Device, home string, n int) (folder, srv []time.Duration, err error) {
	s := service.New(d)
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); s.Serve(sctx) }()
	defer func() { cancel(); <-done }()
	if err := waitUntil(5*time.Minute, func() bool { st := s.State(); return !st.LastSafe.IsZero() && st.Watching.Folders > 0 }); err != nil {
		return nil, nil, fmt.Errorf("first backup: %w", err)
	}
	for i := 0; i < n; i++ {
		p := filepath.Join(home, fmt.Sprintf("folder%04d", i%10), "saved.txt")
		// Every save has a size of its own, so its version cannot be
		// mistaken for an earlier one of the same file.
		content := fmt.Sprintf("save %d at %s\n", i, time.Now())
		content += strings.Repeat(".", 1000+i-len(content))
		saved := time.Now()
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return nil, nil, err
		}
		var tf, ts time.Duration
		err := waitUntil(2*time.Minute, func() bool {
			if tf == 0 && recorded(ctx, d, "drive", p, len(content)) {
				tf = time.Since(saved)
			}
			if ts == 0 && recorded(ctx, d, "server", p, len(content)) && sent(ctx, d, "server") {
				ts = time.Since(saved)
			}
			return tf > 0 && ts > 0
		})
		if err != nil {
			return nil, nil, fmt.Errorf("save %d never became safe: %w", i, err)
		}
		folder, srv = append(folder, tf), append(srv, ts)
		fmt.Fprintf(os.Stderr, "\rsave %d/%d: drive %v, server %v   ", i+1, n, tf.Round(time.Millisecond), ts.Round(time.Millisecond))
	}
	fmt.Fprintln(os.Stderr)
	return folder, srv, nil
}

// sent reports whether nothing waits in a server destination's queue.
func sent(ctx context.Context, d *device.Device, dest string) bool {
	for _, st := range d.Status(ctx).Destinations {
		if st.Name == dest {
			return st.Pending == 0
		}
	}
	return false
}

func recorded(ctx context.Context, d *device.Device, dest, p string, size int) bool {
	vs, err := d.Versions(ctx, dest, p)
	return err == nil && len(vs) > 0 && vs[len(vs)-1].Size == int64(size)
}

// idleCPU backs up a home of n files, then measures the CPU this process
// uses while the service watches it and nothing changes.
func idleCPU(ctx context.Context, dir string, n int, idle time.Duration) (pct float64, scan time.Duration, err error) {
	home := filepath.Join(dir, "home")
	if err := makeHome(home, n); err != nil {
		return 0, 0, err
	}
	d, err := device.Open(filepath.Join(dir, "cairn"), device.Options{UserHome: home})
	if err != nil {
		return 0, 0, err
	}
	defer d.Close()
	pw := func(string, bool) ([]byte, error) { return []byte("latency benchmark"), nil }
	if _, err := d.AddFolderDestination(ctx, "drive", filepath.Join(dir, "drive"), pw, crypt.TestKDF); err != nil {
		return 0, 0, err
	}
	if err := d.AddFiles(home); err != nil {
		return 0, 0, err
	}
	s := service.New(d)
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); s.Serve(sctx) }()
	defer func() { cancel(); <-done }()
	start := time.Now()
	if err := waitUntil(30*time.Minute, func() bool { st := s.State(); return !st.LastSafe.IsZero() && st.Watching.Folders > 0 }); err != nil {
		return 0, 0, fmt.Errorf("first backup of %d files: %w", n, err)
	}
	scan = time.Since(start)
	runtime.GC()
	before, t0 := cpuTime(), time.Now()
	time.Sleep(idle) // the quantity measured: CPU over this idle time
	used, wall := cpuTime()-before, time.Since(t0)
	return 100 * used.Seconds() / wall.Seconds(), scan, nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func waitUntil(limit time.Duration, ok func() bool) error {
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			return fmt.Errorf("not done after %v", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

func report(saves int, folder, srv []time.Duration, files int, scan, idle time.Duration, cpu float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %d cores (%s/%s), %s.\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	b.WriteString("| Save to safe (" + fmt.Sprint(saves) + " saves) | median | worst | target |\n|---|---|---|---|\n")
	for _, row := range []struct {
		name string
		d    []time.Duration
	}{{"folder destination", folder}, {"server on loopback (TLS)", srv}} {
		fmt.Fprintf(&b, "| %s | %.2f s | %.2f s | 10 s |\n", row.name, median(row.d).Seconds(), slices.Max(row.d).Seconds())
	}
	fmt.Fprintf(&b, "\n| Idle service watching %d files | value | target |\n|---|---|---|\n", files)
	fmt.Fprintf(&b, "| CPU over %v idle | %.2f %% of a core | under 1 %% |\n", idle, cpu)
	fmt.Fprintf(&b, "| first backup and watches in place | %.1f s | |\n", scan.Seconds())
	return b.String()
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func writeDoc(path, table string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	const begin, end = "<!-- latency:begin -->", "<!-- latency:end -->"
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %s … %s markers", path, begin, end)
	}
	s = s[:i+len(begin)] + "\n" + table + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}
