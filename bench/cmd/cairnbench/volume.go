//go:build unix

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Restores go to a file system of their own when the harness may make one.
//
// Creating many files on ext4 right after many were deleted costs far more than on a fresh file system: measured
// here, 30,000 empty files took 0.9 s in a new folder and 9.6 s after a tree of 60,000 files was deleted (kernel
// time, still there a minute later, gone once the freed inodes were used again). Every restore follows the
// deletion of something (the previous repetition, the previous tool's tree, the corpus of a smaller size), so
// whichever tool came next paid for it: in one bench-scale run Cairn's 30,000-file restore took 7.8 s against
// 1.3 s by hand. A fresh ext4 per restore (an image file mounted through a loop device) gives every tool the same
// file system, the one a person restoring to a disk has, and unmounting it frees everything at once.
//
// This needs root, mkfs.ext4 and loop devices (Linux). Elsewhere restores go to folders of the work folder and
// the report says so.

// volumes makes the fresh file systems of a run's restores.
type volumes struct {
	ok     bool
	reason string // why restores go to plain folders, when !ok
	work   string
}

// newVolumes finds out whether fresh file systems can be made, by making a small one.
func newVolumes(ctx context.Context, work string) *volumes {
	v := &volumes{work: work}
	switch {
	case runtime.GOOS != "linux":
		v.reason = "loop-mounted file systems are made on Linux only"
	case os.Geteuid() != 0:
		v.reason = "not run as root, so no file system could be mounted"
	default:
		for _, tool := range []string{"mkfs.ext4", "mount", "umount"} {
			if _, err := exec.LookPath(tool); err != nil {
				v.reason = tool + " is not installed"
				return v
			}
		}
		probe := filepath.Join(work, "volume-probe")
		if err := v.mount(ctx, probe, 64<<20, 1024); err != nil {
			v.reason = "a test file system could not be mounted: " + err.Error()
			return v
		}
		if err := v.unmount(ctx, probe); err != nil {
			v.reason = "a test file system could not be unmounted: " + err.Error()
			return v
		}
		v.ok = true
	}
	return v
}

// describe is the report's line on where restores went.
func (v *volumes) describe() string {
	if v.ok {
		return "- Restores: each repetition restores into a fresh ext4 file system (an image file mounted through a " +
			"loop device), the same for every tool.\n"
	}
	return "- Restores: into folders of the work folder (" + v.reason + "); a restore that follows the deletion of a " +
		"large tree is slowed by ext4, so compare restore times with care.\n"
}

// image is the file behind the file system mounted at dir.
func (v *volumes) image(dir string) string {
	return filepath.Join(v.work, "volume-"+filepath.Base(dir)+".img")
}

// restoreSpace is room for one restored tree: its data in 4 KiB blocks with as much again free, as on a disk a
// person restores to, and an inode per file and folder with margin. The image file is sparse, so the free half
// costs nothing. A file system the restore fills to half or more makes ext4 write back early: once its free space
// falls under twice the data waiting to be allocated, it flushes (ext4_nonda_switch). With the tree taking 53 % of
// the file system (the size before 7 December), that flush ran in every Cairn and kopia restore of the standard
// corpus (0.3–0.5 cores of "others", 1.76 s against 1.20 s for Cairn with room) and in none of restic's, which
// preallocates its files.
func restoreSpace(files int, bytes int64) (size int64, inodes int) {
	size = 2*bytes + int64(files)*8192 + 1<<30
	inodes = files + files/4 + 20000
	return size, inodes
}

// mount makes an ext4 file system of size bytes and inodes inodes in an image file (sparse: it takes what is
// written) and mounts it at dir. The inode tables and the journal are written now, so that no background
// initialisation runs during the timed restore.
func (v *volumes) mount(ctx context.Context, dir string, size int64, inodes int) error {
	img := v.image(dir)
	_ = exec.CommandContext(ctx, "umount", dir).Run() // left mounted by an interrupted run
	if err := os.Remove(img); err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.Create(img)
	if err != nil {
		return err
	}
	err = f.Truncate(size)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(img)
		return err
	}
	steps := [][]string{
		{"mkfs.ext4", "-q", "-F", "-N", strconv.Itoa(inodes), "-E", "lazy_itable_init=0,lazy_journal_init=0", img},
		{"mount", "-o", "loop,noatime", img, dir},
	}
	for _, s := range steps {
		if out, err := exec.CommandContext(ctx, s[0], s[1:]...).CombinedOutput(); err != nil {
			os.Remove(img)
			return fmt.Errorf("%s: %v: %s", s[0], err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// unmount unmounts dir and deletes its image: one file, so no pile of freed inodes is left behind.
func (v *volumes) unmount(ctx context.Context, dir string) error {
	if out, err := exec.CommandContext(ctx, "umount", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("umount: %v: %s", err, strings.TrimSpace(string(out)))
	}
	if err := os.Remove(v.image(dir)); err != nil {
		return err
	}
	return os.Remove(dir)
}

// restoreLine is the report's line on where restores went ("" before a run).
func (b *bench) restoreLine() string {
	if b.vols == nil {
		return ""
	}
	return b.vols.describe()
}

// unmountLeftovers unmounts what a failed repetition or an interrupted run left mounted in work, and deletes the
// images.
func unmountLeftovers(work string) {
	imgs, _ := filepath.Glob(filepath.Join(work, "volume-*.img"))
	for _, img := range imgs {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(img), "volume-"), ".img")
		_ = exec.Command("umount", filepath.Join(work, restoresDir, name)).Run()
		os.Remove(img)
	}
}
