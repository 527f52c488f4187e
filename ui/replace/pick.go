package replace

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/ui/words"
)

// pickPage is the second page: which computer this one replaces (a
// server's list; a folder holds one), the confirmation, and the old
// computer's archive password. Taking over the archive happens here.
type pickPage struct {
	s *Screen
	// One of the two is set.
	acct   *account
	folder string

	list     *widget.List
	chosen   int             // in acct.devices; -1: none
	agreed   map[string]bool // devices (or the folder: "") the person confirmed
	password *widget.Entry
	problem  *widget.Label
}

func newPickPage(s *Screen) *pickPage {
	p := &pickPage{s: s, chosen: -1, agreed: map[string]bool{}, password: widget.NewPasswordEntry(),
		problem: problemLabel()}
	p.password.OnSubmitted = func(string) { p.next() }
	return p
}

// showPickServer lists the account's computers to choose from.
func (s *Screen) showPickServer(acct *account) {
	p := newPickPage(s)
	p.acct = acct
	s.pick = p
	var center fyne.CanvasObject
	if len(acct.devices) == 0 {
		center = container.NewVBox(note(lang.L("There is no computer to replace in this account. Check the user name, or go back and set this computer up as a new one.")))
	} else {
		p.list = widget.NewList(func() int { return len(acct.devices) }, newDeviceRow,
			func(i widget.ListItemID, o fyne.CanvasObject) { p.fillRow(i, o) })
		p.list.OnSelected = func(i widget.ListItemID) { p.chosen = i; setProblem(p.problem, "") }
		p.list.OnUnselected = func(widget.ListItemID) { p.chosen = -1 }
		center = p.list
		if len(acct.devices) == 1 {
			p.list.Select(0)
		}
	}
	top := note(lang.L("These computers back up to {{.Server}} as {{.User}}. Choose the one this computer replaces.",
		map[string]any{"Server": acct.host, "User": acct.sign.User}))
	s.show(2, lang.L("Which computer does this one replace?"),
		container.NewBorder(top, p.bottom(lang.L("The old computer's archive password, not your account password")), nil, nil, center), nav{back: s.where.show, next: p.next, cancel: true})
}

// showPickFolder asks for the password of the backup in a folder.
func (s *Screen) showPickFolder(folder string) {
	p := newPickPage(s)
	p.folder = folder
	s.pick = p
	top := note(lang.L("A folder holds the backup of one computer: {{.Folder}}. Type the password of that backup, the one chosen when the old computer was set up.",
		map[string]any{"Folder": folder}))
	s.show(2, lang.L("Open the old computer's backup"), container.NewVScroll(container.NewVBox(top, p.bottom(""))),
		nav{back: s.where.show, next: p.next, cancel: true})
	s.w.Canvas().Focus(p.password)
}

func (p *pickPage) bottom(hint string) fyne.CanvasObject {
	form := widget.NewForm(&widget.FormItem{Text: lang.L("Backup password"), Widget: p.password, HintText: hint})
	return container.NewVBox(widget.NewSeparator(), form, p.problem)
}

func newDeviceRow() fyne.CanvasObject {
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	detail := widget.NewLabel("")
	detail.Truncation = fyne.TextTruncateEllipsis
	size := widget.NewLabel("")
	return container.NewBorder(nil, nil, widget.NewIcon(theme.ComputerIcon()), size,
		container.NewVBox(name, detail))
}

func (p *pickPage) fillRow(i widget.ListItemID, o fyne.CanvasObject) {
	d := p.acct.devices[i]
	row := o.(*fyne.Container)
	text := row.Objects[0].(*fyne.Container)
	text.Objects[0].(*widget.Label).SetText(d.Name)
	text.Objects[1].(*widget.Label).SetText(deviceDetail(d, p.s.deps.now()))
	row.Objects[2].(*widget.Label).SetText(words.Bytes(d.Bytes))
}

// deviceDetail is a computer's system and last backup in a line.
func deviceDetail(d remote.Device, now time.Time) string {
	if d.LastUpload == 0 {
		return lang.L("{{.OS}}, never backed up", map[string]any{"OS": osName(d.OS)})
	}
	return lang.L("{{.OS}}, last backed up {{.Time}}",
		map[string]any{"OS": osName(d.OS), "Time": words.When(time.Unix(0, d.LastUpload), now)})
}

// next checks the choice and the password, asks for the confirmation the
// first time, and takes the old computer's backup over.
func (p *pickPage) next() {
	if p.s.job != nil {
		return
	}
	key, name := "", ""
	if p.acct != nil {
		if p.chosen < 0 {
			setProblem(p.problem, lang.L("Choose the computer this one replaces."))
			return
		}
		key, name = p.acct.devices[p.chosen].ID, p.acct.devices[p.chosen].Name
	}
	if p.password.Text == "" {
		setProblem(p.problem, lang.L("Type the password of the old computer's backup."))
		p.s.w.Canvas().Focus(p.password)
		return
	}
	setProblem(p.problem, "")
	if p.agreed[key] {
		p.adopt()
		return
	}
	p.confirm(name, func() { p.agreed[key] = true; p.adopt() })
}

// confirm says in plain words what taking over means.
func (p *pickPage) confirm(name string, yes func()) {
	title := lang.L("Replace {{.Name}}?", map[string]any{"Name": name})
	text := lang.L("This computer takes the place of {{.Name}}. {{.Name}} will be signed out of the backup and can no longer back up. Its files stay in the backup, and this computer continues its history.",
		map[string]any{"Name": name})
	if p.acct == nil {
		title = lang.L("Replace the computer that backed up here?")
		text = lang.L("This computer takes the place of the computer that backed up to {{.Folder}}. Its files stay in the backup, and this computer continues its history. Do not let the old computer back up there any more.",
			map[string]any{"Folder": p.folder})
	}
	d := dialog.NewCustomConfirm(title, lang.L("Replace it"), lang.L("Cancel"), note(text), func(ok bool) {
		if ok {
			yes()
		}
	}, p.s.w)
	d.Resize(dialogSize(p.s.w, 520, 260))
	d.Show()
}

// adopt takes the old computer's backup over, off the UI thread. On a
// wrong password the page stays, to try again.
func (p *pickPage) adopt() {
	eng, kdf := p.s.deps.Engine, p.s.deps.KDF
	pw := []byte(p.password.Text)
	password := func(string, bool) ([]byte, error) { return pw, nil }
	var name, oldName string
	var work func(ctx context.Context) (device.AddResult, error)
	if p.acct != nil {
		oldName = p.acct.devices[p.chosen].Name
		sign, id, host, accountPw := p.acct.sign, p.acct.devices[p.chosen].ID, p.acct.host, p.acct.password
		name = sign.Name
		work = func(ctx context.Context) (device.AddResult, error) {
			sign.Password = func() ([]byte, error) { return accountPw, nil }
			sign.ConfirmFingerprint = func(fp string) (bool, error) { return p.s.confirmFingerprint(ctx, host, fp) }
			return eng.AdoptServerDevice(ctx, sign, id, password, kdf)
		}
	} else {
		folder := p.folder
		name = uniqueName(folderName(folder), eng.Config())
		work = func(ctx context.Context) (device.AddResult, error) {
			return eng.AdoptFolder(ctx, name, folder, password)
		}
	}
	p.s.run(lang.L("Opening the old computer's backup and reading what it holds… For a big backup this takes a while."),
		func(ctx context.Context) func() {
			_, err := work(ctx)
			return func() { p.adopted(oldName, err) }
		})
}

func (p *pickPage) adopted(oldName string, err error) {
	if err != nil {
		text := problem(err)
		if errors.Is(err, engine.ErrWrongPassword) {
			if p.acct != nil {
				// The server signs the old computer out before the archive
				// is unlocked: say so, so that the person goes on.
				text = lang.L("The password is not right. Try again; letters must match in case. {{.Name}} is signed out already: this computer takes its place once the password is right.",
					map[string]any{"Name": oldName})
			}
			p.s.w.Canvas().Focus(p.password)
		}
		setProblem(p.problem, text)
		return
	}
	if st := p.s.deps.Engine.Replacing(); st != nil {
		p.s.showChoose(*st)
	}
}
