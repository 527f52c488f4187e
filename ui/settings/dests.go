package settings

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/secrets"
	"github.com/cairnbackup/cairn/ui/destform"
	"github.com/cairnbackup/cairn/ui/words"
)

// destinations lists where this computer backs up, with a way to add one,
// remove one, and change an archive's password. Each change takes effect
// at once, after its own dialog.
type destinations struct {
	s       *Screen
	list    *fyne.Container
	problem *widget.Label
	secrets *widget.RichText // where this computer keeps keys
	card    *widget.Card
}

func newDestinations(s *Screen) *destinations {
	d := &destinations{s: s, list: container.NewVBox(), problem: problemLabel(), secrets: hint("")}
	server := widget.NewButtonWithIcon(lang.L("Add a server…"), theme.ContentAddIcon(), d.addServer)
	folder := widget.NewButtonWithIcon(lang.L("Add a folder or drive…"), theme.ContentAddIcon(), d.addFolder)
	d.card = widget.NewCard(lang.L("Destinations"), lang.L("Where this computer's files are backed up"),
		container.NewVBox(d.list, d.problem, container.NewHBox(server, folder), d.secrets))
	return d
}

// reload lists the destinations from the configuration (in memory).
func (d *destinations) reload() {
	c := d.s.deps.Engine.Config()
	rows := make([]fyne.CanvasObject, 0, len(c.Destinations)+1)
	for _, dst := range c.Destinations {
		rows = append(rows, d.row(dst))
	}
	if len(rows) == 0 {
		rows = append(rows, note(lang.L("None yet: add a server or a folder on an external drive.")))
	}
	d.list.Objects = rows
	d.secrets.Segments[0].(*widget.TextSegment).Text = secretsWords(d.s.deps.Engine.SecretsDescription())
	d.secrets.Refresh()
	d.s.relayout()
}

// row is one destination: its name, where and what it is, and its buttons.
func (d *destinations) row(dst config.Destination) fyne.CanvasObject {
	name := widget.NewLabelWithStyle(dst.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	where := widget.NewLabel(lang.L("{{.Kind}}: {{.Location}}", map[string]any{"Kind": kindWords(dst.Type), "Location": dst.Location()}))
	where.Truncation = fyne.TextTruncateEllipsis
	icon := widget.NewIcon(theme.StorageIcon())
	text := container.NewVBox(name, where)
	if dst.Type == "server" {
		icon.SetResource(theme.ComputerIcon())
		key := widget.NewLabel(keyWords(dst))
		key.Truncation = fyne.TextTruncateEllipsis
		text.Add(key)
	}
	return container.NewBorder(nil, nil, icon, container.NewCenter(d.rowButtons(dst)), text)
}

// rowButtons are Change password (for an archive password) and Remove.
func (d *destinations) rowButtons(dst config.Destination) *fyne.Container {
	remove := lang.L("Remove")
	if dst.Type == "server" {
		remove = lang.L("Sign out and remove")
	}
	buttons := container.NewHBox(widget.NewButton(remove, func() { d.confirmRemove(dst) }))
	if hasArchivePassword(dst) {
		pw := widget.NewButton(lang.L("Change password…"), func() { d.changePassword(dst.Name) })
		buttons.Objects = append([]fyne.CanvasObject{pw}, buttons.Objects...)
	}
	return buttons
}

// hasArchivePassword says whether a destination's key is protected by a
// password of its own, which Change password changes. The account
// password is changed at the server; a custom key cannot be changed.
func hasArchivePassword(dst config.Destination) bool {
	m := device.KeyMode(dst.KeyMode)
	return dst.Type != "server" || m == "" || m == device.KeyPassword
}

// keyWords says what protects a server destination's key, and whether the
// organisation keeps a copy. Destinations added before there was a
// choice ("") have an archive password.
func keyWords(dst config.Destination) string {
	switch m := device.KeyMode(dst.KeyMode); {
	case m == device.KeyAccount && dst.Escrowed:
		return lang.L("Key: protected by your account password, escrowed with your organisation")
	case m == device.KeyAccount:
		return lang.L("Key: protected by your account password")
	case m == device.KeyCustom && dst.Escrowed:
		return lang.L("Key: your own key, escrowed with your organisation")
	case m == device.KeyCustom:
		return lang.L("Key: your own key")
	case m == device.KeyOrganisation:
		return lang.L("Key: kept by your organisation, whose IT can read this backup")
	case dst.Escrowed:
		return lang.L("Key: protected by its archive password, escrowed with your organisation")
	}
	return lang.L("Key: protected by its archive password")
}

// secretsWords says where this computer keeps keys, from the engine's
// description.
func secretsWords(desc string) string {
	switch desc {
	case secrets.KindKeyring.Description():
		return lang.L("Keys are kept in the system keyring.")
	case secrets.KindFolder.Description():
		return lang.L("Keys are kept in a private file in Cairn's folder, because this computer has no keyring service.")
	}
	return lang.L("Keys are kept in {{.Where}}.", map[string]any{"Where": desc})
}

func kindWords(t string) string {
	if t == "server" {
		return lang.L("Server")
	}
	return lang.L("Folder or drive")
}

func (d *destinations) formDeps() destform.Deps {
	return destform.Deps{Engine: d.s.deps.Engine, KDF: d.s.deps.KDF, Do: d.s.deps.Do}
}

func (d *destinations) addServer() {
	f := destform.NewServerForm(d.s.w, d.formDeps(), d.added)
	destform.ShowDialog(d.s.w, lang.L("Sign in to a Cairn server"), f)
}

func (d *destinations) addFolder() {
	f := destform.NewFolderForm(d.s.w, d.formDeps(), d.added)
	destform.ShowDialog(d.s.w, lang.L("Back up to a folder or drive"), f)
}

func (d *destinations) added(string, device.AddResult) {
	setProblem(d.problem, "")
	d.changed()
}

func (d *destinations) changed() {
	d.reload()
	if d.s.deps.DestinationsChanged != nil {
		d.s.deps.DestinationsChanged()
	}
}

// confirmRemove asks before forgetting a destination, saying that the
// backup itself stays where it is.
func (d *destinations) confirmRemove(dst config.Destination) {
	title := lang.L("Remove {{.Name}}?", map[string]any{"Name": dst.Name})
	text := lang.L("Cairn stops backing up to {{.Name}} and forgets it on this computer. The backup itself stays where it is: you can add it again later with its password.",
		map[string]any{"Name": dst.Name})
	confirm := lang.L("Remove")
	if dst.Type == "server" {
		title = lang.L("Sign out of {{.Name}}?", map[string]any{"Name": dst.Name})
		text = lang.L("This computer signs out of the server and stops backing up there. The backup itself stays on the server: you can sign in again later, or ask your IT department to delete it.")
		confirm = lang.L("Sign out and remove")
	}
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewCustomConfirm(title, confirm, lang.L("Cancel"), msg, func(ok bool) {
		if ok {
			d.remove(dst.Name)
		}
	}, d.s.w)
	dlg.SetConfirmImportance(widget.DangerImportance)
	dlg.Resize(dialogSize(d.s.w, 480, 240))
	dlg.Show()
}

// remove forgets a destination off the UI thread (signing out of a server
// reaches it).
func (d *destinations) remove(name string) {
	go func() {
		err := d.s.deps.Engine.RemoveDestination(name)
		d.s.deps.do(func() {
			if err != nil {
				setProblem(d.problem, lang.L("{{.Name}} could not be removed: {{.Why}}",
					map[string]any{"Name": name, "Why": words.Error(err)}))
			} else {
				setProblem(d.problem, "")
			}
			d.changed()
		})
	}()
}

// dialogSize is a dialog's size, given because a dialog measures wrapped
// text before it knows its width: as asked, or as big as the window allows.
func dialogSize(w fyne.Window, width, height float32) fyne.Size {
	if ws := w.Canvas().Size(); ws.Width > 0 {
		width, height = min(width, ws.Width-40), min(height, ws.Height-40)
	}
	return fyne.NewSize(width, height)
}
