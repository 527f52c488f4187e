package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"github.com/cairnbackup/cairn/ui/words"
)

func TestTranslationsLoadWithTheirPlurals(t *testing.T) {
	if err := LoadTranslations(""); err != nil {
		t.Fatal(err)
	}
	if got := words.Count(1, "{{.Count}} files"); got != "1 file" {
		t.Fatalf("one file reads %q", got)
	}
	if got := words.Count(3, "{{.Count}} files"); got != "3 files" {
		t.Fatalf("three files read %q", got)
	}
}

func TestLanguageFollowsSystemOrChoiceEvenInPlainLocale(t *testing.T) {
	cases := []struct {
		name                       string
		lcAll, lcMessages, langEnv string
		chosen                     string
		want                       string
	}{
		{"system Swedish", "", "", "sv_SE.UTF-8", "", "sv"},
		{"chosen over system", "", "", "de_DE.UTF-8", "sv", "sv"},
		{"plain locale falls back to English", "", "", "C", "", "en"},
		{"plain C.UTF-8 with a choice", "", "", "C.UTF-8", "de", "de"},
		{"LC_ALL=C does not hide a choice", "C", "", "", "sv", "sv"},
		{"no locale at all", "", "", "", "", "en"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("LC_ALL", c.lcAll)
			t.Setenv("LC_MESSAGES", c.lcMessages)
			t.Setenv("LANG", c.langEnv)
			t.Setenv("LANGUAGE", "")
			if err := LoadTranslations(c.chosen); err != nil {
				t.Fatal(err)
			}
			if got := strings.SplitN(lang.SystemLocale().LanguageString(), "-", 2)[0]; got != c.want {
				t.Fatalf("language %q, want %q", got, c.want)
			}
		})
	}
}
