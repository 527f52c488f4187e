package ui

import (
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/cairnbackup/cairn/i18n"
)

// LoadTranslations registers the app's bundles with Fyne. The language
// follows the system's, unless language (Settings: "en", "sv", …) says
// otherwise; call it before any window is built.
func LoadTranslations(language string) error {
	if language != "" {
		// Fyne reads the system's languages from the environment on Linux
		// (and its own settings elsewhere): LANGUAGE comes first.
		os.Setenv("LANGUAGE", language)
	}
	files, err := i18n.Bundles.ReadDir(".")
	if err != nil {
		return err
	}
	for _, f := range files {
		name, ok := strings.CutSuffix(f.Name(), ".json")
		if !ok {
			continue
		}
		data, err := i18n.Bundles.ReadFile(f.Name())
		if err != nil {
			return err
		}
		if err := lang.AddTranslationsForLocale(data, fyne.Locale(name)); err != nil {
			return fmt.Errorf("translations %s: %w", f.Name(), err)
		}
	}
	return nil
}
