package replace

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// confirmFingerprint is called by the engine, from its goroutine, when the
// server proves who it is with a certificate of its own: it shows the
// fingerprint on the UI thread and waits for the person's answer, or for
// Cancel (which closes the dialog).
func (s *Screen) confirmFingerprint(ctx context.Context, server, fp string) (bool, error) {
	answer := make(chan bool, 1)
	var dlg dialog.Dialog // only touched on the UI thread
	s.deps.do(func() {
		text := note(lang.L("{{.Server}} proves who it is with a certificate of its own. Compare this fingerprint with the one your IT department gave you. Trust it only if they are the same.",
			map[string]any{"Server": server}))
		fpLabel := widget.NewLabelWithStyle(splitFingerprint(fp), fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
		fpLabel.Selectable = true
		dlg = dialog.NewCustomConfirm(lang.L("Check the server's fingerprint"), lang.L("Trust"), lang.L("Cancel"),
			container.NewVBox(text, fpLabel), func(ok bool) {
				select {
				case answer <- ok:
				default:
				}
			}, s.w)
		dlg.Resize(dialogSize(s.w, 560, 300))
		dlg.Show()
	})
	select {
	case ok := <-answer:
		return ok, nil
	case <-ctx.Done():
		s.deps.do(func() {
			if dlg != nil {
				dlg.Hide()
			}
		})
		return false, ctx.Err()
	}
}

// splitFingerprint puts a long fingerprint on lines of 8 bytes, so it can
// be read out and compared group by group.
func splitFingerprint(fp string) string {
	parts := strings.Split(fp, ":")
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
