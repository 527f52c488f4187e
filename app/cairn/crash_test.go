package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/internal/testtree"
)

// crashTree is enough data for a backup or restore to take a while and
// write many small packs.
func crashTree() map[string]testtree.Node {
	nodes := map[string]testtree.Node{}
	for i := 0; i < 40; i++ {
		nodes[fmt.Sprintf("Pictures/%02d/IMG_%04d.jpg", i%5, i)] = testtree.Node{Random: 1<<20 + i*1000}
	}
	for i := 0; i < 400; i++ {
		nodes[fmt.Sprintf("Documents/%02d/note-%04d.txt", i%20, i)] = testtree.Node{
			Data: strings.Repeat(fmt.Sprintf("line %d of a note that compresses well\n", i), 50+i)}
	}
	return nodes
}

// start runs cairn in the background.
func (c *cli) start(args ...string) *exec.Cmd {
	c.t.Helper()
	cmd := exec.Command(cairnBin, args...)
	cmd.Env, cmd.Dir = c.env, c.dir
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	return cmd
}

// killWhen waits (polling, with a generous deadline) until cond holds or the
// command ends, then kills it with SIGKILL. It reports whether the kill
// came before the command finished by itself.
func killWhen(t *testing.T, cmd *exec.Cmd, cond func() bool) bool {
	t.Helper()
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	deadline := time.After(60 * time.Second)
	for !cond() {
		select {
		case <-exited:
			return false
		case <-deadline:
			cmd.Process.Kill()
			t.Fatal("the condition never came")
		case <-time.After(2 * time.Millisecond):
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-exited
	return true
}

// countFiles counts the files in place (not restore's temporary files).
func countFiles(dir string) int { return countFilesBefore(dir, time.Time{}) }

// countFilesBefore counts the files in place last modified before t (any
// time when t is zero). A restore writes files into folders it made under
// their own names and gives each its recorded time when it is complete, so
// files restored completely are those from before the restore began.
func countFilesBefore(dir string, t time.Time) int {
	n := 0
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || strings.HasSuffix(d.Name(), ".cairn-restore") {
			return nil
		}
		if info, err := d.Info(); err == nil && (t.IsZero() || info.ModTime().Before(t)) {
			n++
		}
		return nil
	})
	return n
}

func TestKill9DuringBackupLosesNothing(t *testing.T) {
	c := newCLI(t)
	c.setenv("CAIRN_TEST_PACK_SIZE=1048576")
	src, dest := c.setup(crashTree())
	killed := 0
	for round := 0; round < 8; round++ {
		// Change something every round, so every run has work to do.
		testtree.Write(t, src, map[string]testtree.Node{
			fmt.Sprintf("Round/%d.bin", round):                 {Random: 3 << 20},
			fmt.Sprintf("Documents/%02d/note-0001.txt", round): {Data: fmt.Sprintf("edited in round %d", round)},
		})
		before := len(packFiles(t, dest))
		cmd := c.start("backup")
		// Kill at different moments: at once, then after 1, 2, 3… new packs.
		if killWhen(t, cmd, func() bool { return len(packFiles(t, dest)) >= before+round }) {
			killed++
		}
	}
	if killed < 4 {
		t.Fatalf("only %d of 8 backups were killed before they finished", killed)
	}
	c.ok("backup")
	c.ok("verify", "--full")
	c.restoreAndCompare(src)
	if out := c.ok("backup"); !strings.Contains(out, "0 new, 0 changed") {
		t.Fatalf("after recovery a backup still finds work: %s", out)
	}
}

func TestKill9DuringRestoreThenRunAgain(t *testing.T) {
	c := newCLI(t)
	src, _ := c.setup(crashTree())
	c.ok("backup")
	to := filepath.Join(c.dir, "restored")
	started := time.Now()
	cmd := c.start("restore", "--to", to, src)
	if !killWhen(t, cmd, func() bool { return countFilesBefore(to, started) >= 100 }) {
		t.Skip("the restore finished before it could be killed")
	}
	out := c.ok("restore", "--to", to, src)
	if !strings.Contains(out, "already in place") {
		t.Fatalf("second run: %s", out)
	}
	var strays []string
	filepath.WalkDir(to, func(p string, d fs.DirEntry, err error) error {
		if strings.Contains(p, "before restore") || strings.Contains(p, "cairn-restore") {
			strays = append(strays, p)
		}
		return nil
	})
	if len(strays) > 0 {
		t.Fatalf("left behind: %v", strays)
	}
	testtree.Equal(t, testtree.Snapshot(t, src), testtree.Snapshot(t, filepath.Join(to, "ana")), testtree.Options{})
	os.RemoveAll(to)
}
