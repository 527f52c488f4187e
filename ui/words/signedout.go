package words

import (
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// SignedOut says in one line what happened to a destination that no longer
// accepts this computer: "This computer was replaced by “New laptop”
// (6 Dec 14:02); its backups continue there".
func SignedOut(so service.SignedOut, now time.Time) string {
	return signedOut(so.Destination, so.Replaced, so.ReplacedBy, so.At, now)
}

// SignedOutAdvice says what to do about it.
func SignedOutAdvice(so service.SignedOut) string {
	if so.Replaced {
		return lang.L("Nothing more is sent from this computer to “{{.Destination}}”. If this computer should still be backed up there, as a computer of its own, remove the destination in Settings and add it again.",
			map[string]any{"Destination": so.Destination})
	}
	return lang.L("Nothing is sent to “{{.Destination}}” until you sign in again: remove the destination in Settings and add it again. If you did not expect this, ask your IT department.",
		map[string]any{"Destination": so.Destination})
}

func signedOut(dest string, replaced bool, by string, at, now time.Time) string {
	switch {
	case replaced && by != "" && !at.IsZero():
		return lang.L("This computer was replaced by “{{.Name}}” ({{.When}}); its backups continue there",
			map[string]any{"Name": by, "When": When(at, now)})
	case replaced && by != "":
		return lang.L("This computer was replaced by “{{.Name}}”; its backups continue there", map[string]any{"Name": by})
	case replaced:
		return lang.L("This computer was replaced by another computer; its backups continue there")
	}
	return lang.L("This computer was signed out of “{{.Destination}}” by your organisation or from your account",
		map[string]any{"Destination": dest})
}

// signedOutError is Error's words for a server's refusal of the sign-in.
func signedOutError(e *remote.SignedOutError) string {
	if e.Replaced {
		return signedOut("", true, e.ReplacedBy, e.At, time.Now()) + "."
	}
	return lang.L("This computer is no longer signed in to the server. Remove the destination in Settings and add it again to sign in.")
}
