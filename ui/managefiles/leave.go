package managefiles

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Leave is asked before the screen goes out of view or Cairn quits: with
// unsaved changes it asks whether to save them, and calls proceed once they
// are saved or discarded; Cancel (or a failed save, which the status line
// explains) keeps the person here and proceed is not called. Without
// changes proceed is called at once. Call it on the UI thread.
func (s *Screen) Leave(proceed func()) {
	if !s.dirty() || s.saving {
		proceed()
		return
	}
	var d *dialog.CustomDialog
	save := widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() {
		d.Hide()
		s.saveThen(proceed)
	})
	save.Importance = widget.HighImportance
	if s.view.err != nil {
		save.Disable() // an exclusion that cannot be used: the status line says which
	}
	discard := widget.NewButtonWithIcon(lang.L("Discard"), theme.DeleteIcon(), func() {
		d.Hide()
		s.note, s.bad = "", false
		s.show(s.saved)
		proceed()
	})
	cancel := widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { d.Hide() })
	text := widget.NewLabel(lang.L("You changed what is backed up and did not save it. Save uses your changes from the next backup; Discard drops them and backups go on as before."))
	text.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustomWithoutButtons(lang.L("Save your changes to what is backed up?"), text, s.w)
	d.SetButtons([]fyne.CanvasObject{cancel, discard, save})
	d.Resize(fyne.NewSize(min(520, s.w.Canvas().Size().Width-40), 220))
	d.Show()
}
