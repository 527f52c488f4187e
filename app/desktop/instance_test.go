package desktop

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestASecondStartShowsTheFirst(t *testing.T) {
	home := t.TempDir()
	if err := askRunning(home); err != nil {
		t.Fatalf("nobody runs yet: %v", err)
	}
	shown := make(chan struct{}, 1)
	l, err := listen(home, func() { shown <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	if err := askRunning(home); !errors.Is(err, ErrRunning) {
		t.Fatalf("second start: %v", err)
	}
	<-shown
	l.Close()
	// A socket left behind by a crash does not stop the next start.
	os.WriteFile(filepath.Join(home, socketName), nil, 0o600)
	if err := askRunning(home); err != nil {
		t.Fatalf("after a crash: %v", err)
	}
	l, err = listen(home, func() {})
	if err != nil {
		t.Fatalf("listen after a crash: %v", err)
	}
	l.Close()
}
