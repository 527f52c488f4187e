// Package i18n holds the translations of the desktop app's words, one JSON
// bundle per language (en.json, …), in the format of Fyne's lang package:
// keys are the English text as written in the code (lang.L("Back up now")).
package i18n

import "embed"

// Bundles are the translation files.
//
//go:embed *.json
var Bundles embed.FS

// SourceDirs are the folders (relative to this one) whose Go files hold the
// app's words.
var SourceDirs = []string{"../ui", "../app/cairn", "../app/desktop"}

//go:generate go run ./gen
