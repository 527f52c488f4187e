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
	// Fyne reads the system's languages from the environment on Unix (and
	// its own settings elsewhere): LANGUAGE comes first, unless the locale
	// is the plain "C" one, which names no language at all (a bare
	// terminal, a service): then the messages' locale is set to one that
	// does, so a chosen language applies and no error is logged.
	if plainLocale(os.Getenv("LC_ALL")) && os.Getenv("LC_ALL") != "" {
		os.Unsetenv("LC_ALL")
	}
	if plainLocale(firstEnv("LC_MESSAGES", "LANG")) {
		messages := language
		if messages == "" {
			messages = "en"
		}
		os.Setenv("LC_MESSAGES", messages)
	}
	if language != "" {
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

// plainLocale reports whether a locale names no language: unset, "C",
// "C.UTF-8" or "POSIX".
func plainLocale(l string) bool {
	return l == "" || l == "C" || l == "POSIX" || strings.HasPrefix(l, "C.")
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}
