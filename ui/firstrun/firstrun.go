package firstrun

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/assets"
	"github.com/cairnbackup/cairn/ui/replace"
)

// Screen is the first-run flow. Its fields belong to the UI thread.
type Screen struct {
	w    fyne.Window
	deps Deps

	root  *fyne.Container // the page frame, or the replace wizard
	frame fyne.CanvasObject
	title *widget.Label
	body  *fyne.Container
	left  *fyne.Container // buttons under the page, on the left and right
	right *fyne.Container

	// page is the page shown, for tests and Shown.
	page    page
	dest    *destPage
	replace *replace.Screen // the wizard, while it is shown
}

type page int

const (
	welcomePage page = iota
	choicePage
	destinationPage
	replacePage
)

// New builds the first-run flow. When a replacement was begun and not
// finished (Cairn was closed in the middle), it opens the wizard there.
func New(w fyne.Window, d Deps) *Screen {
	s := &Screen{w: w, deps: d}
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.title.Wrapping = fyne.TextWrapWord
	s.body = container.NewStack()
	s.left, s.right = container.NewHBox(), container.NewHBox()
	s.frame = container.NewPadded(container.NewBorder(container.NewVBox(s.title, widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, s.left, s.right)), nil, nil, s.body))
	s.root = container.NewStack(s.frame)
	if d.Engine.Replacing() != nil {
		s.showReplace()
	} else {
		s.showWelcome()
	}
	return s
}

// Object is the flow, to fill the window.
func (s *Screen) Object() fyne.CanvasObject { return s.root }

// Shown passes on to the wizard when it is shown; the other pages have
// nothing to read again.
func (s *Screen) Shown() {
	if s.replace != nil {
		s.replace.Shown()
	}
}

// show puts a page in the frame, with buttons under it.
func (s *Screen) show(p page, title string, content fyne.CanvasObject, left, right []fyne.CanvasObject) {
	s.page = p
	s.replace = nil
	s.title.SetText(title)
	s.body.Objects = []fyne.CanvasObject{content}
	s.left.Objects, s.right.Objects = left, right
	s.root.Objects = []fyne.CanvasObject{s.frame}
	s.root.Refresh()
}

// showWelcome says what Cairn does.
func (s *Screen) showWelcome() {
	start := widget.NewButton(lang.L("Get started"), s.showChoice)
	start.Importance = widget.HighImportance
	text := note(lang.L("Cairn keeps a copy of your files, and of their earlier versions, on an external drive or on your organisation's server. Once it is set up, it works by itself: when you lose a file or a computer, you get your files back."))
	text.Alignment = fyne.TextAlignCenter
	body := container.NewVBox(layout.NewSpacer(), logo(), text, layout.NewSpacer())
	s.show(welcomePage, lang.L("Welcome to Cairn"), body, nil, []fyne.CanvasObject{start})
}

// showChoice asks whether this computer is new or replaces one.
func (s *Screen) showChoice() {
	newBtn := widget.NewButtonWithIcon(lang.L("New computer"), theme.ComputerIcon(), s.showDestination)
	newBtn.Importance = widget.HighImportance
	replaceBtn := widget.NewButtonWithIcon(lang.L("Replace a computer"), theme.HistoryIcon(), s.showReplace)
	replaceBtn.Importance = widget.HighImportance
	choices := container.NewGridWithColumns(2,
		container.NewVBox(newBtn, note(lang.L("Start a new backup of this computer. Choose this too if you never used Cairn before."))),
		container.NewVBox(replaceBtn, note(lang.L("This computer takes over the backup of one you used before: bring its files and settings over, and its history goes on here."))),
	)
	back := widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), s.showWelcome)
	s.show(choicePage, lang.L("Is this a new computer, or does it replace one you backed up before?"),
		container.NewVScroll(choices), []fyne.CanvasObject{back}, nil)
}

// showReplace opens the replace-device wizard in the window; leaving it
// before the old computer's backup is taken over comes back to the choice.
func (s *Screen) showReplace() {
	s.page = replacePage
	s.replace = replace.New(s.w, replace.Deps{Engine: s.deps.Engine, KDF: s.deps.KDF, UserHome: s.deps.UserHome,
		OnFinished: s.deps.OnFinished, OnCancel: s.showChoice, Now: s.deps.Now, Do: s.deps.Do})
	s.root.Objects = []fyne.CanvasObject{s.replace.Object()}
	s.root.Refresh()
	s.replace.Shown()
}

// logo is Cairn's icon, or nothing when it cannot be read.
func logo() fyne.CanvasObject {
	b, err := assets.Files.ReadFile("icon.png")
	if err != nil {
		return layout.NewSpacer()
	}
	img := canvas.NewImageFromResource(fyne.NewStaticResource("icon.png", b))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(128, 128))
	return container.NewCenter(img)
}

// finish hands over to the app.
func (s *Screen) finish() {
	if s.deps.OnFinished != nil {
		s.deps.OnFinished()
	}
}

// note is a label that wraps.
func note(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}
