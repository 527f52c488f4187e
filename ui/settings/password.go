package settings

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/config"
	"github.com/cairnbackup/cairn/ui/destform"
	"github.com/cairnbackup/cairn/ui/words"
)

// passwordChange is the dialog that gives an archive a new password.
type passwordChange struct {
	s        *Screen
	name     string
	old      *widget.Entry
	fields   *destform.PasswordFields
	problem  *widget.Label
	busy     *fyne.Container
	activity *widget.Activity
	change   *widget.Button
	dlg      *dialog.CustomDialog
	cancel   context.CancelFunc
}

func (d *destinations) changePassword(name string) {
	p := &passwordChange{s: d.s, name: name, old: widget.NewPasswordEntry(), problem: problemLabel(),
		activity: widget.NewActivity()}
	p.fields = destform.NewPasswordFields(lang.L("New password"), "")
	if c := d.s.deps.Engine.Config(); isFolder(&c, name) {
		p.fields.Require(destform.DriveMinimum())
	}
	p.busy = container.NewHBox(p.activity, widget.NewLabel(lang.L("Changing the password…")))
	p.busy.Hide()
	intro := note(lang.L("The files stay as they are: only the key that opens them is locked again, under the new password. The old password stops working."))
	form := widget.NewForm(append([]*widget.FormItem{widget.NewFormItem(lang.L("Current password"), p.old)},
		p.fields.Items()...)...)
	content := container.NewVBox(intro, form, p.fields.HintObject(), p.problem, p.busy)
	p.dlg = dialog.NewCustomWithoutButtons(lang.L("Change the password of {{.Name}}", map[string]any{"Name": name}), content, d.s.w)
	p.change = widget.NewButton(lang.L("Change password"), p.submit)
	p.change.Importance = widget.HighImportance
	p.dlg.SetButtons([]fyne.CanvasObject{widget.NewButton(lang.L("Cancel"), p.close), p.change})
	p.dlg.Resize(dialogSize(d.s.w, 520, 380))
	p.dlg.Show()
	d.s.w.Canvas().Focus(p.old)
}

// isFolder says whether the destination name is a folder or a drive,
// whose archive password is all that guards it.
func isFolder(c *config.Config, name string) bool {
	dst, err := c.Destination(name)
	return err == nil && dst.Type == "folder"
}

// submit checks the fields and changes the password off the UI thread.
func (p *passwordChange) submit() {
	if p.cancel != nil {
		return
	}
	if p.old.Text == "" {
		setProblem(p.problem, lang.L("Type the current password."))
		return
	}
	newPw, ok := p.fields.Check()
	if !ok {
		setProblem(p.problem, "")
		return
	}
	setProblem(p.problem, "")
	oldPw := []byte(p.old.Text)
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.working(true)
	go func() {
		err := p.s.deps.Engine.ChangePassword(ctx, p.name, oldPw, newPw, p.s.deps.KDF)
		p.s.deps.do(func() { p.done(err) })
	}()
}

func (p *passwordChange) done(err error) {
	p.cancel()
	p.cancel = nil
	p.working(false)
	if err != nil {
		setProblem(p.problem, words.Error(err))
		return
	}
	p.dlg.Hide()
	dialog.ShowInformation(lang.L("Password changed"),
		lang.L("From now on {{.Name}} opens with the new password only. Keep it safe.", map[string]any{"Name": p.name}), p.s.w)
}

func (p *passwordChange) working(on bool) {
	if on {
		p.busy.Show()
		p.activity.Start()
		p.change.Disable()
	} else {
		p.activity.Stop()
		p.busy.Hide()
		p.change.Enable()
	}
}

// close cancels a change still running and closes the dialog.
func (p *passwordChange) close() {
	if p.cancel != nil {
		p.cancel()
	}
	p.dlg.Hide()
}
