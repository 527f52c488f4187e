package getfiles

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/ui/uitest"
)

func TestRestoreFolderToDownloadsAndOpenIt(t *testing.T) {
	h := newHarness(t, uitest.New(t))
	h.check("Documents")
	j := h.restoreChecked()
	for _, rel := range []string{"report.txt", "notes/todo.txt", "budget 2026.ods"} {
		if got := readFile(t, filepath.Join(h.downloads, "Documents", rel)); got != uitest.Files["Documents/"+rel] {
			t.Errorf("Downloads/Documents/%s holds %q", rel, got)
		}
	}
	if want := "Restored 3 files (48 B) to " + h.downloads; j.card.status.Text != want {
		t.Errorf("the summary says %q, want %q", j.card.status.Text, want)
	}
	if h.s.sel.len() != 0 {
		t.Error("the checks stay after the restore was queued")
	}
	if j.card.open.Hidden {
		t.Fatal("no Open folder button")
	}
	test.Tap(j.card.open)
	if len(h.opened) != 1 || h.opened[0] != h.downloads {
		t.Errorf("Open folder opened %q, want %q", h.opened, h.downloads)
	}
	test.Tap(j.card.remove)
	if len(h.s.queue.jobs) != 0 || h.s.middle.Objects[0] != h.s.browse {
		t.Error("the Downloads list stays after its last restore was removed")
	}
}

func TestOlderVersionFromTheClockButton(t *testing.T) {
	a := uitest.New(t)
	a.Write(t, map[string]string{"Documents/report.txt": "the quarterly report, final"})
	a.Backup(t)
	h := newHarness(t, a)
	out := filepath.Join(a.Root, "restored here")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	h.chooseFolder(out)
	test.Tap(h.row("Documents/report.txt").clock)
	vd := h.s.versions
	h.waitFor("the versions", func() bool { return len(vd.versions) == 2 })
	if vd.status.Text != "2 versions, newest first. Choose one to restore it." {
		t.Errorf("the versions dialog says %q", vd.status.Text)
	}
	if vd.versions[0].Recorded <= vd.versions[1].Recorded {
		t.Error("the versions are not newest first")
	}
	h.waitFor("the older version's row", func() bool { return vd.restore[1] != nil })
	test.Tap(vd.restore[1])
	j := h.s.queue.jobs[0]
	h.waitJob(j)
	if got := readFile(t, filepath.Join(out, "report.txt")); got != uitest.Files["Documents/report.txt"] {
		t.Errorf("the older version restored as %q", got)
	}
	if !strings.Contains(j.title, "report.txt, the version of ") {
		t.Errorf("the job is called %q", j.title)
	}
}

func TestConflictRenamesTheExistingFileOrOverwritesIt(t *testing.T) {
	for _, overwrite := range []bool{false, true} {
		h := newHarness(t, uitest.New(t))
		h.a.Write(t, map[string]string{"Documents/report.txt": "changed since the backup"})
		h.s.panel.saveTo.SetSelectedIndex(int(toOriginal))
		if overwrite {
			h.s.panel.conflict.SetSelectedIndex(1)
		}
		h.check("Documents/report.txt")
		j := h.restoreChecked()
		if got := readFile(t, h.a.Path("Documents/report.txt")); got != uitest.Files["Documents/report.txt"] {
			t.Errorf("overwrite %v: report.txt holds %q after the restore", overwrite, got)
		}
		aside, _ := filepath.Glob(h.a.Path("Documents/report (before restore *).txt"))
		switch {
		case overwrite && len(aside) > 0:
			t.Errorf("overwrite kept the old file as %s", aside)
		case !overwrite && len(aside) != 1:
			t.Errorf("rename: %d files moved aside", len(aside))
		case !overwrite && readFile(t, aside[0]) != "changed since the backup":
			t.Errorf("the file moved aside holds %q", readFile(t, aside[0]))
		case !overwrite && !strings.Contains(j.card.details.Text, "1 existing file was renamed to keep it"):
			t.Errorf("the summary does not say a file was renamed: %q", cardText(j))
		}
		if want := "Restored 1 file (33 B) to where it was"; j.card.status.Text != want {
			t.Errorf("the summary says %q, want %q", j.card.status.Text, want)
		}
		if test.Tap(j.card.open); h.opened[0] != h.a.Path("Documents") {
			t.Errorf("Open folder opened %q", h.opened)
		}
	}
}

func TestPermissionsOfTheCurrentUser(t *testing.T) {
	a := uitest.NewDevice(t)
	if err := os.Chmod(a.Path("Music/playlist.m3u"), 0o600); err != nil {
		t.Fatal(err)
	}
	a.Backup(t)
	h := newHarness(t, a)
	h.check("Music/playlist.m3u")
	h.restoreChecked()
	mode := func(p string) os.FileMode {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return st.Mode().Perm()
	}
	if m := mode(filepath.Join(h.downloads, "playlist.m3u")); m != 0o600 {
		t.Errorf("with the original permissions the file has mode %o", m)
	}
	os.Remove(filepath.Join(h.downloads, "playlist.m3u"))
	h.s.panel.perms.SetSelectedIndex(1)
	h.check("Music/playlist.m3u")
	h.restoreChecked()
	fresh := filepath.Join(a.Root, "fresh")
	os.WriteFile(fresh, nil, 0o666)
	if m, want := mode(filepath.Join(h.downloads, "playlist.m3u")), mode(fresh); m != want {
		t.Errorf("with the current user's permissions the file has mode %o, want %o", m, want)
	}
}

func TestRestoreErrorIsSaidInWords(t *testing.T) {
	h := newHarness(t, uitest.New(t))
	blocker := filepath.Join(h.a.Root, "blocker")
	if err := os.WriteFile(blocker, []byte("a file, not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.s.panel.setFolder(filepath.Join(blocker, "inside")) // a folder that cannot exist
	h.check("thesis")
	j := h.restoreChecked()
	got := cardText(j)
	for _, want := range []string{"Cairn could not write to " + filepath.Join(blocker, "inside"), "not a directory", "Choose another place"} {
		if !strings.Contains(got, want) {
			t.Errorf("the summary does not say %q:\n%s", want, got)
		}
	}
	if !j.card.open.Hidden {
		t.Error("Open folder offered for a folder that does not exist")
	}
}

func TestCancelRunningAndWaitingRestores(t *testing.T) {
	a := uitest.NewDevice(t)
	// Enough packs (1 MB each in test archives) that a restore cancelled
	// at once cannot have written them all: the engine stops between packs.
	big := map[string]string{}
	rnd := rand.NewChaCha8([32]byte{1})
	for i := range 40 {
		b := make([]byte, 700_000)
		rnd.Read(b)
		big[fmt.Sprintf("Videos/clip%02d.bin", i)] = string(b)
	}
	a.Write(t, big)
	a.Backup(t)
	h := newHarness(t, a)
	thesis := h.row("thesis")
	h.check("Videos")
	// From here on the test runs nothing the background posted until both
	// restores are cancelled, so the first one is still running and the
	// second still waiting.
	test.Tap(h.s.panel.button)
	first := h.s.queue.jobs[0]
	test.Tap(first.card.cancel)
	if first.card.status.Text != "Cancelling…" || !first.card.cancel.Disabled() {
		t.Errorf("the restore being cancelled says %q", first.card.status.Text)
	}
	tapCheck(thesis.check)
	test.Tap(h.s.panel.button)
	second := h.s.queue.jobs[1]
	if second.state != waiting || second.card.status.Text != "Waiting for the restore before it to finish" {
		t.Fatalf("the second restore is %d: %q", second.state, second.card.status.Text)
	}
	test.Tap(second.card.cancel)
	h.waitJob(first)
	if got := first.card.status.Text; !strings.HasPrefix(got, "Cancelled: ") {
		t.Errorf("the cancelled restore says %q", got)
	}
	if got := second.card.status.Text; got != "Cancelled before it started." {
		t.Errorf("the restore cancelled before it started says %q", got)
	}
	if _, err := os.Stat(filepath.Join(h.downloads, "thesis")); !os.IsNotExist(err) {
		t.Errorf("the restore cancelled before it started wrote thesis: %v", err)
	}
	n, _ := filepath.Glob(filepath.Join(h.downloads, "Videos", "*.bin"))
	t.Logf("%d of %d files restored before the restore stopped", len(n), len(big))
	if len(n) == len(big) {
		t.Error("the cancelled restore restored everything")
	}
	test.Tap(h.s.queue.clear)
	if len(h.s.queue.jobs) != 0 {
		t.Error("Clear finished left jobs in the list")
	}
}
