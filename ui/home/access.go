package home

import (
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
)

// accessCard asks for macOS Full Disk Access when the device says it is
// missing (Device.FullDiskAccessMissing, false on other systems): without
// it Mail, Messages and Safari cannot be read, and the person would see
// only "could not be read".
type accessCard struct {
	card *widget.Card
}

func newAccessCard(open func(*url.URL)) *accessCard {
	text := widget.NewLabel(lang.L("Cairn cannot read Mail, Messages and Safari: give it Full Disk Access in System Settings → Privacy & Security."))
	text.Wrapping = fyne.TextWrapWord
	button := widget.NewButton(lang.L("Open System Settings"), func() {
		if u, err := url.Parse(device.FullDiskAccessURL); err == nil {
			open(u)
		}
	})
	button.Importance = widget.HighImportance
	c := &accessCard{card: widget.NewCard("", "", container.NewVBox(text, container.NewHBox(button)))}
	c.card.Hide()
	return c
}

// show shows the card while access is missing.
func (c *accessCard) show(missing bool) {
	if missing == c.card.Visible() {
		return
	}
	if missing {
		c.card.Show()
	} else {
		c.card.Hide()
	}
}
