// Package replace is the replace-device wizard: this computer takes the
// place of one the person backed up before (lost, broken or retired). It
// signs in to the server the old computer used, or opens the folder or
// drive it backed up to; adopts the old computer's archive (the old
// computer is retired and this one continues its history); brings over the
// files and settings the person chooses; and ends with a summary.
//
// The engine remembers where the wizard is (Engine.Replacing), so the
// window can be closed at any step after the adoption and the wizard opens
// there again. No backup runs until it is finished.
//
// Every engine call that touches a disk or the network runs off the UI
// thread with a Cancel button; results come back through Deps.Do. When the
// engine asks a question from its goroutine (trust this certificate?), the
// wizard shows a dialog on the UI thread and the engine waits for the
// answer.
package replace
