package home

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/ui/words"
)

// header is the top of the screen: the state in one line, why when
// something is wrong, when the next backup runs (when backups run on a
// schedule rather than by watching), the upload limit while the person is
// away, and the buttons.
type header struct {
	s         *Screen
	icon      *widget.Icon
	line      *widget.Label
	problem   *widget.Label
	next      *widget.Label
	away      *widget.Label // the upload limit while the person is away
	progress  *progressView // when the service does not say which destination
	backupNow *widget.Button
	pause     *widget.Button
	actions   *fyne.Container // next backup, Pause, Back up now
	paused    bool
	box       *fyne.Container
}

func newHeader(s *Screen) *header {
	h := &header{s: s, icon: widget.NewIcon(theme.InfoIcon())}
	h.line = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.line.SizeName = theme.SizeNameSubHeadingText
	h.line.Wrapping = fyne.TextWrapWord
	h.problem = widget.NewLabel("")
	h.problem.Wrapping = fyne.TextWrapWord
	h.problem.Importance = widget.WarningImportance
	h.next = widget.NewLabel("")
	h.away = widget.NewLabel("")
	h.away.SizeName = theme.SizeNameCaptionText
	h.away.Hide()
	h.progress = newProgressView()
	h.backupNow = widget.NewButtonWithIcon(lang.L("Back up now"), theme.UploadIcon(), s.deps.Service.BackupNow)
	h.backupNow.Importance = widget.HighImportance
	h.pause = widget.NewButtonWithIcon(lang.L("Pause"), theme.MediaPauseIcon(), h.pauseOrResume)
	top := container.NewBorder(nil, nil, container.NewCenter(h.icon), nil, h.line)
	h.actions = container.NewBorder(nil, nil, nil, container.NewHBox(h.pause, h.backupNow),
		container.NewVBox(h.next, h.away))
	h.box = container.NewVBox(top, h.problem, h.progress.box, h.actions, widget.NewSeparator())
	return h
}

func (h *header) object() fyne.CanvasObject { return h.box }

func (h *header) show(st service.State, now time.Time, hasDestination bool) {
	h.line.SetText(words.State(st, now))
	h.icon.SetResource(stateIcon(st))
	h.problem.SetText(problemText(st))
	h.problem.Hidden = !showProblem(st)
	h.next.SetText("")
	if !st.NextRun.IsZero() && st.Phase != service.BackingUp && st.Phase != service.Paused {
		h.next.SetText(lang.L("Next backup: {{.Time}}", map[string]any{"Time": words.When(st.NextRun, now)}))
	}
	h.away.SetText(awayText(st))
	h.away.Hidden = h.away.Text == ""
	h.paused = st.Phase == service.Paused
	if h.paused {
		h.pause.SetText(lang.L("Resume"))
		h.pause.SetIcon(theme.MediaPlayIcon())
	} else {
		h.pause.SetText(lang.L("Pause"))
		h.pause.SetIcon(theme.MediaPauseIcon())
	}
	h.backupNow.Hidden, h.pause.Hidden = !hasDestination, !hasDestination
	h.next.Hidden = h.next.Text == "" && !h.away.Hidden
	h.actions.Hidden = !hasDestination && h.next.Text == "" && h.away.Hidden
	h.box.Refresh()
}

func (h *header) showProgress(on bool, p backup.Progress) { h.progress.show(on, p) }

// pauseOrResume resumes a pause, or offers how long to pause.
func (h *header) pauseOrResume() {
	svc := h.s.deps.Service
	if h.paused {
		svc.Resume()
		return
	}
	widget.ShowPopUpMenuAtRelativePosition(h.pauseMenu(), h.s.w.Canvas(),
		fyne.NewPos(0, h.pause.Size().Height), h.pause)
}

func (h *header) pauseMenu() *fyne.Menu {
	svc := h.s.deps.Service
	var items []*fyne.MenuItem
	for _, c := range words.PauseChoices() {
		items = append(items, fyne.NewMenuItem(c.Label, func() { svc.Pause(c.For) }))
	}
	return fyne.NewMenu("", items...)
}

// problemText is what the person should know and do beyond the state
// line: what to do about a destination that signed this computer out,
// else the service's own words.
func problemText(st service.State) string {
	if len(st.SignedOut) > 0 {
		return words.SignedOutAdvice(st.SignedOut[0])
	}
	return st.Problem
}

// showProblem says whether the service's problem adds to the state line.
func showProblem(st service.State) bool {
	return st.Problem != "" &&
		(st.Phase == service.Offline || st.Phase == service.Attention)
}

// stateIcon is the icon of a phase, coloured as the tray's is.
func stateIcon(st service.State) fyne.Resource {
	switch st.Phase {
	case service.Idle:
		if st.LastSafe.IsZero() {
			return theme.InfoIcon()
		}
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case service.BackingUp:
		return theme.NewPrimaryThemedResource(theme.ViewRefreshIcon())
	case service.Paused, service.Waiting:
		return theme.MediaPauseIcon()
	case service.Offline, service.Attention:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return theme.InfoIcon()
}
