package destform

import (
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// minGoodPassword is the length below which a password is accepted with a
// warning, or refused where it is all that guards the archive (Require):
// short ones fall to guessing, and the archive may sit on a server or a
// lost drive for years.
const minGoodPassword = 10

// PasswordFields are the pair of fields for a new archive password, with
// what it is for and, inline, a warning (too short) or an error (empty, the
// two differ). The destination forms use them, and so does Settings to
// change a password, so the rules are the same everywhere.
type PasswordFields struct {
	pw, again *widget.Entry
	hint      *widget.Label
	items     []*widget.FormItem
	// required, when set, says why a password shorter than
	// minGoodPassword is refused rather than only warned about.
	required string
}

// NewPasswordFields returns the fields; label names the first one ("Archive
// password", "New password") and explain says what the password is for
// ("" for nothing).
func NewPasswordFields(label, explain string) *PasswordFields {
	p := &PasswordFields{pw: widget.NewPasswordEntry(), again: widget.NewPasswordEntry()}
	note := widget.NewLabel(explain)
	note.Wrapping = fyne.TextWrapWord
	p.hint = widget.NewLabel("")
	p.hint.Wrapping = fyne.TextWrapWord
	p.hint.Hide()
	if explain != "" {
		p.items = append(p.items, widget.NewFormItem("", note))
	}
	p.items = append(p.items, widget.NewFormItem(label, p.pw), widget.NewFormItem(lang.L("Type it again"), p.again))
	p.pw.OnChanged = func(string) { p.live() }
	p.again.OnChanged = func(string) { p.live() }
	return p
}

// Require refuses a password shorter than minGoodPassword characters,
// saying why: on a drive the password is all that stands between a finder
// and every file on it.
func (p *PasswordFields) Require(why string) { p.required = why }

// short says whether the password typed is shorter than minGoodPassword.
func (p *PasswordFields) short() bool {
	return p.pw.Text != "" && utf8.RuneCountInString(p.pw.Text) < minGoodPassword
}

// shortWords says why a short password is a problem.
func (p *PasswordFields) shortWords() string {
	if p.required != "" {
		return p.required
	}
	return lang.L("A longer password is safer: use at least 10 characters, for example three or four words.")
}

// live shows, while the person types, a warning for a short password and an
// error once the second field is as long as the first but differs.
func (p *PasswordFields) live() {
	switch {
	case p.again.Text != "" && len(p.again.Text) >= len(p.pw.Text) && p.again.Text != p.pw.Text:
		p.show(lang.L("The two passwords are not the same."), widget.DangerImportance)
	case p.short():
		p.show(p.shortWords(), widget.WarningImportance)
	default:
		p.show("", widget.MediumImportance)
	}
}

// Items are the explanation and the two fields, to append to a form of
// the host's, so the labels line up with its other fields.
func (p *PasswordFields) Items() []*widget.FormItem { return p.items }

// Row is the two fields side by side in one row labelled as the first
// (the second says "Type it again" until typed in), where the height is
// short; the explanation is left out.
func (p *PasswordFields) Row() *widget.FormItem {
	p.again.SetPlaceHolder(lang.L("Type it again"))
	return widget.NewFormItem(p.items[len(p.items)-2].Text, container.NewGridWithColumns(2, p.pw, p.again))
}

// HintObject is the inline warning or error, to place under that form.
func (p *PasswordFields) HintObject() fyne.CanvasObject { return p.hint }

// Object is the fields and the hint in a form of their own.
func (p *PasswordFields) Object() fyne.CanvasObject {
	return container.NewVBox(widget.NewForm(p.items...), p.hint)
}

// Check says whether the fields hold a usable password, showing why not. A
// short one is allowed, with its warning left in place, unless Require
// made the minimum a rule.
func (p *PasswordFields) Check() ([]byte, bool) {
	switch {
	case p.pw.Text == "":
		p.show(lang.L("Choose a password for the archive."), widget.DangerImportance)
		return nil, false
	case p.again.Text != p.pw.Text:
		p.show(lang.L("The two passwords are not the same. Type the password again in both fields."), widget.DangerImportance)
		return nil, false
	case p.short() && p.required != "":
		p.show(p.required, widget.DangerImportance)
		return nil, false
	}
	p.live()
	return []byte(p.pw.Text), true
}

func (p *PasswordFields) show(text string, imp widget.Importance) {
	p.hint.Importance = imp
	p.hint.SetText(text)
	if text == "" {
		p.hint.Hide()
	} else {
		p.hint.Show()
	}
}

// Hint is the warning or error shown under the password fields ("" when
// none).
func (p *PasswordFields) Hint() string {
	if p.hint.Hidden {
		return ""
	}
	return p.hint.Text
}
