package ui

import (
	"fyne.io/fyne/v2/lang"

	"github.com/cairnbackup/cairn/i18n"
)

// LoadTranslations registers the app's bundles with Fyne; the language
// follows the system's unless Settings chose one.
func LoadTranslations() error {
	return lang.AddTranslationsFS(i18n.Bundles, ".")
}
