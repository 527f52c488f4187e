package i18n

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/alerts"
	"github.com/cairnbackup/cairn/i18n/extract"
)

// TestEnglishBundleHasEveryKey keeps en.json complete: every text the app
// passes to lang is in it, plurals with their "one" form, and nothing stale.
// `go generate ./i18n` adds what is missing.
func TestEnglishBundleHasEveryKey(t *testing.T) {
	keys, err := extract.Dirs(SourceDirs...)
	if err != nil {
		t.Fatal(err)
	}
	keys = extract.Add(keys, "engine/alerts", alerts.Templates())
	bundle := readBundle(t, "en.json")
	used := map[string]bool{}
	for _, k := range keys {
		used[k.Text] = true
		v, ok := bundle[k.Text]
		if !ok {
			t.Errorf("%s: %q is not in en.json: run go generate ./i18n", k.Where, k.Text)
			continue
		}
		if forms, ok := v.(map[string]any); k.Plural && (!ok || forms["one"] == nil || forms["other"] == nil) {
			t.Errorf("%s: the plural %q needs \"one\" and \"other\" forms in en.json", k.Where, k.Text)
		}
	}
	for k := range bundle {
		if !used[k] {
			t.Errorf("en.json has %q, which the app no longer uses: run go generate ./i18n", k)
		}
	}
}

// TestBundlesTranslateTheSameKeys checks every other language against
// English: no key unknown to English, placeholders kept.
func TestBundlesTranslateTheSameKeys(t *testing.T) {
	en := readBundle(t, "en.json")
	files, _ := Bundles.ReadDir(".")
	for _, f := range files {
		if f.Name() == "en.json" || !strings.HasSuffix(f.Name(), ".json") {
			continue
		}
		for k, v := range readBundle(t, f.Name()) {
			if _, ok := en[k]; !ok {
				t.Errorf("%s: %q is not an English key", f.Name(), k)
			}
			if s, ok := v.(string); ok && strings.Count(s, "{{") != strings.Count(k, "{{") {
				t.Errorf("%s: %q → %q loses or adds a placeholder", f.Name(), k, s)
			}
		}
	}
}

func readBundle(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := Bundles.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// TestNoTextLeftUntranslated fails on a text a person reads that the
// screens pass to Fyne as a plain literal, not through lang: no bundle
// could translate it.
func TestNoTextLeftUntranslated(t *testing.T) {
	// Names, and examples of what to type, the same in every language.
	allowed := []string{"Cairn", "English", "Svenska", "Deutsch", "KB/s", "MB/s", "GB", "MB", "KB", "HH:MM",
		"https://backup.example.org:8443", "12:ab:…", "ABCD-EFGH-…"}
	found, err := extract.Untranslated(allowed, "../ui", "../app/desktop")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range found {
		t.Errorf("%s: %q is shown without lang.L: wrap it so it can be translated", l.Where, l.Text)
	}
}
