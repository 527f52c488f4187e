// Command gen brings en.json up to date with the words the app uses: it adds
// new keys (the English text as its own translation), drops keys no longer
// used, and keeps what is there. A new plural gets "one" and "other" both set
// to the key; write its singular form by hand (the test says which).
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"os"

	"github.com/cairnbackup/cairn/engine/alerts"
	"github.com/cairnbackup/cairn/i18n"
	"github.com/cairnbackup/cairn/i18n/extract"
)

func main() {
	keys, err := extract.Dirs(i18n.SourceDirs...)
	if err != nil {
		log.Fatal(err)
	}
	keys = extract.Add(keys, "engine/alerts", alerts.Templates())
	old := map[string]any{}
	if b, err := os.ReadFile("en.json"); err == nil {
		if err := json.Unmarshal(b, &old); err != nil {
			log.Fatalf("en.json: %v", err)
		}
	}
	out := map[string]any{}
	for _, k := range keys {
		switch v, ok := old[k.Text]; {
		case ok:
			out[k.Text] = v
		case k.Plural:
			out[k.Text] = map[string]string{"one": k.Text, "other": k.Text}
			fmt.Printf("%s: new plural %q: write its \"one\" form in en.json\n", k.Where, k.Text)
		default:
			out[k.Text] = k.Text
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("en.json", buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("en.json: %d keys (%d before)\n", len(out), len(old))
}
