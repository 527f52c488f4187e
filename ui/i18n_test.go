package ui

import (
	"testing"

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
