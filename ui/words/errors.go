package words

import (
	"context"
	"errors"

	"fyne.io/fyne/v2/lang"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/folder"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// Error is an error in words a person understands, with what to do next.
// Errors the engine names with a sentinel get a translated sentence; the
// rest keep the engine's own words (English, and already specific).
func Error(err error) string {
	if err == nil {
		return ""
	}
	if so := (*remote.SignedOutError)(nil); errors.As(err, &so) {
		return signedOutError(so)
	}
	for _, k := range known {
		if errors.Is(err, k.err) {
			return k.text()
		}
	}
	return err.Error()
}

var known = []struct {
	err  error
	text func() string
}{
	{context.Canceled, func() string { return lang.L("Cancelled.") }},
	{engine.ErrWrongPassword, func() string { return lang.L("The password is not right. Try again; letters must match in case.") }},
	{store.ErrOffline, func() string {
		return lang.L("The destination cannot be reached. Check the network or plug the drive in; Cairn tries again by itself.")
	}},
	{engine.ErrDestinationFull, func() string {
		return lang.L("The destination is full. Free some space there, or ask your IT department for a bigger quota.")
	}},
	{engine.ErrDamaged, func() string {
		return lang.L("Part of the backup is damaged. Run a verification from Settings; Cairn stores the damaged parts again from this computer.")
	}},
	{engine.ErrLocked, func() string { return lang.L("Another Cairn is using this backup. Close it, then try again.") }},
	{engine.ErrNoArchive, func() string { return lang.L("There is no Cairn backup there. Check the folder or the drive.") }},
	{remote.ErrCredentials, func() string {
		return lang.L("The user name or password is not right. Try again, or ask your IT department.")
	}},
	{remote.ErrToken, func() string {
		return lang.L("This computer is no longer signed in to the server. Remove the destination in Settings and add it again to sign in.")
	}},
	{remote.ErrDisabled, func() string { return lang.L("Your account is disabled on the server. Ask your IT department.") }},
	{remote.ErrDeviceLimit, func() string {
		return lang.L("Your account has its maximum number of computers. Replace an old one instead, or ask your IT department.")
	}},
	{remote.ErrRateLimited, func() string { return lang.L("Too many failed sign-ins. Wait a few minutes, then try again.") }},
	{remote.ErrQuota, func() string {
		return lang.L("Your storage on the server is used up. Ask your IT department for more, or take folders out of the backup.")
	}},
	{folder.ErrGone, func() string {
		return lang.L("The drive is not connected. Plug it in; nothing already backed up is lost.")
	}},
	{remote.ErrFingerprint, func() string {
		return lang.L("The server's certificate is not the one expected. Do not go on: ask your IT department which fingerprint is right.")
	}},
	{remote.ErrSSONotAllowed, func() string {
		return lang.L("Your organisation's account is not allowed to use this backup service. Ask your IT department.")
	}},
	{remote.ErrSSODenied, func() string {
		return lang.L("The sign-in was declined on the other device. Start it again if that was a mistake.")
	}},
	{remote.ErrSSORefused, func() string {
		return lang.L("Your organisation's sign-in did not complete: it was cancelled or refused. Try again.")
	}},
	{remote.ErrSSOExpired, func() string { return lang.L("The sign-in was not finished in time. Start it again.") }},
	{remote.ErrSSOServer, func() string {
		return lang.L("The server could not finish the sign-in. Try again later, or ask your IT department.")
	}},
}
