package throttle

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, on any system
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at parses "2025-03-03 23:00" in loc; a trailing zone abbreviation picks
// one of the two instants of an hour that happens twice ("02:30 CET").
func at(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if strings.Count(s, " ") == 2 {
		layout += " MST"
	}
	v, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

func TestWindowValidate(t *testing.T) {
	tests := []struct {
		w    Window
		want string // "" for valid
	}{
		{Window{From: "22:00", To: "06:00", Days: weekdays}, ""},
		{Window{}, ""},
		{Window{From: "00:00", To: "00:00"}, ""},
		{Window{From: "09:30", To: "17:00", Days: []time.Weekday{time.Saturday}}, ""},
		{Window{From: "25:00", To: "06:00"}, `backup window start: "25:00" is not a time of day`},
		{Window{From: "22:00", To: "24:00"}, `use "00:00" for midnight`},
		{Window{From: "7:00", To: "09:00"}, `"7:00" is not a time of day`},
		{Window{From: "22:00"}, "give both a start and an end time"},
		{Window{From: "22:00", To: "06:00", Days: []time.Weekday{7}}, "7 is not a day of the week"},
	}
	for _, tc := range tests {
		err := tc.w.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: error %v, want %q", tc.w, err, tc.want)
		}
	}
}

func TestWindowAllows(t *testing.T) {
	sthlm := zone(t, "Europe/Stockholm")
	nights := Window{From: "22:00", To: "06:00", Days: weekdays}
	office := Window{From: "09:00", To: "17:00"}
	weekend := Window{Days: []time.Weekday{time.Saturday, time.Sunday}}
	wednesday := Window{From: "08:00", To: "08:00", Days: []time.Weekday{time.Wednesday}}
	evening := Window{From: "22:00", To: "00:00"}
	tests := []struct {
		w    Window
		at   string
		want bool
	}{
		{nights, "2025-03-03 23:00", true},  // Monday night
		{nights, "2025-03-04 03:00", true},  // Tuesday early: Monday's night
		{nights, "2025-03-03 03:00", false}, // Monday early: Sunday's night, not a weekday
		{nights, "2025-03-08 03:00", true},  // Saturday early: Friday's night
		{nights, "2025-03-08 23:00", false}, // Saturday night
		{nights, "2025-03-09 03:00", false}, // Sunday early: Saturday's night
		{nights, "2025-03-04 06:00", false}, // closes at 06:00
		{nights, "2025-03-04 21:59", false},
		{nights, "2025-03-04 22:00", true},
		{office, "2025-03-09 09:00", true},
		{office, "2025-03-09 16:59", true},
		{office, "2025-03-09 17:00", false},
		{office, "2025-03-09 08:59", false},
		{weekend, "2025-03-08 00:00", true},
		{weekend, "2025-03-09 23:59", true},
		{weekend, "2025-03-10 00:00", false},
		{wednesday, "2025-03-05 00:00", true}, // equal times: the whole day
		{wednesday, "2025-03-05 07:00", true},
		{wednesday, "2025-03-06 07:00", false},
		{evening, "2025-03-05 23:59", true},
		{evening, "2025-03-06 00:00", false},
		{Window{From: "02:30", To: "04:00"}, "2025-03-30 03:10", true}, // the day clocks jump 02:00 → 03:00
		{Window{From: "02:30", To: "04:00"}, "2025-03-30 01:59", false},
		{Window{From: "25:00", To: "04:00"}, "2025-03-30 03:00", false}, // invalid: never
	}
	for _, tc := range tests {
		if got := tc.w.Allows(at(t, sthlm, tc.at)); got != tc.want {
			t.Errorf("%+v at %s (%s): %v, want %v", tc.w, tc.at, at(t, sthlm, tc.at).Weekday(), got, tc.want)
		}
	}
}

func TestWindowNextOpenAndClose(t *testing.T) {
	sthlm, ny := zone(t, "Europe/Stockholm"), zone(t, "America/New_York")
	nights := Window{From: "22:00", To: "06:00", Days: weekdays}
	tests := []struct {
		name  string
		w     Window
		loc   *time.Location
		from  string
		open  string // in UTC, so the instant is unambiguous
		close string // in UTC; "" when it never closes
	}{
		{"Saturday: Monday night", nights, sthlm, "2025-03-08 12:00", "2025-03-10 21:00", "2025-03-11 05:00"},
		{"Monday morning: tonight", nights, sthlm, "2025-03-03 07:00", "2025-03-03 21:00", "2025-03-04 05:00"},
		{"open now", nights, sthlm, "2025-03-03 23:00", "2025-03-03 22:00", "2025-03-04 05:00"},
		{"open since last night", nights, sthlm, "2025-03-04 02:00", "2025-03-04 01:00", "2025-03-04 05:00"},
		{"Friday evening", nights, sthlm, "2025-03-07 21:00", "2025-03-07 21:00", "2025-03-08 05:00"},
		{"the night clocks jump: 7 hours long", Window{From: "22:00", To: "06:00", Days: []time.Weekday{time.Saturday}},
			sthlm, "2025-03-29 20:00", "2025-03-29 21:00", "2025-03-30 04:00"},
		{"start skipped by the jump: opens at the jump", Window{From: "02:30", To: "04:00"},
			sthlm, "2025-03-30 01:00", "2025-03-30 01:00", "2025-03-30 02:00"},
		{"start happens twice: the first time", Window{From: "02:30", To: "03:30"},
			sthlm, "2025-10-26 00:00", "2025-10-26 00:30", "2025-10-26 02:30"},
		{"after the first 02:30: open", Window{From: "02:30", To: "03:30"},
			sthlm, "2025-10-26 02:45 CEST", "2025-10-26 00:45", "2025-10-26 02:30"},
		{"the clock went back to 02:00: still open", Window{From: "02:30", To: "03:30"},
			sthlm, "2025-10-26 02:15 CET", "2025-10-26 01:15", "2025-10-26 02:30"},
		{"New York, skipped start", Window{From: "02:30", To: "05:00"},
			ny, "2025-03-09 01:00", "2025-03-09 07:00", "2025-03-09 09:00"},
		{"New York, repeated start", Window{From: "01:30", To: "04:00"},
			ny, "2025-11-02 00:00", "2025-11-02 05:30", "2025-11-02 09:00"},
		{"weekend, all day", Window{Days: []time.Weekday{time.Saturday, time.Sunday}},
			sthlm, "2025-03-05 12:00", "2025-03-07 23:00", "2025-03-09 23:00"},
		{"every day, all day: never closes", Window{}, sthlm, "2025-03-05 12:00", "2025-03-05 11:00", ""},
		{"next week", Window{From: "09:00", To: "10:00", Days: []time.Weekday{time.Wednesday}},
			sthlm, "2025-03-05 10:00", "2025-03-12 08:00", "2025-03-12 09:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			open := tc.w.NextOpen(at(t, tc.loc, tc.from))
			if want := at(t, time.UTC, tc.open); !open.Equal(want) {
				t.Fatalf("opens %s (%s), want %s", open, open.UTC(), want)
			}
			if !tc.w.Allows(open) {
				t.Fatalf("NextOpen %s is not allowed", open)
			}
			closes := tc.w.nextClose(open)
			if tc.close == "" {
				if !closes.IsZero() {
					t.Fatalf("closes %s, want never", closes)
				}
				return
			}
			if want := at(t, time.UTC, tc.close); !closes.Equal(want) {
				t.Fatalf("closes %s (%s), want %s", closes, closes.UTC(), want)
			}
			if tc.w.Allows(closes) || !tc.w.Allows(closes.Add(-time.Minute)) {
				t.Fatalf("the window is not closing at %s", closes)
			}
		})
	}
}

func TestWindowInvalidNeverOpens(t *testing.T) {
	if got := (Window{From: "xx"}).NextOpen(time.Now()); !got.IsZero() {
		t.Fatalf("NextOpen of an invalid window: %s", got)
	}
}
