package alerts

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// down is one destination, "Drive", that last answered (and completed a
// pass) at since and not after.
func down(since time.Duration) world {
	return func(time.Duration) Observation {
		return Observation{LastComplete: at(since),
			Destinations: []DestinationSeen{{Name: "Drive", LastReached: at(since)}}}
	}
}

// flapping is "Drive" answering, and the pass completing, at every period
// and never in between.
func flapping(period time.Duration) world {
	return func(off time.Duration) Observation {
		last := off.Truncate(period)
		return Observation{LastComplete: at(last),
			Destinations: []DestinationSeen{{Name: "Drive", LastReached: at(last), Reachable: off == last}}}
	}
}

// answersOnce is "Drive" down from the start, answering once at back.
func answersOnce(back time.Duration) world {
	return func(off time.Duration) Observation {
		last := time.Duration(0)
		if off >= back {
			last = back
		}
		return Observation{LastComplete: at(last),
			Destinations: []DestinationSeen{{Name: "Drive", LastReached: at(last), Reachable: off == back}}}
	}
}

func TestAlertsOverTime(t *testing.T) {
	cases := []struct {
		name string
		w    world
		to   time.Duration
		step time.Duration
		want []shown
	}{
		{"a week-long outage: a day without backup, then the destination, once a day", down(0), d(7), h(0.25), []shown{
			{h(24), "no-backup"}, {h(48), "no-backup"},
			{h(72), "unreachable:Drive"}, {h(96), "unreachable:Drive"}, {h(120), "unreachable:Drive"},
			{h(144), "unreachable:Drive"},
		}},
		{"a destination that answers twice a day is no news", flapping(h(12)), d(7), h(0.25), nil},
		{"a destination that answers every other hour is no news", flapping(h(2)), d(7), h(0.5), nil},
		{"one answer clears the outage; it is told again when it comes back", answersOnce(h(80)), d(7), h(1), []shown{
			{h(24), "no-backup"}, {h(48), "no-backup"}, {h(72), "unreachable:Drive"},
			{h(104), "no-backup"}, {h(128), "no-backup"}, {h(152), "unreachable:Drive"},
		}},
		{"all is well", func(off time.Duration) Observation {
			return Observation{LastComplete: at(off), Destinations: []DestinationSeen{{"Drive", at(off), true}}}
		}, d(7), h(1), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, _ := newAlerter(t)
			got := replay(t, a, c.w, 0, c.to, c.step)
			if !slices.Equal(got, c.want) {
				t.Errorf("got  %v\nwant %v", got, c.want)
			}
			assertAtMostPer(t, got, 1, 24*time.Hour)
		})
	}
}

// unreadableFiles: a–e from the start; f from 30 h, g from 31 h; a is read
// again from 60 h and fails again from 90 h.
func unreadableFiles(off time.Duration) Observation {
	files := []string{"/home/p/b", "/home/p/a", "/home/p/c", "/home/p/d", "/home/p/e"}
	if off >= h(30) {
		files = append(files, "/home/p/f")
	}
	if off >= h(31) {
		files = append(files, "/home/p/g")
	}
	if off >= h(60) && off < h(90) {
		files = files[:0:0]
		files = append(files, "/home/p/b", "/home/p/c", "/home/p/d", "/home/p/e", "/home/p/f", "/home/p/g")
	}
	return Observation{LastComplete: at(off), Destinations: []DestinationSeen{{"Drive", at(off), true}},
		Unreadable: files}
}

func TestUnreadableFilesAreToldOnce(t *testing.T) {
	a, _ := newAlerter(t)
	var got []string
	for off := time.Duration(0); off < d(5); off += h(1) {
		o := unreadableFiles(off)
		o.Now, o.Running = at(off), true
		for _, al := range a.Observe(o) {
			_, body := al.Text()
			got = append(got, off.String()+" "+body)
		}
	}
	const tail = ". Close the programs that use them, or check that you may read them; Cairn tries again by itself."
	want := []string{
		"1h0m0s Cairn could not read /home/p/a, /home/p/b, /home/p/c and 2 more" + tail,
		"30h0m0s Cairn could not read /home/p/f" + tail, // new, a day after the first
		"54h0m0s Cairn could not read /home/p/g" + tail, // new at 31 h, held to a day after f
		"90h0m0s Cairn could not read /home/p/a" + tail, // read again for a day, then broken again
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRestartDoesNotRepeat(t *testing.T) {
	t.Run("an outage", func(t *testing.T) {
		a, path := newAlerter(t)
		got := replay(t, a, down(0), 0, h(30), h(0.25))
		got = append(got, replay(t, restart(t, path), down(0), h(30), h(50), h(0.25))...)
		want := []shown{{h(24), "no-backup"}, {h(48), "no-backup"}}
		if !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("unreadable files", func(t *testing.T) {
		a, path := newAlerter(t)
		got := replay(t, a, unreadableFiles, 0, h(2), h(1))
		got = append(got, replay(t, restart(t, path), unreadableFiles, h(2), h(29), h(1))...)
		if want := []shown{{h(1), "unreadable"}}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}

// A laptop shut for a week is not told the second it wakes: only the time
// it ran counts, before and after.
func TestTimeOffDoesNotCount(t *testing.T) {
	full := func(off time.Duration) Observation { // Drive answers but is full: no pass completes
		return Observation{LastComplete: at(-h(1)), Destinations: []DestinationSeen{{"Drive", at(off), true}}}
	}
	a, path := newAlerter(t)
	got := replay(t, a, full, 0, h(2.25), h(0.25)) // ran 2 h 15 min, with the hour before it started not counted
	if a.Observe(Observation{Now: at(h(2.5))}) != nil {
		t.Error("an observation of a stopped service showed alerts")
	}
	got = append(got, replay(t, restart(t, path), full, d(7), d(9), h(0.25))...)
	if want := []shown{{d(7) + h(22), "no-backup"}, {d(8) + h(22), "no-backup"}}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}

	b, _ := newAlerter(t)
	got = replay(t, b, full, 0, h(3), h(1))
	b.Observe(Observation{Now: at(h(3))}) // stopped
	got = append(got, replay(t, b, full, d(7), d(7)+h(22), h(1))...)
	if got != nil {
		t.Errorf("the week off counted: %v", got)
	}
}

func TestNeverMoreThanMaxPerDay(t *testing.T) {
	names := []string{"A", "B", "C", "D", "E"}
	many := func(off time.Duration) Observation {
		o := Observation{LastComplete: at(-d(5)), Unreadable: []string{"/x"}}
		for _, n := range names {
			o.Destinations = append(o.Destinations, DestinationSeen{Name: n, LastReached: at(-d(4))})
		}
		return o
	}
	a, _ := newAlerter(t)
	got := replay(t, a, many, 0, d(3), h(1))
	want := []shown{
		{h(1), "unreachable:A"}, {h(1), "unreachable:B"}, {h(1), "unreachable:C"},
		{h(25), "unreachable:D"}, {h(25), "unreachable:E"}, {h(25), "unreachable:A"},
		{h(49), "unreachable:B"}, {h(49), "unreachable:C"}, {h(49), "unreachable:D"}, // the least recently named first
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	assertAtMostPer(t, got, 3, 24*time.Hour)
}

func TestWording(t *testing.T) {
	cases := []struct {
		a           Alert
		title, body string
	}{
		{noBackupAlert("no-backup", 1, false), "Your files are not backed up",
			"Cairn could not complete a backup for a day while this computer was on. Open Cairn to see what stops it; it keeps trying by itself."},
		{noBackupAlert("no-backup", 3, false), "Your files are not backed up",
			"Cairn could not complete a backup for 3 days while this computer was on. Open Cairn to see what stops it; it keeps trying by itself."},
		{noBackupAlert("no-backup", 1, true), "Your files are not backed up",
			"Cairn has not completed a first backup of this computer yet. Open Cairn to see what stops it; it keeps trying by itself."},
		{unreachableAlert("unreachable:USB disk", "USB disk", 4, false), "USB disk cannot be reached",
			"Cairn has not reached USB disk for 4 days. Plug the drive in or check the network; changes wait on this computer until then."},
		{unreachableAlert("unreachable:Office", "Office", 3, true), "Office cannot be reached",
			"Cairn has never reached Office. Plug the drive in or check the network, or check the destination in Settings."},
		{unreadableAlert("unreadable", []string{"/a"}), "Some files could not be backed up",
			"Cairn could not read /a. Close the programs that use them, or check that you may read them; Cairn tries again by itself."},
	}
	for _, c := range cases {
		title, body := c.a.Text()
		if title != c.title || body != c.body {
			t.Errorf("%s: got %q / %q", c.a.Key, title, body)
		}
	}
}

// A destination that never answered is measured from when Cairn first saw
// it not answer, across a restart.
func TestNeverReachedDestination(t *testing.T) {
	w := func(time.Duration) Observation {
		return Observation{LastComplete: at(0), Destinations: []DestinationSeen{{Name: "New"}}}
	}
	a, path := newAlerter(t)
	got := replay(t, a, w, 0, h(10), h(1))
	got = append(got, replay(t, restart(t, path), w, h(10), h(80), h(1))...)
	// The hour of the restart does not count; the destination's alert
	// follows the second no-backup one by a day.
	want := []shown{{h(25), "no-backup"}, {h(49), "no-backup"}, {h(73), "unreachable:New"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestMemoryFile(t *testing.T) {
	dir := t.TempDir()
	bad := dir + "/bad.json"
	os.WriteFile(bad, []byte("{"), 0o600)
	if _, err := New(Policy{}, bad); err == nil {
		t.Error("a damaged memory file was read")
	}
	newer := dir + "/newer.json"
	os.WriteFile(newer, []byte(`{"version": 2}`), 0o600)
	if _, err := New(Policy{}, newer); err == nil {
		t.Error("a memory file from a newer Cairn was read")
	}
	a, err := New(Policy{}, dir+"/sub/alerts.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir + "/sub/alerts.json"); err != nil {
		t.Error(err)
	}
}

func TestLogNotifier(t *testing.T) {
	var buf bytes.Buffer
	LogNotifier(slog.New(slog.NewTextHandler(&buf, nil)))(unreachableAlert("unreachable:USB", "USB", 3, false))
	for _, want := range []string{"level=WARN", `msg="USB cannot be reached"`, "alert=unreachable:USB",
		`detail="Cairn has not reached USB for 3 days.`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log %q lacks %q", buf.String(), want)
		}
	}
}

// With Since, the run's time before its first observation counts, and a
// run stopped and resumed under the same Since does not count the stop.
func TestSinceStartsTheRun(t *testing.T) {
	full := func(off time.Duration) Observation {
		return Observation{Now: at(off), Running: true, LastComplete: at(-d(3)), Since: at(0),
			Destinations: []DestinationSeen{{"Drive", at(off), true}}}
	}
	a, _ := newAlerter(t)
	var got []string
	observe := func(from, to time.Duration) {
		for off := from; off < to; off += h(1) {
			for _, al := range a.Observe(full(off)) {
				got = append(got, fmt.Sprintf("%v %s %d days", off, al.Key, al.Data["Days"]))
			}
		}
	}
	observe(h(20), h(26)) // first seen 20 h into the run: 24 h of running time at 24 h
	a.Observe(Observation{Now: at(h(26)), Since: at(0)})
	observe(h(40), h(70)) // 25 h before the stop, 29 h from 40 h on (the first after the stop counts nothing)
	want := []string{"24h0m0s no-backup 1 days", "48h0m0s no-backup 1 days"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if ran := a.mem.NoBackup.Ran; ran != h(25+29) {
		t.Errorf("ran %v, want 54h (the stop from 26 h to 40 h not counted)", ran)
	}
}
