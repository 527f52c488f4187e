package alerts

import "log/slog"

// LogNotifier shows alerts as warnings in l, for the headless daemon.
func LogNotifier(l *slog.Logger) func(Alert) {
	return func(a Alert) {
		title, body := a.Text()
		l.Warn(title, "alert", a.Key, "detail", body)
	}
}
