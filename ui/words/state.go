package words

import (
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/cairnbackup/cairn/engine/service"
	"github.com/cairnbackup/cairn/engine/throttle"
)

// State is the service's state in one line, as the tray menu and the home
// screen show it: "Backing up: 42 % — 1.2 GB left", "Safe as of 14:02".
func State(st service.State, now time.Time) string {
	switch st.Phase {
	case service.BackingUp:
		p := st.Progress
		if p.Scanning && p.BytesToRead == 0 {
			return lang.L("Backing up: looking for changes…")
		}
		pct := 0
		if p.BytesToRead > 0 {
			pct = int(p.BytesRead * 100 / p.BytesToRead)
		}
		return lang.L("Backing up: {{.Percent}} % — {{.Left}} left",
			map[string]any{"Percent": pct, "Left": Bytes(max(0, p.BytesToRead-p.BytesRead))})
	case service.Paused:
		return paused(st, now)
	case service.Offline:
		return lang.L("Offline: changes wait on this computer ({{.Size}})", map[string]any{"Size": Bytes(st.Pending)})
	case service.Attention:
		if len(st.SignedOut) > 0 {
			return SignedOut(st.SignedOut[0], now)
		}
		if len(st.Unreadable) > 0 && !st.LastSafe.IsZero() {
			return lang.L("Backed up at {{.Time}}, but some files could not be read", map[string]any{"Time": When(st.LastSafe, now)})
		}
		return lang.L("Needs attention: the last backup did not finish")
	case service.Setup:
		return lang.L("Not set up yet: choose where to back up")
	case service.Waiting:
		if st.Problem == "" {
			return lang.L("Waiting to back up")
		}
		return waiting(st, now)

	}
	if st.SelectionAdded {
		return lang.L("Not safe yet: what you added to the backup is not backed up yet")
	}
	if st.LastSafe.IsZero() {
		return lang.L("Waiting for the first backup")
	}
	return lang.L("Safe as of {{.Time}}", map[string]any{"Time": When(st.LastSafe, now)})
}

// paused says until when backups are paused, and how many changes wait.
func paused(st service.State, now time.Time) string {
	n := st.ChangesWaiting
	switch {
	case st.PausedUntil.IsZero() && n == 0:
		return lang.L("Paused until you resume")
	case st.PausedUntil.IsZero():
		return lang.N("Paused until you resume; {{.Count}} changes wait", n, map[string]any{"Count": n})
	case n == 0:
		return lang.L("Paused until {{.Time}}", map[string]any{"Time": When(st.PausedUntil, now)})
	}
	return lang.N("Paused until {{.Time}}; {{.Count}} changes wait", n,
		map[string]any{"Time": When(st.PausedUntil, now), "Count": n})
}

// waiting says why backups wait (service.Waiting).
func waiting(st service.State, now time.Time) string {
	switch h := st.Held; h.Wait {
	case throttle.WaitBattery:
		return lang.L("On battery at {{.Percent}} %: backups wait until the computer is plugged in or charged to {{.Min}} %.",
			map[string]any{"Percent": h.Battery, "Min": h.MinBattery})
	case throttle.WaitHours:
		return lang.L("Backups wait for the hours you chose; the next start is {{.Time}}.", map[string]any{"Time": When(h.RecheckAt, now)})
	case throttle.WaitInvalid:
		return lang.L("Backups wait: the settings for when they run are not valid. Correct them in Settings.")
	}
	return st.Problem
}
