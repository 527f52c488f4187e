package words

import (
	"fmt"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/engine/store/remote"
	"github.com/cairnbackup/cairn/ui/uitest"
)

// What the state line says when a computer was replaced or signed out,
// while backups are paused, and while a folder added to the selection is
// not backed up yet.
func TestStateSaysWhatIsTrue(t *testing.T) {
	uitest.UseEnglish() // the plurals' singular forms
	now := time.Date(2026, 12, 6, 15, 0, 0, 0, time.Local)
	at := time.Date(2026, 12, 6, 11, 30, 0, 0, time.Local)
	for _, c := range []struct {
		st   service.State
		want string
	}{
		{service.State{Phase: service.Attention, SignedOut: []service.SignedOut{{Destination: "work", Replaced: true, ReplacedBy: "New laptop", At: at}}},
			"This computer was replaced by “New laptop” (11:30); its backups continue there"},
		{service.State{Phase: service.Attention, SignedOut: []service.SignedOut{{Destination: "work", Replaced: true}}},
			"This computer was replaced by another computer; its backups continue there"},
		{service.State{Phase: service.Attention, SignedOut: []service.SignedOut{{Destination: "work"}}},
			"This computer was signed out of “work” by your organisation or from your account"},
		{service.State{Phase: service.Paused, PausedUntil: now.Add(time.Hour), ChangesWaiting: 3},
			"Paused until 16:00; 3 changes wait"},
		{service.State{Phase: service.Paused, ChangesWaiting: 1}, "Paused until you resume; 1 change waits"},
		{service.State{Phase: service.Paused}, "Paused until you resume"},
		{service.State{Phase: service.Idle, LastSafe: at, SelectionAdded: true},
			"Not safe yet: what you added to the backup is not backed up yet"},
		{service.State{Phase: service.Idle, LastSafe: at}, "Safe as of 11:30"},
	} {
		if got := State(c.st, now); got != c.want {
			t.Errorf("State(%+v) = %q, want %q", c.st, got, c.want)
		}
	}
	if got := SignedOutAdvice(service.SignedOut{Destination: "work"}); got == "" {
		t.Error("no advice for a computer signed out")
	}
	replaced := fmt.Errorf("destination %q: %w", "work", &remote.SignedOutError{Replaced: true, ReplacedBy: "New laptop"})
	if got, want := Error(replaced), "This computer was replaced by “New laptop”; its backups continue there."; got != want {
		t.Errorf("Error(replaced) = %q, want %q", got, want)
	}
	if got := Error(fmt.Errorf("list: %w", remote.ErrToken)); got != Error(&remote.SignedOutError{}) {
		t.Errorf("a refused token and an unknown one read differently: %q", got)
	}
}
