package alerts

import (
	"strings"
	"text/template"
)

// The English templates. They are the translation keys too: change one and
// its translations go with it.
const (
	noBackupTitle    = "Your files are not backed up"
	noBackupBody1    = "Cairn could not complete a backup for a day while this computer was on. Open Cairn to see what stops it; it keeps trying by itself."
	noBackupBodyN    = "Cairn could not complete a backup for {{.Days}} days while this computer was on. Open Cairn to see what stops it; it keeps trying by itself."
	noBackupNever    = "Cairn has not completed a first backup of this computer yet. Open Cairn to see what stops it; it keeps trying by itself."
	unreachableTitle = "{{.Destination}} cannot be reached"
	unreachableBodyN = "Cairn has not reached {{.Destination}} for {{.Days}} days. Plug the drive in or check the network; changes wait on this computer until then."
	unreachableNever = "Cairn has never reached {{.Destination}}. Plug the drive in or check the network, or check the destination in Settings."
	unreadableTitle  = "Some files could not be backed up"
	unreadableBody   = "Cairn could not read {{.Paths}}. Close the programs that use them, or check that you may read them; Cairn tries again by itself."
	unreadableBodyN  = "Cairn could not read {{.Paths}} and {{.More}} more. Close the programs that use them, or check that you may read them; Cairn tries again by itself."
)

// noBackupAlert: Data has Days, the running time without a complete pass.
func noBackupAlert(key string, days int, never bool) Alert {
	body := noBackupBodyN
	switch {
	case never:
		body = noBackupNever
	case days == 1:
		body = noBackupBody1
	}
	return Alert{Kind: NoBackup, Key: key, Title: noBackupTitle, Body: body, Data: map[string]any{"Days": days}}
}

// unreachableAlert: Data has Destination and Days since it last answered
// (or since Cairn first saw it not answer, when it never did).
func unreachableAlert(key, name string, days int, never bool) Alert {
	body := unreachableBodyN
	if never {
		body = unreachableNever
	}
	return Alert{Kind: Unreachable, Key: key, Title: unreachableTitle, Body: body,
		Data: map[string]any{"Destination": name, "Days": days}}
}

// shownPaths is how many files an unreadable alert names.
const shownPaths = 3

// unreadableAlert: Data has Paths (the first three of the new files, joined
// with ", "), PathList (those three), More (how many others) and Count (all
// the new files).
func unreadableAlert(key string, fresh []string) Alert {
	named := fresh[:min(len(fresh), shownPaths)]
	body := unreadableBody
	if len(fresh) > len(named) {
		body = unreadableBodyN
	}
	return Alert{Kind: Unreadable, Key: key, Title: unreadableTitle, Body: body, Data: map[string]any{
		"Paths": strings.Join(named, ", "), "PathList": named, "More": len(fresh) - len(named), "Count": len(fresh),
	}}
}

// Text is the alert in English, its templates filled in.
func (a Alert) Text() (title, body string) {
	return fill(a.Title, a.Data), fill(a.Body, a.Data)
}

func fill(tmpl string, data map[string]any) string {
	t, err := template.New("").Option("missingkey=zero").Parse(tmpl)
	if err != nil {
		return tmpl
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return tmpl
	}
	return b.String()
}

// Templates are every title and body an Alert may carry, for the
// translation bundles (they are not literals in the app's code, so the
// extractor cannot find them).
func Templates() []string {
	return []string{noBackupTitle, noBackupBody1, noBackupBodyN, noBackupNever, unreachableTitle, unreachableBodyN,
		unreachableNever, unreadableTitle, unreadableBody, unreadableBodyN}
}
