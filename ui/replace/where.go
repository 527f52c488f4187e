package replace

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/ui/signon"
)

// wherePage asks where the old computer backed up: a server or a folder.
// It is built once, so what was typed is still there after Back.
type wherePage struct {
	s       *Screen
	kind    *widget.RadioGroup
	address *widget.Entry
	user    *widget.Entry
	pass    *widget.Entry
	fp      *widget.Entry
	name    *widget.Entry // this computer's name at the server
	folder  *widget.Entry
	server  *fyne.Container // the server's form, laid out for its ways of signing in
	drive   *widget.Form
	sso     signon.Offer
	problem *widget.Label
	content fyne.CanvasObject

	// trusted remembers the fingerprints the person confirmed, by server
	// address, so that signing in again (after a wrong password) does not
	// ask a second time. Written by the sign-in's goroutine.
	mu      sync.Mutex
	trusted map[string]string
}

// account is a server signed in to on the first page, for the second.
type account struct {
	sign     device.ServerSignIn // Name, URL, User and the fingerprint trusted
	host     string
	password []byte // nil with single sign-on
	sso      bool   // signed in with the organisation's account
	devices  []remote.Device
}

func newWherePage(s *Screen) *wherePage {
	p := &wherePage{s: s, address: widget.NewEntry(), user: widget.NewEntry(), pass: widget.NewPasswordEntry(),
		fp: widget.NewEntry(), name: widget.NewEntry(), folder: widget.NewEntry(), problem: problemLabel(),
		trusted: map[string]string{}}
	if host, err := os.Hostname(); err == nil {
		p.name.SetText(host)
	}
	p.address.SetPlaceHolder("https://backup.example.org:8443")
	p.fp.SetPlaceHolder("12:ab:…")
	p.folder.SetPlaceHolder(filepath.FromSlash("/media/you/drive/Cairn"))
	p.sso.Button = widget.NewButton("", p.signInSSO)
	p.sso.Button.Importance = widget.HighImportance
	p.server = container.NewStack()
	p.layout()
	p.address.OnChanged = func(string) { p.typed() }
	p.fp.OnChanged = func(string) { p.typed() }
	choose := widget.NewButton(lang.L("Choose…"), p.chooseFolder)
	p.drive = widget.NewForm(&widget.FormItem{Text: lang.L("Folder"),
		Widget:   container.NewBorder(nil, nil, nil, choose, p.folder),
		HintText: lang.L("The folder the old computer backed up to, on an external drive or a network share")})
	server, drive := lang.L("To a Cairn server"), lang.L("To a folder or an external drive")
	p.kind = widget.NewRadioGroup([]string{server, drive}, func(v string) {
		showIf(p.server, v == server)
		showIf(p.drive, v == drive)
		setProblem(p.problem, "")
	})
	p.kind.Required = true
	p.kind.Horizontal = true
	p.kind.SetSelected(server)
	p.pass.OnSubmitted = func(string) { p.next() }
	p.fp.OnSubmitted = func(string) { p.next() }
	p.folder.OnSubmitted = func(string) { p.next() }
	p.content = container.NewVScroll(container.NewVBox(
		note(lang.L("Cairn takes over the backup of the computer this one replaces: you get its files and settings back, and its history goes on here.")),
		p.kind, p.server, p.drive, p.problem))
	return p
}

// layout lays the server's form out for the ways the server offers: the
// password fields, or the organisation's button (with the password fields
// under it when the server takes passwords too).
func (p *wherePage) layout() {
	address := widget.NewFormItem(lang.L("Server address"), p.address)
	user := widget.NewFormItem(lang.L("User name"), p.user)
	password := widget.NewFormItem(lang.L("Password"), p.pass)
	fingerprint := &widget.FormItem{Text: lang.L("Fingerprint"), Widget: p.fp,
		HintText: lang.L("Optional: type it if your IT department gave you one")}
	items := []*widget.FormItem{address, user, password, fingerprint}
	if p.sso.Offered() {
		items = []*widget.FormItem{address, fingerprint, p.sso.Item()}
		if p.sso.Methods.Password {
			items = append(items, user, password)
		}
	}
	items = append(items, &widget.FormItem{Text: lang.L("This computer"), Widget: p.name,
		HintText: lang.L("Its name on the server, so you can tell your computers apart")})
	p.server.Objects = []fyne.CanvasObject{widget.NewForm(items...)}
	p.server.Refresh()
}

func (p *wherePage) show() {
	p.s.show(1, lang.L("Where did the old computer back up?"), p.content, nav{next: p.next, cancel: true})
}

// isServer says which of the two is chosen.
func (p *wherePage) isServer() bool { return !p.server.Hidden }

// next checks what was typed and goes on: a server is signed in to (off
// the UI thread) to list its computers; a folder is opened on the next page.
func (p *wherePage) next() {
	if p.s.job != nil {
		return
	}
	if !p.isServer() {
		folder := strings.TrimSpace(p.folder.Text)
		if folder == "" {
			p.refuse(p.folder, lang.L("Choose the folder, or type its path."))
			return
		}
		setProblem(p.problem, "")
		p.s.showPickFolder(folder)
		return
	}
	addr, host, ok := serverAddress(p.address.Text)
	nothingTyped := strings.TrimSpace(p.user.Text) == "" && p.pass.Text == ""
	switch {
	case !ok:
		p.refuse(p.address, lang.L("Type the server's address as your IT department gave it, like https://backup.example.org:8443."))
		return
	case !p.sso.Known && nothingTyped:
		p.askMethods(addr, host)
		return
	case p.sso.Offered() && (nothingTyped || !p.sso.Methods.Password):
		p.signInSSO()
		return
	case strings.TrimSpace(p.user.Text) == "":
		p.refuse(p.user, lang.L("Type your user name."))
		return
	case p.pass.Text == "":
		p.refuse(p.pass, lang.L("Type your password."))
		return
	}
	setProblem(p.problem, "")
	acct := &account{host: host, password: []byte(p.pass.Text),
		sign: device.ServerSignIn{Name: uniqueName(host, p.s.deps.Engine.Config()), URL: addr,
			User: strings.TrimSpace(p.user.Text), Fingerprint: strings.TrimSpace(p.fp.Text),
			Device: strings.TrimSpace(p.name.Text)}}
	if acct.sign.Fingerprint == "" {
		acct.sign.Fingerprint = p.trustedFingerprint(addr)
	}
	eng := p.s.deps.Engine
	p.s.run(lang.L("Signing in to {{.Server}}…", map[string]any{"Server": host}), func(ctx context.Context) func() {
		sign := acct.sign
		sign.Password = func() ([]byte, error) { return acct.password, nil }
		sign.ConfirmFingerprint = p.confirmer(ctx, addr, host)
		devs, fp, err := eng.AccountDevices(ctx, sign)
		return func() {
			if err != nil {
				setProblem(p.problem, problem(err))
				return
			}
			acct.sign.Fingerprint, acct.devices = fp, devs
			p.s.showPickServer(acct)
		}
	})
}

// trust remembers that the person confirmed fingerprint fp for addr.
func (p *wherePage) trust(addr, fp string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.trusted[addr] = fp
}

// trustedFingerprint is the fingerprint confirmed for addr, or "".
func (p *wherePage) trustedFingerprint(addr string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.trusted[addr]
}

// refuse says what is missing and puts the cursor there.
func (p *wherePage) refuse(field fyne.Focusable, why string) {
	setProblem(p.problem, why)
	if c := p.s.w.Canvas(); c != nil {
		c.Focus(field)
	}
}

func (p *wherePage) chooseFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			p.folder.SetText(u.Path())
		}
	}, p.s.w)
	if typed := strings.TrimSpace(p.folder.Text); typed != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(typed)); err == nil {
			d.SetLocation(l)
		}
	}
	// A list shows folder names whole; the grid breaks them over two lines
	// ("Documen ts"). A view the person chose in the dialog is kept.
	d.SetView(dialog.ListView)
	d.Resize(p.s.w.Canvas().Size())
	d.Show()
}

// serverAddress turns what was typed into https://host:port, adding the
// https:// people often leave out.
func serverAddress(typed string) (addr, host string, ok bool) {
	typed = strings.TrimSpace(typed)
	if typed != "" && !strings.Contains(typed, "://") {
		typed = "https://" + typed
	}
	u, err := url.Parse(typed)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" {
		return "", "", false
	}
	return strings.TrimSuffix(typed, "/"), u.Hostname(), true
}
