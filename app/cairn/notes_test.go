package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/fs"
)

// cairn backup names what it left out on purpose (a cloud-only file, a
// Windows junction) once, whatever the number of destinations, and a note
// does not change the exit code.
func TestBackupPrintsWhatWasLeftOut(t *testing.T) {
	notes := []engine.FileError{
		{Path: "/C:/Users/ana/OneDrive/film.mov", Err: fs.ErrCloudOnly},
		{Path: "/C:/Users/ana/My Documents", Err: fs.ErrJunction},
	}
	var out, errOut bytes.Buffer
	e := &env{stdout: &out, stderr: &errOut}
	err := reportBackups(e, []device.DestinationResult{
		{Name: "usb", Result: backup.Result{Notes: notes}},
		{Name: "server", Result: backup.Result{Notes: notes}},
	}, true)
	if err != nil {
		t.Fatalf("exit: %v", err)
	}
	s := out.String()
	for _, want := range []string{"Not backed up, on purpose (2):",
		"/C:/Users/ana/OneDrive/film.mov: cloud-only, not downloaded: not backed up",
		"/C:/Users/ana/My Documents: a Windows junction"} {
		if strings.Count(s, want) != 1 {
			t.Errorf("%q printed %d times, want once:\n%s", want, strings.Count(s, want), s)
		}
	}
}
