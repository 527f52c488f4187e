package retention

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

const day = 24 * time.Hour

// Duration is a time.Duration that reads and writes as text, so policies are
// readable in the config file: Go's form ("30m", "36h", "1h30m") or whole
// days ("7d", "90d"). Whole days are written as days.
type Duration time.Duration

// String returns the duration as it is written in the config file.
func (d Duration) String() string { return formatDuration(time.Duration(d)) }

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler. It accepts negative
// durations; [Policy.Validate] rejects them with a message that says where.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := parseDuration(string(text))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// Width is the width of the buckets of a tier: [KeepAll], a fixed duration
// such as Width(30*time.Minute), or [Month]. In the config file it is "all",
// "month" or a duration as for [Duration].
type Width time.Duration

const (
	// KeepAll, the zero Width, keeps every version: each is its own bucket.
	KeepAll Width = 0
	// Month buckets are calendar months in UTC. It is a marker value, not a
	// length; where widths are compared it counts as 30 days.
	Month Width = math.MinInt64
)

// String returns the width as it is written in the config file.
func (w Width) String() string {
	switch w {
	case KeepAll:
		return "all"
	case Month:
		return "month"
	}
	return formatDuration(time.Duration(w))
}

// MarshalText implements encoding.TextMarshaler.
func (w Width) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler. "0" and "0s" mean
// "all", as in Go code.
func (w *Width) UnmarshalText(text []byte) error {
	switch s := string(text); s {
	case "all":
		*w = KeepAll
	case "month":
		*w = Month
	default:
		v, err := parseDuration(s)
		if err != nil {
			return fmt.Errorf("bucket width %q: want \"all\", \"month\" or a duration", s)
		}
		*w = Width(v)
	}
	return nil
}

// nominal is the length used to compare widths: 30 days for a month.
func (w Width) nominal() time.Duration {
	if w == Month {
		return 30 * day
	}
	return time.Duration(w)
}

func formatDuration(d time.Duration) string {
	if d != 0 && d%day == 0 {
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	s := d.String() // "1h0m0s", "30m0s": trim the zero units
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func parseDuration(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.ParseInt(n, 10, 64)
		if err != nil || days > math.MaxInt64/int64(day) || days < math.MinInt64/int64(day) {
			return 0, fmt.Errorf("duration %q: want whole days (\"90d\") or Go's form (\"36h\")", s)
		}
		return time.Duration(days) * day, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: want whole days (\"90d\") or Go's form (\"36h\")", s)
	}
	return d, nil
}
