package managefiles

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cairnbackup/cairn/engine/selection"
	"github.com/cairnbackup/cairn/ui/uitest"
	"github.com/cairnbackup/cairn/ui/words"
)

// selectedText is what the size line says for e.
func selectedText(files, bytes int64) string {
	return fmt.Sprintf("Selected: %d files, %s", files, words.Bytes(bytes))
}

func TestHomeIsShownSelectedWithTheDefaultsLeftOut(t *testing.T) {
	h := newHarness(t, nil, nil)
	home := h.a.ArchivePath("")
	home = strings.TrimSuffix(home, "/")
	text, desc, st := h.row(home)
	if text != "ana (your home folder)" || desc != "ana (your home folder): partly backed up" {
		t.Errorf("home is labelled %q, described as %q", text, desc)
	}
	if st != Partial {
		t.Errorf("home shows %v, want Partial (selected, with ~/.cache left out below it)", st)
	}
	for rel, want := range map[string]State{"Documents": Checked, "Pictures": Checked, ".cache": Unchecked,
		"Documents/budget 2026.ods": Checked} {
		if rel == "Documents/budget 2026.ods" {
			h.open(h.a.ArchivePath("Documents"))
		}
		if got := h.state(h.a.ArchivePath(rel)); got != want {
			t.Errorf("%s shows %v, want %v", rel, got, want)
		}
	}
	if got := h.state("/"); got != Partial {
		t.Errorf("/ shows %v, want Partial", got)
	}
	h.with(func() {
		if !slices.ContainsFunc(h.s.exclusions.rows, func(r exclusionRow) bool { return r.pattern == "~/.cache" && r.isDefault }) {
			t.Error("~/.cache is not listed as a default exclusion")
		}
		if !h.s.save.Disabled() || !h.s.revert.Disabled() {
			t.Error("Save or Revert is enabled with nothing changed")
		}
	})
}

func TestAnUncheckedFolderIsLeftOutOfTheNextBackup(t *testing.T) {
	h := newHarness(t, nil, nil)
	music := h.a.ArchivePath("Music")
	h.tapBox(music)
	h.waitState(music, Unchecked)
	h.with(func() {
		if h.s.save.Disabled() || !strings.HasPrefix(h.s.status.Text, "Unsaved changes") {
			t.Errorf("after a change: Save disabled %v, status %q", h.s.save.Disabled(), h.s.status.Text)
		}
		if got := h.a.Dev.Selection().Exclude; len(got) != 0 {
			t.Errorf("the engine has %q before Save", got)
		}
	})
	h.save()
	if got := h.a.Dev.Selection().Exclude; !slices.Equal(got, []string{"~/Music"}) {
		t.Fatalf("saved Exclude = %q", got)
	}
	h.a.Backup(t)
	if h.inBackup("Music") || h.inBackup("Music/playlist.m3u") {
		t.Error("the unchecked folder was backed up")
	}
	for _, rel := range []string{"Documents/report.txt", "Pictures/cairn.jpg", "thesis/chapter1.tex"} {
		if !h.inBackup(rel) {
			t.Errorf("%s, beside the unchecked folder, was not backed up", rel)
		}
	}
}

func TestCheckingAFolderOutsideHomeIncludesIt(t *testing.T) {
	var outside string
	h := newHarness(t, nil, func(a *uitest.Archive) {
		outside = filepath.Join(a.Root, "outside")
		if err := os.MkdirAll(outside, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(outside, "x.txt"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	p := filepath.ToSlash(outside)
	if got := h.state(p); got != Unchecked {
		t.Fatalf("a folder outside home shows %v", got)
	}
	h.tapBox(p)
	h.waitState(p, Checked)
	h.save()
	if got := h.a.Dev.Selection().Include; !slices.Contains(got, p) || !slices.Contains(got, h.a.UserHome) {
		t.Errorf("Include = %q, want home and %s", got, p)
	}
	h.a.Backup(t)
	if !h.inBackup("../../outside/x.txt") {
		t.Error("the checked folder was not backed up")
	}
}

func TestABadPatternIsRefusedInWords(t *testing.T) {
	h := newHarness(t, nil, nil)
	before := h.a.Dev.Selection()
	h.with(func() {
		test.Type(h.s.exclusions.entry, "[abc")
		test.Tap(h.s.exclusions.add)
	})
	h.with(func() {
		p := h.s.exclusions.problem
		if !p.Visible() || !strings.HasPrefix(p.Text, "“[abc” cannot be used: ") || !strings.Contains(p.Text, "unclosed [") {
			t.Errorf("the problem shown is %q (visible %v)", p.Text, p.Visible())
		}
		if h.s.dirty() || !h.s.save.Disabled() {
			t.Error("a refused pattern changed the selection")
		}
		if h.s.exclusions.entry.Text != "[abc" {
			t.Errorf("the field was cleared: %q", h.s.exclusions.entry.Text)
		}
	})
	if after := h.a.Dev.Selection(); !sameSelection(before, after) {
		t.Errorf("the engine's selection changed: %+v", after)
	}
}

func TestAnAddedPatternIsSavedAndCounted(t *testing.T) {
	h := newHarness(t, nil, nil)
	before := h.estimate()
	h.with(func() {
		test.Type(h.s.exclusions.entry, "*.tex")
		test.Tap(h.s.exclusions.add)
	})
	h.removeButton("*.tex")
	// The unsaved selection is counted by the screen itself: two files fewer.
	if got := h.waitCounted(); got != selectedText(before.Files-2, before.Bytes-int64(len(uitest.Files["thesis/chapter1.tex"])+len(uitest.Files["thesis/chapter2.tex"]))) {
		t.Errorf("after adding *.tex the size reads %q (before: %+v)", got, before)
	}
	h.save()
	if got := h.a.Dev.Selection().Exclude; !slices.Equal(got, []string{"*.tex"}) {
		t.Errorf("saved Exclude = %q", got)
	}
	e := h.estimate()
	h.with(func() {
		if got := h.s.size.label.Text; got != selectedText(e.Files, e.Bytes) {
			t.Errorf("the screen counted %q, the engine %+v", got, e)
		}
	})
}

func TestTheSizeIsTheEnginesCount(t *testing.T) {
	h := newHarness(t, nil, nil)
	e := h.estimate()
	h.with(func() {
		if got := h.s.size.label.Text; got != selectedText(e.Files, e.Bytes) {
			t.Errorf("the screen shows %q, the engine counts %+v", got, e)
		}
	})
	h.tapBox(h.a.ArchivePath("thesis"))
	h.waitCounted()
	h.save()
	e = h.estimate()
	h.with(func() {
		if got := h.s.size.label.Text; got != selectedText(e.Files, e.Bytes) {
			t.Errorf("without thesis the screen shows %q, the engine counts %+v", got, e)
		}
	})
}

func TestRemovingADefaultAndRestoringThem(t *testing.T) {
	h := newHarness(t, nil, nil)
	cache := h.a.ArchivePath(".cache")
	h.tap(h.removeButton("~/.cache"))
	h.waitState(cache, Checked)
	h.with(func() {
		if slices.Contains(h.s.view.sel.Defaults, "~/.cache") || h.s.exclusions.restore.Disabled() {
			t.Errorf("after removing ~/.cache: defaults %q, restore disabled %v", h.s.view.sel.Defaults, h.s.exclusions.restore.Disabled())
		}
	})
	h.save()
	if slices.Contains(h.a.Dev.Selection().Defaults, "~/.cache") {
		t.Fatal("the removed default was saved")
	}
	h.tap(h.s.exclusions.restore)
	h.waitState(cache, Unchecked)
	h.save()
	want := selection.DefaultExclusions(h.s.goos, h.s.home)
	if got := h.a.Dev.Selection().Defaults; !slices.Equal(got, want) {
		t.Errorf("restored defaults = %q, want %q", got, want)
	}
	h.with(func() {
		if !h.s.exclusions.restore.Disabled() {
			t.Error("Restore the defaults is still enabled")
		}
	})
}

func TestTheDefaultsAreThoseOfTheSystem(t *testing.T) {
	h := newHarness(t, func(d *Deps) { d.GOOS = "windows" }, nil)
	h.with(func() {
		if !slices.ContainsFunc(h.s.exclusions.rows, func(r exclusionRow) bool {
			return r.heading && r.text == "Default exclusions for Windows"
		}) {
			t.Errorf("no heading names Windows's defaults: %+v", h.s.exclusions.rows[:3])
		}
		test.Tap(h.s.exclusions.restore)
		if want := selection.DefaultExclusions("windows", h.s.home); !slices.Equal(h.s.view.sel.Defaults, want) {
			t.Errorf("restored %q, want Windows's %q", h.s.view.sel.Defaults, want)
		}
	})
}

func TestCheckingAPathAPatternLeavesOutOffersToRemoveIt(t *testing.T) {
	h := newHarness(t, nil, nil)
	cache := h.a.ArchivePath(".cache")
	h.tapBox(cache)
	h.with(func() {
		if h.s.dirty() {
			t.Error("the tap changed the selection before the person answered")
		}
	})
	h.tap(h.button("Remove the exclusion"))
	h.waitState(cache, Checked)
	h.with(func() {
		if slices.Contains(h.s.view.sel.Defaults, "~/.cache") {
			t.Error("~/.cache is still a default exclusion")
		}
	})
}

func TestCheckingAFolderInsideAnUncheckedOne(t *testing.T) {
	h := newHarness(t, nil, nil)
	docs, notes := h.a.ArchivePath("Documents"), h.a.ArchivePath("Documents/notes")
	h.tapBox(docs)
	h.waitState(docs, Unchecked)
	h.open(docs)
	h.tapBox(notes)
	h.waitState(notes, Checked)
	h.waitState(docs, Partial)
	if got := h.state(h.a.ArchivePath("Documents/report.txt")); got != Unchecked {
		t.Errorf("report.txt, beside notes, shows %v", got)
	}
	h.save()
	h.a.Backup(t)
	if !h.inBackup("Documents/notes/todo.txt") || h.inBackup("Documents/report.txt") {
		t.Errorf("backed up: notes/todo.txt %v, report.txt %v", h.inBackup("Documents/notes/todo.txt"), h.inBackup("Documents/report.txt"))
	}
}

func TestRevertDropsUnsavedChanges(t *testing.T) {
	h := newHarness(t, nil, nil)
	before := h.a.Dev.Selection()
	music := h.a.ArchivePath("Music")
	h.tapBox(music)
	h.with(func() {
		test.Type(h.s.exclusions.entry, "*.iso")
		test.Tap(h.s.exclusions.add)
	})
	h.waitState(music, Unchecked)
	h.tap(h.s.revert)
	h.waitState(music, Checked)
	h.with(func() {
		if h.s.dirty() || !h.s.save.Disabled() || h.s.status.Visible() {
			t.Errorf("after Revert: dirty %v, status %q", h.s.dirty(), h.s.status.Text)
		}
		if slices.ContainsFunc(h.s.exclusions.rows, func(r exclusionRow) bool { return r.pattern == "*.iso" }) {
			t.Error("the added pattern is still listed")
		}
	})
	if after := h.a.Dev.Selection(); !sameSelection(before, after) {
		t.Errorf("Revert changed the engine's selection: %+v", after)
	}
}

func TestShownReadsTheSelectionAgainUnlessChanged(t *testing.T) {
	h := newHarness(t, nil, nil)
	if err := h.a.Dev.Exclude("*.m3u"); err != nil {
		t.Fatal(err)
	}
	h.with(h.s.Shown)
	h.removeButton("*.m3u")
	h.tapBox(h.a.ArchivePath("Pictures"))
	if err := h.a.Dev.Exclude("*.jpg"); err != nil {
		t.Fatal(err)
	}
	h.with(func() {
		h.s.Shown()
		if !h.s.dirty() || slices.Contains(h.s.view.sel.Exclude, "*.jpg") {
			t.Errorf("Shown dropped unsaved changes: %q", h.s.view.sel.Exclude)
		}
	})
}

func TestAnUnreadableFolderSaysSo(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any folder")
	}
	h := newHarness(t, nil, func(a *uitest.Archive) {
		a.Write(t, map[string]string{"locked/secret.txt": "x"})
		if err := os.Chmod(a.Path("locked"), 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(a.Path("locked"), 0o755) })
	})
	locked := h.a.ArchivePath("locked")
	h.open(locked)
	h.waitFor("the unreadable folder's note", func() bool {
		h.s.tree.w.ScrollTo(locked)
		b := h.findBox(locked)
		return b != nil && b.Text == "locked (cannot be read)"
	})
	if got := h.state(locked); got != Checked {
		t.Errorf("the unreadable folder shows %v", got)
	}
}

func TestAFolderGoneSinceItWasListedSaysItCannotBeRead(t *testing.T) {
	h := newHarness(t, nil, nil)
	music := h.a.ArchivePath("Music")
	h.row(music)
	h.a.Remove(t, "Music")
	h.open(music)
	h.waitFor("the note on the missing folder", func() bool {
		h.s.tree.w.ScrollTo(music)
		b := h.findBox(music)
		return b != nil && b.Text == "Music (cannot be read)"
	})
}
