// Command cairn-vss is Cairn's open-file helper for Windows: a service,
// installed by the setup for everyone on the computer, that runs as the
// system and makes Volume Shadow Copies for people's Cairn, which cannot
// (making one needs administrator rights). Cairn asks for one only when a
// file it backs up is held open by another program without sharing
// (Outlook's .pst), reads that file from the copy, and releases it when
// its backup pass ends (engine/snapshot).
//
// It listens on the named pipe \\.\pipe\cairn-vss, which signed-in people
// may connect to but not serve, and speaks engine/snapshot's protocol. It
// learns who is calling from the pipe (the caller's account, by
// identification) and keeps everyone within bounds (server.go): a drive
// letter's root of a local fixed drive only, one shadow copy per person at
// once and a few in all, a few per person per hour, each deleted when its
// connection closes, after two hours at most, and at the next start when
// the service stopped without deleting it (their IDs are kept in
// %ProgramData%\Cairn\vss\snapshots.json).
//
// A shadow copy gives nobody more than they had: files keep their
// permissions inside it, and Cairn runs as the person, so it reads only
// what that person could read on the drive itself.
//
//	cairn-vss install    register the service (automatic start) and start it
//	cairn-vss uninstall  stop and remove it, deleting its shadow copies
//	cairn-vss run        serve in the console, for trying it out
package main
