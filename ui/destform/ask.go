package destform

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// ask shows a dialog on the UI thread and blocks the calling goroutine (the
// engine's) until the person answers through reply, or ctx ends (Cancel),
// which closes the dialog.
func ask[T any](ctx context.Context, d Deps, show func(reply func(T, error)) dialog.Dialog) (T, error) {
	type answer struct {
		v   T
		err error
	}
	ch := make(chan answer, 1)
	reply := func(v T, err error) {
		select {
		case ch <- answer{v, err}:
		default: // answered already (a dialog's buttons close it too)
		}
	}
	var dlg dialog.Dialog // only touched on the UI thread
	d.do(func() { dlg = show(reply) })
	select {
	case a := <-ch:
		return a.v, a.err
	case <-ctx.Done():
		d.do(func() {
			if dlg != nil {
				dlg.Hide()
			}
		})
		var zero T
		return zero, ctx.Err()
	}
}

// existingPassword asks for the password of an archive that is there
// already (the engine asks with confirm=false). why says where it is.
func (f *Form) existingPassword(ctx context.Context, why string) ([]byte, error) {
	return f.askSecret(ctx, lang.L("This backup has a password"), why, lang.L("Password"), widget.NewPasswordEntry)
}

// askSecret asks for what opens an archive that is there already, in an
// entry newEntry makes (on the UI thread).
func (f *Form) askSecret(ctx context.Context, title, why, label string, newEntry func() *widget.Entry) ([]byte, error) {
	return ask(ctx, f.deps, func(reply func([]byte, error)) dialog.Dialog {
		pw := newEntry()
		note := widget.NewLabel(why)
		note.Wrapping = fyne.TextWrapWord
		items := []*widget.FormItem{widget.NewFormItem("", note), widget.NewFormItem(label, pw)}
		d := dialog.NewForm(title, lang.L("Continue"), lang.L("Cancel"), items,
			func(ok bool) {
				if !ok {
					reply(nil, context.Canceled)
					return
				}
				reply([]byte(pw.Text), nil)
			}, f.w)
		pw.OnSubmitted = func(string) { d.Submit() }
		d.Resize(dialogSize(f.w, 480, 260))
		d.Show()
		f.w.Canvas().Focus(pw)
		return d
	})
}

// confirmFingerprint shows a self-signed server's fingerprint and asks the
// person to compare it with the one their IT department gave them.
func (f *Form) confirmFingerprint(ctx context.Context, server, fp string) (bool, error) {
	return ask(ctx, f.deps, func(reply func(bool, error)) dialog.Dialog {
		note := widget.NewLabel(lang.L("{{.Server}} proves who it is with a certificate of its own. Compare this fingerprint with the one your IT department gave you. Trust it only if they are the same.",
			map[string]any{"Server": server}))
		note.Wrapping = fyne.TextWrapWord
		fpLabel := widget.NewLabelWithStyle(splitFingerprint(fp), fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
		fpLabel.Selectable = true
		d := dialog.NewCustomConfirm(lang.L("Check the server's fingerprint"), lang.L("Trust"), lang.L("Cancel"),
			container.NewVBox(note, fpLabel), func(ok bool) { reply(ok, nil) }, f.w)
		d.Resize(dialogSize(f.w, 560, 300))
		d.Show()
		return d
	})
}

// splitFingerprint puts a long fingerprint on lines of 8 bytes, so it can be
// read out and compared group by group.
func splitFingerprint(fp string) string {
	parts := strings.Split(fp, ":")
	if len(parts) < 2 {
		return fp
	}
	var lines []string
	for i := 0; i < len(parts); i += 8 {
		lines = append(lines, strings.Join(parts[i:min(i+8, len(parts))], ":"))
	}
	return strings.Join(lines, "\n")
}

// dialogSize is a dialog's size, given because a dialog measures wrapped
// text before it knows its width: as asked, or as big as the window allows.
func dialogSize(w fyne.Window, width, height float32) fyne.Size {
	if ws := w.Canvas().Size(); ws.Width > 0 {
		width, height = min(width, ws.Width-40), min(height, ws.Height-40)
	}
	return fyne.NewSize(width, height)
}
