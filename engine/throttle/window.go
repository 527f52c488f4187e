package throttle

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Window is "back up only between From and To on these days".
//
// A window that ends before it starts runs overnight: 22:00–06:00 on Friday
// is from Friday 22:00 to Saturday 06:00 (the part after midnight belongs to
// the day it started). From equal to To (both "" included) is the whole
// day. Times are on the wall clock of the time asked about: the window opens
// the first time the clock shows From on one of the Days, and closes the
// first time after that it shows To. So on the days clocks change, a start
// that does not exist (02:30 when clocks jump from 02:00 to 03:00) opens
// the window at the jump, a start that happens twice opens it the first
// time, and a clock going back does not close and reopen it.
type Window struct {
	// Days the window starts on; empty means every day.
	Days []time.Weekday
	// From and To are "HH:MM", 24-hour clock; To "00:00" means midnight.
	From, To string
}

// Validate says what is wrong with the window, if anything.
func (w Window) Validate() error {
	for _, d := range w.Days {
		if d < time.Sunday || d > time.Saturday {
			return fmt.Errorf("backup window: %d is not a day of the week", d)
		}
	}
	if (w.From == "") != (w.To == "") {
		return errors.New(`backup window: give both a start and an end time, or neither for the whole day`)
	}
	if _, err := parseClock(w.From); err != nil {
		return fmt.Errorf("backup window start: %w", err)
	}
	if _, err := parseClock(w.To); err != nil {
		return fmt.Errorf("backup window end: %w", err)
	}
	return nil
}

// parseClock turns "HH:MM" into minutes after midnight; "" is midnight.
func parseClock(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, fmt.Errorf(`%q is not a time of day like "22:00" (use "00:00" for midnight)`, s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// minutes are a window's From and To in minutes after midnight.
type minutes struct{ from, to int }

// bounds returns From and To in minutes; ok is false for an invalid window.
func (w Window) bounds() (b minutes, ok bool) {
	if w.Validate() != nil {
		return b, false
	}
	b.from, _ = parseClock(w.From)
	b.to, _ = parseClock(w.To)
	if b.from == b.to {
		return minutes{}, true // the whole day, from midnight
	}
	return b, true
}

func (w Window) on(d time.Weekday) bool { return len(w.Days) == 0 || slices.Contains(w.Days, d) }

// Allows reports whether t is inside the window. An invalid window allows
// nothing (Policy.Decide says why).
func (w Window) Allows(t time.Time) bool {
	_, ok := w.closeOf(t)
	return ok
}

// NextOpen returns the first instant at or after t that the window allows:
// t itself when it is open, the zero time for an invalid window.
func (w Window) NextOpen(t time.Time) time.Time {
	if _, ok := w.bounds(); !ok {
		return time.Time{}
	}
	if w.Allows(t) {
		return t
	}
	for i := 0; i <= 7; i++ {
		if open, close, ok := w.span(t, i); ok && open.Before(close) && !open.Before(t) {
			return open
		}
	}
	return time.Time{} // not reached: a valid window opens within a week
}

// nextClose returns when the window, open at t, closes: the zero time if it
// is not open or never closes (every day, all day).
func (w Window) nextClose(t time.Time) time.Time {
	c, ok := w.closeOf(t)
	for i := 0; ok && i < 8; i++ {
		next, open := w.closeOf(c) // whole days in a row, or a window reopening at once
		if !open {
			return c
		}
		c = next
	}
	return time.Time{}
}

// closeOf returns the end of the window's opening that holds t, if one does.
func (w Window) closeOf(t time.Time) (time.Time, bool) {
	for _, i := range []int{-1, 0} { // opened yesterday (overnight, or all day), or today
		if open, close, ok := w.span(t, i); ok && !t.Before(open) && t.Before(close) {
			return close, true
		}
	}
	return time.Time{}, false
}

// span returns when the window opens and closes if it starts on the date i
// days after t's; ok is false when it does not start that day. It is open
// from the first instant the wall clock shows From until the first instant
// after that it shows To: a clock going back does not close and reopen it.
func (w Window) span(t time.Time, i int) (open, close time.Time, ok bool) {
	b, valid := w.bounds()
	y, m, d := t.Date()
	day := time.Date(y, m, d+i, 12, 0, 0, 0, t.Location()) // noon: never skipped
	if !valid || !w.on(day.Weekday()) {
		return time.Time{}, time.Time{}, false
	}
	open = wallTime(day, b.from)
	if b.from < b.to {
		return open, wallTime(day, b.to), true
	}
	// Overnight, or (equal times) the whole day: it ends on the next day.
	return open, wallTime(time.Date(y, m, d+i+1, 12, 0, 0, 0, t.Location()), b.to), true
}

// wallTime returns the first instant at which the wall clock on day's date
// shows minutes after midnight, or, when that time does not exist (clocks
// jump over it), the instant of the jump.
func wallTime(day time.Time, minutes int) time.Time {
	y, m, d := day.Date()
	h, mi := minutes/60, minutes%60
	c := time.Date(y, m, d, h, mi, 0, 0, day.Location())
	if cy, cm, cd := c.Date(); cy != y || cm != m || cd != d || c.Hour() != h || c.Minute() != mi {
		// In a gap: c is on one side of the jump; the jump is the window's
		// edge on that side.
		start, end := c.ZoneBounds()
		if wallBefore(c, y, m, d, minutes) {
			return end
		}
		return start
	}
	// Where the clock went back, the same wall time happened earlier in
	// the zone before; time.Date may have chosen the later one.
	start, _ := c.ZoneBounds()
	if !start.IsZero() {
		_, prevOff := start.Add(-time.Nanosecond).Zone()
		_, off := c.Zone()
		if earlier := c.Add(-time.Duration(prevOff-off) * time.Second); prevOff > off && earlier.Before(start) {
			return earlier
		}
	}
	return c
}

// wallBefore reports whether c's wall clock is before minutes on y-m-d.
func wallBefore(c time.Time, y int, m time.Month, d, minutes int) bool {
	cy, cm, cd := c.Date()
	if cy != y || cm != m || cd != d {
		return time.Date(cy, cm, cd, 0, 0, 0, 0, time.UTC).Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	}
	return c.Hour()*60+c.Minute() < minutes
}

// describe puts the window in words: "between 22:00 and 06:00 on weekdays".
func (w Window) describe() string {
	var s []string
	if w.From != w.To {
		s = append(s, fmt.Sprintf("between %s and %s", w.From, w.To))
	}
	if days := describeDays(w.Days); days != "" {
		s = append(s, days)
	}
	if len(s) == 0 {
		return "at any time"
	}
	return strings.Join(s, " ")
}

func describeDays(days []time.Weekday) string {
	var set [7]bool
	for _, d := range days {
		set[d] = true
	}
	switch set {
	case [7]bool{}, [7]bool{true, true, true, true, true, true, true}:
		return ""
	case [7]bool{false, true, true, true, true, true, false}:
		return "on weekdays"
	case [7]bool{true, false, false, false, false, false, true}:
		return "at weekends"
	}
	var names []string
	for _, d := range []time.Weekday{1, 2, 3, 4, 5, 6, 0} { // Monday first
		if set[d] {
			names = append(names, d.String())
		}
	}
	if len(names) == 1 {
		return "on " + names[0]
	}
	return "on " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
