// Package control is how the process that owns Cairn's index (the desktop
// app, or `cairn daemon`) talks to other starts of cairn for the same
// person: a second app start asks it to show its window, and a command
// typed in a terminal runs inside it, with its output, password questions,
// Ctrl-C and exit code carried over the connection.
//
// The owner listens on a Unix socket, cairn.sock, in Cairn's home folder.
// The folder is kept at mode 0700 and the socket at 0600, a socket that
// belongs to another user is refused, and on Linux the peer's user ID is
// checked on every connection: only the person who runs Cairn can talk to
// it. A lock file beside the socket (cairn.sock.lock) is held for as long
// as the owner lives, so a socket left by a crash is told from a live one
// without guessing, and two owners never replace each other's socket.
//
// # The protocol
//
// Each message is a frame: a 4-byte big-endian length, then that many
// bytes of JSON (a frame), at most MaxFrame bytes. Every frame carries the
// protocol version (Version); an owner answers a request of another
// version with an "error" frame.
//
// The client opens with one frame:
//
//	show     bring your window forward → "shown" {window: false when the owner has none}
//	run      {args, dir, env, terminals, width} → a stream of frames, until "exit"
//
// During a run the owner sends "stdout" and "stderr" frames (bytes, in
// order), "prompt" frames (a question for a secret: the client reads it
// from its terminal without echo, or a line from its stdin, and sends an
// "answer"), and finally "exit" {code}. The client may send "cancel" at any
// time (Ctrl-C): the command's context is cancelled and it ends as it does
// when stopped in a terminal, with its own "exit". A client that goes away
// cancels its command too. Unknown frame kinds are ignored, so either side
// can add kinds within a version.
//
// # Windows
//
// On Windows the owner listens on a named pipe, \\.\pipe\cairn-<SID>-<hash
// of the home> (PipeName), made through github.com/Microsoft/go-winio. Its
// security descriptor lets in only the account that made it, remote
// clients are rejected, and both ends check the process at the other end
// (GetNamedPipeClientProcessId, GetNamedPipeServerProcessId, and that
// process's token user): a client talks only to an owner of its own
// account, so a program of another account that took the name first gets
// no commands or passwords. The pipe is made with FILE_CREATE, which only
// one process can do, and goes away with its process: it needs no lock
// file and leaves nothing behind after a crash. Listen and Dial return
// ErrUnsupported only on systems with neither transport.
package control
