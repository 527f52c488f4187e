package desktop

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/cairnbackup/cairn/engine/alerts"
)

// newNotifier shows alerts as the system's desktop notifications, in the
// person's language: an alert's English templates are the translation keys,
// its Data fills them in. It may be called from any goroutine.
func newNotifier(a fyne.App) func(alerts.Alert) {
	return func(al alerts.Alert) {
		n := fyne.NewNotification(lang.L(al.Title, al.Data), lang.L(al.Body, al.Data))
		fyne.Do(func() { a.SendNotification(n) })
	}
}
