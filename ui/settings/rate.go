package settings

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

const (
	kbps = "KB/s"
	mbps = "MB/s"
)

// rateField is an upload limit: "[✓] Limit uploads to [2] [MB/s]". Unchecked
// means no limit (0).
type rateField struct {
	limit *widget.Check
	rate  *widget.Entry
	unit  *widget.Select
	box   fyne.CanvasObject
}

func newRateField(changed func()) *rateField {
	r := &rateField{rate: widget.NewEntry()}
	r.limit = widget.NewCheck(lang.L("Limit uploads to"), func(on bool) {
		r.enable(on)
		changed()
	})
	r.rate.OnChanged = func(string) { changed() }
	r.unit = widget.NewSelect([]string{kbps, mbps}, func(string) { changed() })
	r.box = container.NewHBox(r.limit, container.NewGridWrap(fyne.NewSize(90, r.rate.MinSize().Height), r.rate), r.unit)
	return r
}

func (r *rateField) enable(on bool) { enable(on, r.rate, r.unit) }

// load shows a limit in KB/s (0: none), in MB/s when it is a whole number
// of them.
func (r *rateField) load(kb int) {
	r.limit.SetChecked(kb > 0)
	r.enable(kb > 0)
	switch {
	case kb == 0:
		r.rate.SetText("")
		r.unit.SetSelected(mbps)
	case kb%1000 == 0:
		r.rate.SetText(strconv.Itoa(kb / 1000))
		r.unit.SetSelected(mbps)
	default:
		r.rate.SetText(strconv.Itoa(kb))
		r.unit.SetSelected(kbps)
	}
}

// read returns the limit in KB/s (0: none); ok is false when what is typed
// is not a limit.
func (r *rateField) read() (kb int, ok bool) {
	if !r.limit.Checked {
		return 0, true
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(r.rate.Text), ",", "."), 64)
	if r.unit.Selected == mbps {
		n *= 1000
	}
	if err != nil || n < 1 || n > 1e9 {
		return 0, false
	}
	return int(n), true
}
