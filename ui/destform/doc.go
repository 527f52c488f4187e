// Package destform holds the forms that add a destination: signing in to a
// Cairn server, and a folder or an external drive. The first-run flow shows
// them as pages and Settings shows them in dialogs, so a Form is only its
// fields, its inline problems and its progress: the host adds the buttons
// (ShowDialog does, for a dialog) and calls Submit.
//
// The server form offers CrashPlan's choice of what protects the archive
// key (the account password, a separate archive password, or a key the
// person keeps) and key escrow with the organisation.
//
// The engine's work (probing the server, signing in, deriving the archive
// key) runs off the UI thread, with a Cancel button. The engine asks its
// questions from that goroutine (trust this certificate? the password of an
// archive that exists already? keep this new key?): the form shows a dialog
// through Deps.Do and blocks the engine until the person answers or cancels.
package destform
