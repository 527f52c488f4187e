package i18n

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

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

// languages are the bundles that must be complete.
var languages = []string{"sv", "de"}

// sameAsEnglish are texts a language writes as English does (names, units,
// words borrowed as they are).
var sameAsEnglish = map[string][]string{
	"sv": {"Cairn", "OK", "Status", "Version", "Server", "Processor", "KB/s", "MB/s", "HH:MM", "YYYY-MM-DD", "{{.N}} min"},
	"de": {"Cairn", "OK", "Status", "Version", "Server", "Name", "KB/s", "MB/s", "HH:MM", "Downloads"},
}

// TestEveryLanguageIsComplete: Swedish and German have every English key,
// in the same shape (plurals with one/other), with the same placeholders,
// and nothing left in English by mistake.
func TestEveryLanguageIsComplete(t *testing.T) {
	en := readBundle(t, "en.json")
	for _, code := range languages {
		bundle := readBundle(t, code+".json")
		same := map[string]bool{}
		for _, s := range sameAsEnglish[code] {
			same[s] = true
		}
		for key, ev := range en {
			v, ok := bundle[key]
			if !ok {
				t.Errorf("%s.json lacks %q", code, key)
				continue
			}
			for form, text := range forms(t, code, key, ev, v) {
				got, want := placeholders(text), placeholders(key)
				if form == "one" && !slices.Contains(got, "Count") && slices.Contains(want, "Count") {
					got = append(got, "Count") // "one file" may say the count in words
					slices.Sort(got)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s.json: %q (%s) has placeholders %v, want %v", code, key, form, got, want)
				}
				words := placeholderRE.ReplaceAllString(text, "")
				if text == englishForm(ev, form) && !same[text] && strings.ContainsFunc(words, unicode.IsLetter) {
					t.Errorf("%s.json: %q (%s) is left in English", code, key, form)
				}
			}
		}
	}
}

// forms returns a translation's texts by plural form ("" for a plain one),
// checking it has the English entry's shape.
func forms(t *testing.T, code, key string, en, v any) map[string]string {
	t.Helper()
	if _, plural := en.(map[string]any); !plural {
		s, ok := v.(string)
		if !ok {
			t.Errorf("%s.json: %q should be a plain text", code, key)
		}
		return map[string]string{"": s}
	}
	m, ok := v.(map[string]any)
	if !ok || m["one"] == nil || m["other"] == nil {
		t.Errorf("%s.json: %q needs \"one\" and \"other\" forms", code, key)
		return nil
	}
	out := map[string]string{}
	for f, x := range m {
		out[f], _ = x.(string)
	}
	return out
}

func englishForm(en any, form string) string {
	if m, ok := en.(map[string]any); ok {
		s, _ := m[form].(string)
		return s
	}
	s, _ := en.(string)
	return s
}

var placeholderRE = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// placeholders are the sorted, distinct names in a text's {{.Name}}s.
func placeholders(s string) []string {
	var names []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	slices.Sort(names)
	return names
}
