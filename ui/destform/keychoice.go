package destform

import (
	"errors"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/device"
)

// keyChoice is the part of the server form that says what protects the
// archive key, as CrashPlan offers it: the account password (the default:
// one password), a separate archive password with its fields, or a key the
// person keeps; and whether the organisation keeps a sealed copy (key
// escrow). It becomes device.KeyOptions.
type keyChoice struct {
	modes   []device.KeyMode // the options of choice, in order
	choice  *widget.Select   // a list, not radio buttons, so the form fits 800×600
	note    *widget.RichText // what the chosen option means
	archive *PasswordFields  // for KeyPassword only
	escrow  *widget.Check
	// changed is told when the rows to show changed (the option chosen).
	changed func()
}

func newKeyChoice() *keyChoice {
	k := &keyChoice{modes: []device.KeyMode{device.KeyAccount, device.KeyPassword, device.KeyCustom},
		archive: NewPasswordFields(lang.L("Archive password"), ""), note: hintText("")}
	k.escrow = widget.NewCheck(lang.L("Let my organisation recover my backup if I forget the password (key escrow)"), nil)
	k.choice = widget.NewSelect(k.labels(), func(string) { k.update() })
	k.choice.SetSelectedIndex(0)
	return k
}

// labels are the options' words, in the order of modes.
func (k *keyChoice) labels() []string {
	out := make([]string, len(k.modes))
	for i, m := range k.modes {
		switch m {
		case device.KeyAccount:
			out[i] = lang.L("Protected by your account password (simplest: one password)")
		case device.KeyPassword:
			out[i] = lang.L("A separate archive password (the server never sees it)")
		case device.KeyCustom:
			out[i] = lang.L("A key you keep (strongest; if you lose it, nobody can restore your files)")
		case device.KeyOrganisation:
			out[i] = lang.L("Your organisation keeps the key (restore with your sign-in alone)")
		}
	}
	return out
}

// offerOrganisation adds the option "Your organisation keeps the key" when
// the server offers it (remote.Methods.OrganisationKeys), and takes it away
// when it does not, keeping the option chosen when it can.
func (k *keyChoice) offerOrganisation(on bool) {
	if on == slices.Contains(k.modes, device.KeyOrganisation) {
		return
	}
	chosen := k.mode()
	k.modes = []device.KeyMode{device.KeyAccount, device.KeyPassword, device.KeyCustom}
	if on {
		k.modes = append(k.modes, device.KeyOrganisation)
	}
	k.choice.SetOptions(k.labels())
	if !slices.Contains(k.modes, chosen) {
		chosen = device.KeyPassword
	}
	k.choice.ClearSelected()
	k.choose(chosen)
}

// mode is the option chosen.
func (k *keyChoice) mode() device.KeyMode {
	if i := k.choice.SelectedIndex(); i >= 0 {
		return k.modes[i]
	}
	return device.KeyAccount
}

// choose selects the option of a key mode (for tests and hosts).
func (k *keyChoice) choose(m device.KeyMode) {
	for i, x := range k.modes {
		if x == m {
			k.choice.SetSelectedIndex(i)
		}
	}
}

// update says what the chosen option means, and shows its rows.
func (k *keyChoice) update() {
	switch k.mode() {
	case device.KeyAccount:
		setHint(k.note, lang.L("Whoever runs the server could read your backup: the server sees your account password each time you sign in. A separate archive password or a key you keep prevents that."))
	case device.KeyPassword:
		setHint(k.note, lang.L("The archive password encrypts your files before they leave this computer; the server never sees it. Keep it safe: without it nobody can restore your files, not even your IT department."))
	case device.KeyCustom:
		setHint(k.note, lang.L("After you sign in, Cairn shows the key once: save it to a file or write it down, and keep it away from this computer. The server never sees it, and nobody else has it, not even your IT department."))
	case device.KeyOrganisation:
		setHint(k.note, lang.L("Your organisation's server keeps the key, so its IT department can read your backup. You need no password of your own: you restore on another computer, or in a web browser, by signing in."))
	}
	if k.mode() == device.KeyPassword {
		k.archive.live() // what was typed before another option was chosen
	} else {
		k.archive.show("", widget.MediumImportance)
	}
	if k.changed != nil {
		k.changed()
	}
}

// items are the form's rows of the choice: the options with what the
// chosen one means, the archive password's fields (side by side) when it
// is chosen, and escrow.
func (k *keyChoice) items() []*widget.FormItem {
	items := []*widget.FormItem{widget.NewFormItem(lang.L("Archive key"), container.NewVBox(k.choice, k.note))}
	if k.mode() == device.KeyPassword {
		items = append(items, k.archive.Row())
	}
	return append(items, &widget.FormItem{Widget: k.escrow,
		HintText: lang.L("Your organisation then keeps a sealed copy of the key, which only its IT department can open.")})
}

// options are the engine's key options, with the new archive password in
// KeyPassword mode; false after showing why the fields cannot be used.
func (k *keyChoice) options() (device.KeyOptions, []byte, bool) {
	opts := device.KeyOptions{Mode: k.mode(), Escrow: k.escrow.Checked}
	if opts.Mode != device.KeyPassword {
		return opts, nil, true
	}
	pw, ok := k.archive.Check()
	return opts, pw, ok
}

// keyProblem says in the words of a key option why the archive did not
// open: the engine's ErrWrongPassword would say "the password is not
// right" of an account password the server just accepted.
func keyProblem(mode device.KeyMode) func(error) string {
	return func(err error) string {
		if !errors.Is(err, engine.ErrWrongPassword) {
			return ""
		}
		switch mode {
		case device.KeyAccount:
			return lang.L("Your account password does not open this computer's backup on the server: it was made with a separate archive password. Choose “A separate archive password” and type that one, or ask your IT department if your organisation keeps your key.")
		case device.KeyCustom:
			return lang.L("That key does not open this computer's backup on the server. Check it and try again.")
		case device.KeyOrganisation:
			return lang.L("The key your organisation keeps does not open this computer's backup on the server: it was made with another archive key option. Choose that one.")
		}
		return ""
	}
}

// hintText is a small, wrapped explanation to place under a field.
func hintText(text string) *widget.RichText {
	r := widget.NewRichText(&widget.TextSegment{Text: text,
		Style: widget.RichTextStyle{SizeName: theme.SizeNameCaptionText, ColorName: theme.ColorNameForeground, Inline: true}})
	r.Wrapping = fyne.TextWrapWord
	return r
}

func setHint(r *widget.RichText, text string) {
	r.Segments[0].(*widget.TextSegment).Text = text
	r.Refresh()
}
