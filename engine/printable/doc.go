// Package printable makes text that came from elsewhere safe to show.
//
// A server's error message, a device name another computer registered, an OS
// name: each is text Cairn did not write, and it reaches a terminal, a log
// file or the desktop app. On a terminal, escape sequences in it can retitle
// the window, clear the screen, rewrite what was printed before or, on some
// terminals, paste text into the shell; bidirectional overrides can make a
// name read backwards (“exe.txt” shown for “txt.exe”). Text is therefore
// made printable where it enters the client, and once more where the
// command line prints it.
//
// Printable text here is valid UTF-8 holding no control characters (C0, DEL,
// C1), no line or paragraph separators and no format characters (bidi
// overrides and isolates, zero-width spaces, byte order marks), the zero
// width joiner of emoji sequences excepted. What is taken out is shown as a
// visible escape (\x1b, \u202e), never dropped silently, so a person can
// still see that something odd was there. Text is cut to a length, with an
// ellipsis, so a hostile answer cannot flood a screen or a log.
//
// The functions are idempotent: printable text passes through unchanged.
package printable
