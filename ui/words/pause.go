package words

import (
	"time"

	"fyne.io/fyne/v2/lang"
)

// PauseChoice is one way to pause backups: the window's Pause button and
// the tray menu offer the same ones.
type PauseChoice struct {
	Label string
	For   time.Duration // 0: until resumed
}

// PauseChoices are the ways to pause, in the language shown.
func PauseChoices() []PauseChoice {
	return []PauseChoice{
		{lang.L("Pause for 1 hour"), time.Hour},
		{lang.L("Pause for 4 hours"), 4 * time.Hour},
		{lang.L("Pause until I resume"), 0},
	}
}
