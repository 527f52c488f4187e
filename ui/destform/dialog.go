package destform

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
)

// ShowDialog shows a form in a dialog over w, with its submit button and
// Close. The dialog closes itself once the destination is added (after the
// form's OnAdded ran); Close cancels a running try.
func ShowDialog(w fyne.Window, title string, f *Form) dialog.Dialog {
	d := dialog.NewCustomWithoutButtons(title, f.Object(), w)
	submit := widget.NewButton(f.SubmitText(), f.Submit)
	submit.Importance = widget.HighImportance
	closeBtn := widget.NewButton(lang.L("Close"), func() {
		f.Cancel()
		d.Hide()
	})
	d.SetButtons([]fyne.CanvasObject{closeBtn, submit})
	onBusy := f.OnBusy
	f.OnBusy = func(busy bool) {
		if busy {
			submit.Disable()
		} else {
			submit.Enable()
		}
		if onBusy != nil {
			onBusy(busy)
		}
	}
	onAdded := f.onAdded
	f.onAdded = func(name string, res device.AddResult) {
		if onAdded != nil {
			onAdded(name, res)
		}
		d.Hide()
	}
	d.Resize(dialogSize(w, f.width, f.height))
	d.Show()
	return d
}
