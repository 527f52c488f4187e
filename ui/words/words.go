// Package words turns the engine's numbers, times, states and errors into
// the short, translated phrases the screens show. Every screen uses it, so a
// size or a time reads the same everywhere.
package words

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2/lang"
)

// Bytes is a size for people: "0 B", "512 B", "1.2 KB", "3.4 GB" (powers of
// 1000, as file managers on every system show them).
func Bytes(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	for _, unit := range []string{"KB", "MB", "GB", "TB", "PB"} {
		f /= 1000
		if f < 999.95 || unit == "PB" {
			if f < 10 {
				return fmt.Sprintf("%.1f %s", f, unit)
			}
			return fmt.Sprintf("%.0f %s", f, unit)
		}
	}
	return "" // unreachable
}

// Rate is a speed: "12 MB/s".
func Rate(bytes int64, d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return Bytes(int64(float64(bytes)/d.Seconds())) + "/s"
}

// When is a moment relative to now, in local time: "14:02" today,
// "yesterday 14:02", "Mon 14:02" this week, "2 Jan 14:02" this year,
// "2 Jan 2025" before.
func When(t, now time.Time) string {
	if t.IsZero() {
		return lang.L("never")
	}
	t, now = t.Local(), now.Local()
	day := func(x time.Time) time.Time { y, m, d := x.Date(); return time.Date(y, m, d, 0, 0, 0, 0, time.Local) }
	days := int(day(now).Sub(day(t)).Hours() / 24)
	switch {
	case days == 0:
		return t.Format("15:04")
	case days == 1:
		return lang.L("yesterday {{.Time}}", map[string]any{"Time": t.Format("15:04")})
	case days > 1 && days < 7:
		return weekday(t.Weekday()) + " " + t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("2 ") + month(t.Month()) + t.Format(" 15:04")
	}
	return t.Format("2 ") + month(t.Month()) + t.Format(" 2006")
}

// Stamp is a full date and time, for lists of versions: "2026-11-25 14:02:31".
func Stamp(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }

// Duration is a span for people: "45 s", "3 min", "2 h 5 min", "3 days".
func Duration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return lang.L("{{.N}} s", map[string]any{"N": int(d.Round(time.Second).Seconds())})
	case d < time.Hour:
		return lang.L("{{.N}} min", map[string]any{"N": int(d.Round(time.Minute).Minutes())})
	case d < 48*time.Hour:
		d = d.Round(time.Minute)
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 {
			return lang.L("{{.H}} h", map[string]any{"H": h})
		}
		return lang.L("{{.H}} h {{.M}} min", map[string]any{"H": h, "M": m})
	}
	return lang.L("{{.N}} days", map[string]any{"N": int(d.Hours() / 24)})
}

// Count is a number of things with the right form of the noun. key is the
// English plural ("{{.Count}} files"); the bundles (en.json too) give each
// language's forms, so 1 reads "1 file".
func Count(n int64, key string) string {
	return lang.N(key, int(n), map[string]any{"Count": n})
}

func weekday(d time.Weekday) string {
	return [...]func() string{
		func() string { return lang.L("Sun") }, func() string { return lang.L("Mon") },
		func() string { return lang.L("Tue") }, func() string { return lang.L("Wed") },
		func() string { return lang.L("Thu") }, func() string { return lang.L("Fri") },
		func() string { return lang.L("Sat") },
	}[d]()
}

func month(m time.Month) string {
	return [...]func() string{
		func() string { return lang.L("Jan") }, func() string { return lang.L("Feb") },
		func() string { return lang.L("Mar") }, func() string { return lang.L("Apr") },
		func() string { return lang.L("May") }, func() string { return lang.L("Jun") },
		func() string { return lang.L("Jul") }, func() string { return lang.L("Aug") },
		func() string { return lang.L("Sep") }, func() string { return lang.L("Oct") },
		func() string { return lang.L("Nov") }, func() string { return lang.L("Dec") },
	}[m-1]()
}
