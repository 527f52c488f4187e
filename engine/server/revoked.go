package server

import (
	"fmt"
	"net/http"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// A revoked token is answered with why, so that the computer can tell its
// person what happened and what to do: code "device_replaced" when another
// computer took the device over through the replace-device wizard (with the
// name that computer gave the device, and when), else "signed_out" with the
// reason (see docs/SERVER-API.md).

// revokedWords are the words for a person, by records.Revoked* reason.
var revokedWords = map[string]string{
	records.RevokedSignout:  "this computer signed out of the server; sign in again to go on backing up",
	records.RevokedRetired:  "the server's administrator retired this device; sign in again to back up as a new device, or ask the administrator",
	records.RevokedAdmin:    "the server's administrator signed your devices out; sign in again with your password",
	records.RevokedPassword: "your password was reset, which signed your devices out; sign in again with the new password",
	records.RevokedUser:     "this computer was signed out on your account's web page; sign in again to go on backing up",
	records.RevokedExpired:  "this computer's sign-in expired because it was not used for a long time; sign in again",
}

// detailedError is an answer with fields beyond "error" and "code".
type detailedError struct {
	*apiError
	extra map[string]any
}

func (e *detailedError) Unwrap() error { return e.apiError }

// revokedAnswer is the answer for a revoked token.
func revokedAnswer(re *records.RevokedError) error {
	at := unixNS(re.At)
	if re.Reason == records.RevokedReplaced {
		msg := fmt.Sprintf("another computer took over this device's backups at %s (it calls the device %q): this computer is signed out; "+
			"to back it up again, add the server as a new device", re.At.UTC().Format("2006-01-02 15:04 UTC"), re.ReplacedBy)
		return &detailedError{&apiError{http.StatusUnauthorized, "device_replaced", msg},
			map[string]any{"replaced_by": re.ReplacedBy, "at": at}}
	}
	msg, ok := revokedWords[re.Reason]
	if !ok { // revoked before reasons were kept
		msg = "this computer was signed out of the server; sign in again to go on backing up"
	}
	return &detailedError{&apiError{http.StatusUnauthorized, "signed_out", msg},
		map[string]any{"reason": re.Reason, "at": at}}
}
