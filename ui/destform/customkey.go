package destform

import (
	"context"
	"fmt"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/ui/words"
)

// showCustomKey shows a new custom key, once, and blocks the engine until
// the person says they kept it (nil) or cancels (context.Canceled): the
// archive is made only after that. heading says, in a saved file, what the
// key opens.
func (f *Form) showCustomKey(ctx context.Context, key, heading string) error {
	_, err := ask(ctx, f.deps, func(reply func(struct{}, error)) dialog.Dialog {
		return f.keyDialog(key, heading, reply)
	})
	return err
}

// keyDialog shows the key, selectable, with ways to copy it and save it to
// a file, and "I have kept it".
func (f *Form) keyDialog(key, heading string, reply func(struct{}, error)) dialog.Dialog {
	note := widget.NewLabel(lang.L("This key protects your backup, and Cairn shows it only now. Save it to a file or write it down, and keep it somewhere safe away from this computer: to restore your files elsewhere you need it, and if you lose it, nobody can restore them, not even your IT department."))
	note.Wrapping = fyne.TextWrapWord
	shown := widget.NewLabelWithStyle(key, fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	shown.Selectable = true
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord
	status.Hide()
	copyKey := widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(key)
		say(status, lang.L("The key is copied: paste it where you keep it."), widget.MediumImportance)
	})
	save := widget.NewButtonWithIcon(lang.L("Save to a file…"), theme.DocumentSaveIcon(), func() {
		f.saveKey(key, heading, status)
	})
	content := container.NewVBox(note, shown, container.NewCenter(container.NewHBox(copyKey, save)), status)
	d := dialog.NewCustomConfirm(lang.L("Keep your archive key"), lang.L("I have kept it"), lang.L("Cancel"), content,
		func(ok bool) {
			if !ok {
				reply(struct{}{}, context.Canceled)
				return
			}
			reply(struct{}{}, nil)
		}, f.w)
	d.Resize(dialogSize(f.w, 680, 320))
	d.Show()
	return d
}

// saveKey asks where to save the key and writes it there, saying how it
// went in status.
func (f *Form) saveKey(key, heading string, status *widget.Label) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if w == nil && err == nil {
			return // the person closed the chooser
		}
		if err == nil {
			err = writeKey(w, key, heading)
		}
		if err != nil {
			say(status, lang.L("The key could not be saved: {{.Why}}", map[string]any{"Why": words.Error(err)}), widget.DangerImportance)
			return
		}
		say(status, lang.L("Saved in {{.File}}. Keep a copy away from this computer too.", map[string]any{"File": w.URI().Path()}),
			widget.SuccessImportance)
	}, f.w)
	d.SetFileName(lang.L("Cairn archive key.txt"))
	d.Resize(f.w.Canvas().Size())
	d.Show()
}

// writeKey writes the key under its heading, and closes w.
func writeKey(w io.WriteCloser, key, heading string) error {
	_, err := fmt.Fprintf(w, "%s\n\n%s\n", heading, key)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// keyFileHeading says what a saved key opens.
func keyFileHeading(server, user, computer string) string {
	return lang.L("Cairn archive key of the computer {{.Computer}}, user {{.User}} on the server {{.Server}}. To restore its files on another computer, sign in with “A key you keep” and type this key:",
		map[string]any{"Computer": computer, "User": user, "Server": server})
}

// existingKey asks for the key of an archive that is there already,
// protected by a key the person keeps.
func (f *Form) existingKey(ctx context.Context) ([]byte, error) {
	return f.askSecret(ctx, lang.L("This backup has a key of its own"),
		lang.L("This computer has a backup on this server already, protected by a key you keep. Type that key: 13 groups of letters and digits."),
		lang.L("Archive key"), func() *widget.Entry {
			e := widget.NewEntry()
			e.TextStyle.Monospace = true
			e.SetPlaceHolder("ABCD-EFGH-…")
			return e
		})
}

func say(l *widget.Label, text string, imp widget.Importance) {
	l.Importance = imp
	l.SetText(text)
	l.Show()
}
