// Package snapshot reads files that another program holds open without
// sharing (Windows: Outlook's .pst while Outlook runs, which fs reports as
// fs.ErrInUse) from a Volume Shadow Copy of their volume.
//
// Creating a shadow copy needs administrator rights, which Cairn does not
// have: an install for everyone adds a small service, cairn-vss
// (app/cairn-vss), that runs as the system and makes and releases shadow
// copies for a person's Cairn over the named pipe PipeName. This package
// holds both ends' shared parts, so they are tested on every system:
//
//   - the protocol (protocol.go): length-prefixed JSON requests and
//     answers, and the one mapping of errors to wire codes;
//   - the paths (path.go): which volume a file is on, and where the file
//     is inside the volume's shadow copy;
//   - the policy of a backup pass (pass.go): ask only for a file that
//     failed as in use, at most once per volume per pass, release
//     everything when the pass ends, and say in words why a file could not
//     be read when there is no snapshot.
//
// Only the pipe and the opening of a file inside a shadow copy are
// Windows calls (client_windows.go). Elsewhere New returns nil: there is
// nothing to ask.
//
// File permissions hold inside a shadow copy as on the volume itself: a
// person's Cairn reads from it only what that person could read anyway.
package snapshot
