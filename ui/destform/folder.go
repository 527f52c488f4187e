package destform

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
)

// folderFields are where a folder destination is and what it is called.
type folderFields struct {
	path, name *widget.Entry
	archive    *PasswordFields
	// named is set once the person types a name of their own; until then
	// the name follows the folder.
	named, naming bool
}

// NewFolderForm returns the form that adds a folder or an external drive:
// it creates an archive there, or continues the one the folder holds.
func NewFolderForm(w fyne.Window, d Deps, onAdded OnAdded) *Form {
	s := &folderFields{path: widget.NewEntry(), name: widget.NewEntry()}
	s.path.SetPlaceHolder(filepath.FromSlash("/media/you/drive/Cairn"))
	s.name.SetPlaceHolder(lang.L("Backup drive"))
	s.path.OnChanged = func(p string) { s.follow(p) }
	s.name.OnChanged = func(string) { s.named = !s.naming }
	choose := widget.NewButton(lang.L("Choose…"), func() { s.choose(w) })
	s.archive = NewPasswordFields(lang.L("Archive password"), lang.L("The archive password encrypts your files on the drive. Keep it safe: without it nobody can restore them. If the folder holds a Cairn backup already, Cairn asks for that backup's password instead."))
	s.archive.Require(DriveMinimum())
	fields := widget.NewForm(append([]*widget.FormItem{
		{Text: lang.L("Folder"), Widget: container.NewBorder(nil, nil, nil, choose, s.path),
			HintText: lang.L("An empty folder on an external drive, or one that holds a Cairn backup")},
		widget.NewFormItem(lang.L("Name"), s.name),
	}, s.archive.Items()...)...)
	f := newForm(w, d, onAdded, lang.L("Add"), fields, s.archive.HintObject())
	f.height = 440
	f.prepare = func() (job, bool) { return s.prepare(f) }
	f.folder = s
	return f
}

// DriveMinimum says why a drive's archive password must be long: Require
// takes it for a new drive, and Settings when a drive's password changes.
func DriveMinimum() string {
	return lang.L("This password protects everything on the drive, and whoever finds the drive can try passwords as fast as their computer allows: use at least 10 characters, for example three or four words.")
}

// SetFolder fills in the folder (a drive the first-run flow found, say).
// It does nothing on a server form.
func (f *Form) SetFolder(path string) {
	if f.folder != nil {
		f.folder.path.SetText(path)
	}
}

// follow names the destination after its folder until the person names it.
func (s *folderFields) follow(path string) {
	if s.named {
		return
	}
	s.naming = true
	s.name.SetText(nameForFolder(path))
	s.naming = false
}

func (s *folderFields) choose(w fyne.Window) {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			s.path.SetText(u.Path())
		}
	}, w)
	if p := strings.TrimSpace(s.path.Text); p != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(nearestFolder(p))); err == nil {
			d.SetLocation(l)
		}
	}
	// A list shows folder names whole; the grid breaks them over two lines
	// ("Documen ts"). A view the person chose in the dialog is kept.
	d.SetView(dialog.ListView)
	d.Resize(w.Canvas().Size())
	d.Show()
}

func (s *folderFields) prepare(f *Form) (job, bool) {
	path := strings.TrimSpace(s.path.Text)
	if path == "" {
		return f.refuse(s.path, lang.L("Choose a folder, or type its path."))
	}
	pw, ok := s.archive.Check()
	if !ok {
		f.showProblem("")
		return job{}, false
	}
	name := strings.TrimSpace(s.name.Text)
	if name == "" {
		name = uniqueName(nameForFolder(path), f.deps.Engine.Config())
	}
	existing := lang.L("{{.Folder}} holds a Cairn backup already. Type its password to go on with it.",
		map[string]any{"Folder": path})
	run := func(ctx context.Context) (string, device.AddResult, error) {
		res, err := f.deps.Engine.AddFolderDestination(ctx, name, path, func(_ string, confirm bool) ([]byte, error) {
			if confirm {
				return pw, nil
			}
			return f.existingPassword(ctx, existing)
		}, f.deps.KDF)
		return name, res, err
	}
	return job{doing: lang.L("Preparing the backup in {{.Folder}}…", map[string]any{"Folder": path}), run: run}, true
}

// nearestFolder is path, or the closest folder above it that exists, so the
// chooser opens near what was typed.
func nearestFolder(path string) string {
	for p := filepath.Clean(path); ; p = filepath.Dir(p) {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		if filepath.Dir(p) == p {
			return p
		}
	}
}
