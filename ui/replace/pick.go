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
// server's list; a folder holds one), the confirmation, and the secret that
// protects the old computer's archive. Taking over the archive happens
// here.
//
// A server archive is first opened with the account password, which
// protects it when the old computer chose the account-password option (the
// default); only when it does not open it is the person asked for the old
// computer's archive password or the key they kept. A folder's archive
// always has an archive password of its own.
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
	// secret is the form holding password: on a server's page, shown only
	// once the account password did not open the archive.
	secret *widget.Form
	intro  *widget.Label // what opens the backup, in words
}

// errSecretNeeded is what the page's password function returns when the
// engine asks for a secret beyond the account password before the person
// was asked for one.
var errSecretNeeded = errors.New("the old computer's archive password or kept key is needed")

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
		p.list.OnSelected = func(i widget.ListItemID) { p.chosen = i; p.forgetSecret() }
		p.list.OnUnselected = func(widget.ListItemID) { p.chosen = -1 }
		center = p.list
		if len(acct.devices) == 1 {
			p.list.Select(0)
		}
	}
	top := note(lang.L("These computers back up to {{.Server}} as {{.User}}. Choose the one this computer replaces.",
		map[string]any{"Server": acct.host, "User": acct.sign.User}))
	if acct.sso {
		top.SetText(lang.L("These computers back up to {{.Server}} in your account. Choose the one this computer replaces.",
			map[string]any{"Server": acct.host}))
	}
	bottom := p.bottom(lang.L("Archive password or key"),
		lang.L("The old computer's archive password, or the key you kept (13 groups of letters and digits)"))
	p.showAccountIntro()
	s.show(2, lang.L("Which computer does this one replace?"),
		container.NewBorder(top, bottom, nil, nil, center), nav{back: s.where.show, next: p.next, cancel: true})
}

// showAccountIntro says that the account password is tried first, with
// no field to type another secret in.
func (p *pickPage) showAccountIntro() {
	p.intro.SetText(lang.L("Your account password opens the old computer's backup if it was set up with the account-password option, as most are. If it has an archive password of its own, or a key you kept, Cairn asks for it next."))
	if p.acct.sso {
		p.intro.SetText(lang.L("If your organisation keeps the key of the old computer's backup, it opens without a password. If it has an archive password of its own, or a key you kept, Cairn asks for it next."))
	}
	p.intro.Show()
	p.password.SetText("")
	p.secret.Hide()
}

// forgetSecret goes back to opening with the account password: another
// computer was chosen, whose archive may be protected otherwise.
func (p *pickPage) forgetSecret() {
	setProblem(p.problem, "")
	if p.acct != nil && p.secret != nil {
		p.showAccountIntro()
	}
}

// askSecret shows the password field: the account password did not open
// the old computer's archive.
func (p *pickPage) askSecret(oldName string, escrowed bool) {
	text := lang.L("Your account password does not open the backup of {{.Name}}: it was protected with an archive password of its own or with a key Cairn showed once for you to keep. Type that password or key. {{.Name}} is signed out already: this computer takes its place once it is right.",
		map[string]any{"Name": oldName})
	if p.acct != nil && p.acct.sso {
		text = lang.L("The backup of {{.Name}} is protected with an archive password of its own or with a key Cairn showed once for you to keep. Type that password or key. {{.Name}} is signed out already: this computer takes its place once it is right.",
			map[string]any{"Name": oldName})
	}
	if escrowed {
		text += " " + lang.L("If nobody knows it any more, your IT department can recover it: the old computer left its key with your organisation.")
	}
	p.intro.SetText(text)
	p.secret.Show()
	setProblem(p.problem, "")
	p.s.w.Canvas().Focus(p.password)
}

// showPickFolder asks for the password of the backup in a folder.
func (s *Screen) showPickFolder(folder string) {
	p := newPickPage(s)
	p.folder = folder
	s.pick = p
	top := note(lang.L("A folder holds the backup of one computer: {{.Folder}}. Type the password of that backup, the one chosen when the old computer was set up.",
		map[string]any{"Folder": folder}))
	s.show(2, lang.L("Open the old computer's backup"), container.NewVScroll(container.NewVBox(top, p.bottom(lang.L("Backup password"), ""))),
		nav{back: s.where.show, next: p.next, cancel: true})
	s.w.Canvas().Focus(p.password)
}

func (p *pickPage) bottom(label, hint string) fyne.CanvasObject {
	p.secret = widget.NewForm(&widget.FormItem{Text: label, Widget: p.password, HintText: hint})
	p.intro = note("")
	p.intro.Hide()
	return container.NewVBox(widget.NewSeparator(), p.intro, p.secret, p.problem)
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
	if p.password.Text == "" && p.secret.Visible() {
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
	password := func(string, bool) ([]byte, error) {
		if len(pw) == 0 {
			return nil, errSecretNeeded
		}
		return pw, nil
	}
	var name, oldName string
	var work func(ctx context.Context) (device.AddResult, error)
	if p.acct != nil {
		oldName = p.acct.devices[p.chosen].Name
		sign, id, host, accountPw := p.acct.sign, p.acct.devices[p.chosen].ID, p.acct.host, p.acct.password
		name = sign.Name
		if sign.SSO {
			p.s.ssoHooks(&sign) // should the sign-in have expired
		}
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
	if errors.Is(err, errSecretNeeded) {
		var ask *device.AskError
		p.askSecret(oldName, errors.As(err, &ask) && ask.Escrowed)
		return
	}
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
