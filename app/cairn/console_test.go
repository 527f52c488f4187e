package main

import (
	"strings"
	"testing"
)

func TestStartedAlone(t *testing.T) {
	for _, c := range []struct {
		name      string
		goos      string
		processes int
		args      []string
		want      bool
	}{
		{"double-clicked in Explorer", "windows", 1, nil, true},
		{"typed in Command Prompt", "windows", 2, nil, false},
		{"double-clicked with a command (a shortcut's)", "windows", 1, []string{"backup"}, false},
		{"with a global flag (a shortcut's)", "windows", 1, []string{"--hidden"}, false},
		{"without a console (a scheduled task)", "windows", 0, nil, false},
		{"a terminal elsewhere", "darwin", 1, nil, false},
	} {
		if got := startedAlone(c.goos, c.processes, c.args); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestExplainAndWaitPrintsTheHelpAndWaitsForEnter(t *testing.T) {
	var out strings.Builder
	if code := explainAndWait(&out, strings.NewReader("\n")); code != exitOK {
		t.Fatalf("exit code %d", code)
	}
	for _, want := range []string{"cairn status", "Command Prompt", "Press Enter to close this window."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
}
