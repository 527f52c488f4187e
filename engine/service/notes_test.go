package service

import (
	"errors"
	"fmt"
	"testing"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/backup"
	"github.com/cairnbackup/cairn/engine/device"
	"github.com/cairnbackup/cairn/engine/fs"
)

// What a pass leaves out by design (backup.Result.Notes, made on Linux by
// engine/backup's describe hook in TestLeftOutEntriesAreNotedNotRead)
// reaches the state once per path however many destinations saw it, and
// is not a problem: the phase stays Idle.
func TestNotesArePassedOnNotProblems(t *testing.T) {
	cloud := engine.FileError{Path: "/home/ana/OneDrive/big.mov", Err: fs.ErrCloudOnly}
	junction := engine.FileError{Path: "/C:/Users/ana/My Documents", Err: fs.ErrJunction}
	results := []device.DestinationResult{
		{Name: "usb", Result: backup.Result{Notes: []engine.FileError{cloud, junction}}},
		{Name: "server", Result: backup.Result{Notes: []engine.FileError{junction, cloud}}},
	}
	notes := notesOf(results)
	if len(notes) != 2 || notes[0] != cloud || notes[1] != junction {
		t.Fatalf("notes %v, want the cloud file and the junction once each", notes)
	}
	if !errors.Is(notes[0].Err, fs.ErrNotBackedUp) {
		t.Errorf("%v does not say it is not backed up", notes[0].Err)
	}
	s := New(nil)
	st := State{NotBackedUp: notes}
	s.conclude(&st, results, nil, true)
	if st.Phase != Idle || st.Problem != "" {
		t.Errorf("phase %v, problem %q: a note is not a problem", st.Phase, st.Problem)
	}
}

func TestNotesAreBounded(t *testing.T) {
	many := make([]engine.FileError, engine.MaxReported+10)
	for i := range many {
		many[i] = engine.FileError{Path: fmt.Sprintf("/f%d", i), Err: fs.ErrCloudOnly}
	}
	got := notesOf([]device.DestinationResult{{Result: backup.Result{Notes: many}}})
	if len(got) != engine.MaxReported {
		t.Errorf("%d notes kept, want %d", len(got), engine.MaxReported)
	}
}
