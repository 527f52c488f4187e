package main

import (
	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/printable"
)

// fileErrorText says which file could not be backed up or restored, and
// why, as printable text: the reason can quote a server, and a file name
// can hold a line break or an escape code that would forge or hide output.
func fileErrorText(fe engine.FileError) string {
	return printable.String(fe.Path, 0) + ": " + printable.Message(fe.Err.Error())
}
