package getfiles

import (
	"errors"
	"testing"
	"time"

	"github.com/cairnbackup/cairn/engine/index"
)

func TestParseMoment(t *testing.T) {
	loc := time.FixedZone("here", 3600)
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, loc)
	for _, c := range []struct {
		date, clock string
		last        time.Time // the last instant the view includes
		err         error
	}{
		{"2026-11-25", "", day.Add(24*time.Hour - 1), nil},
		{" 2026-11-25 ", "14:30", day.Add(14*time.Hour + 31*time.Minute - 1), nil},
		{"2026-11-25", "9:05", day.Add(9*time.Hour + 6*time.Minute - 1), nil},
		{"2026-11-25", "14:30:05", day.Add(14*time.Hour + 30*time.Minute + 6*time.Second - 1), nil},
		{"2026-1-5", "", time.Date(2026, 1, 6, 0, 0, 0, 0, loc).Add(-1), nil},
		{"25/11/2026", "", time.Time{}, errDateFormat},
		{"", "14:30", time.Time{}, errDateFormat},
		{"2026-11-25", "2pm", time.Time{}, errTimeFormat},
		{"2026-11-25", "25:00", time.Time{}, errTimeFormat},
	} {
		m, err := parseMoment(c.date, c.clock, loc)
		if !errors.Is(err, c.err) {
			t.Errorf("%q %q: error %v, want %v", c.date, c.clock, err, c.err)
			continue
		}
		if err == nil && m.at() != c.last.UnixNano() {
			t.Errorf("%q %q: as of %v, want %v", c.date, c.clock, time.Unix(0, m.at()).In(loc), c.last)
		}
	}
	if (moment{}).at() != index.Latest || !(moment{}).latest() {
		t.Error("the zero moment is not the most recent backup")
	}
}
