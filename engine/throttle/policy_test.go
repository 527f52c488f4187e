package throttle

import (
	"strings"
	"testing"
	"time"
)

func TestDecide(t *testing.T) {
	sthlm := zone(t, "Europe/Stockholm")
	monday := at(t, sthlm, "2025-03-03 10:00")
	nights := &Window{From: "22:00", To: "06:00", Days: weekdays}
	policy := Policy{PresentKBps: 500, AwayKBps: 5000, AwayAfter: 10 * time.Minute, CPUPercent: 25, MinBattery: 20}
	with := func(p Policy, f func(*Policy)) Policy { f(&p); return p }
	onBattery := func(pct int) Battery { return Battery{Present: true, Percent: pct} }
	tests := []struct {
		name string
		p    Policy
		c    Conditions
		want Decision
	}{
		{"present: the present limits; recheck when away",
			policy, Conditions{Now: monday, Idle: time.Minute, IdleKnown: true},
			Decision{Run: true, UploadBps: 500_000, CPUPercent: 25, RecheckAt: monday.Add(9 * time.Minute)}},
		{"away: the away limits and every core",
			policy, Conditions{Now: monday, Idle: 10 * time.Minute, IdleKnown: true},
			Decision{Run: true, UploadBps: 5_000_000, CPUPercent: 100, Away: true}},
		{"idle unknown counts as present, and only input changes it",
			policy, Conditions{Now: monday, Idle: 5 * time.Hour},
			Decision{Run: true, UploadBps: 500_000, CPUPercent: 25}},
		{"on battery at 15 %: wait",
			policy, Conditions{Now: monday, Battery: onBattery(15)},
			Decision{Wait: WaitBattery, Battery: 15, MinBattery: 20, Reason: "On battery at 15 %: backups wait until the computer is plugged in or charged to 20 %."}},
		{"on battery at 15 %, away: still wait",
			policy, Conditions{Now: monday, Idle: time.Hour, IdleKnown: true, Battery: onBattery(15)},
			Decision{Away: true, Wait: WaitBattery, Battery: 15, MinBattery: 20, Reason: "On battery at 15 %: backups wait until the computer is plugged in or charged to 20 %."}},
		{"on battery at 20 %: run",
			policy, Conditions{Now: monday, Battery: onBattery(20)},
			Decision{Run: true, UploadBps: 500_000, CPUPercent: 25}},
		{"on battery and away: the present CPU share, to spare the charge",
			policy, Conditions{Now: monday, Idle: time.Hour, IdleKnown: true, Battery: onBattery(60)},
			Decision{Run: true, UploadBps: 5_000_000, CPUPercent: 25, Away: true}},
		{"plugged in at 5 %: run",
			policy, Conditions{Now: monday, Battery: Battery{Present: true, Charging: true, Percent: 5}},
			Decision{Run: true, UploadBps: 500_000, CPUPercent: 25}},
		{"no minimum: run at 2 %",
			with(policy, func(p *Policy) { p.MinBattery = 0 }), Conditions{Now: monday, Battery: onBattery(2)},
			Decision{Run: true, UploadBps: 500_000, CPUPercent: 25}},
		{"outside the window: wait until it opens",
			with(policy, func(p *Policy) { p.Window = nights }), Conditions{Now: monday},
			Decision{Wait: WaitHours, Reason: "Backups run only between 22:00 and 06:00 on weekdays; next at 22:00.",
				RecheckAt: at(t, sthlm, "2025-03-03 22:00")}},
		{"outside the window on Saturday: Monday",
			with(policy, func(p *Policy) { p.Window = nights }), Conditions{Now: at(t, sthlm, "2025-03-08 10:00")},
			Decision{Wait: WaitHours, Reason: "Backups run only between 22:00 and 06:00 on weekdays; next on Monday at 22:00.",
				RecheckAt: at(t, sthlm, "2025-03-10 22:00")}},
		{"outside the weekend window on Friday: tomorrow",
			with(policy, func(p *Policy) { p.Window = &Window{Days: []time.Weekday{time.Saturday, time.Sunday}} }),
			Conditions{Now: at(t, sthlm, "2025-03-07 10:00")},
			Decision{Wait: WaitHours, Reason: "Backups run only at weekends; next tomorrow at 00:00.",
				RecheckAt: at(t, sthlm, "2025-03-08 00:00")}},
		{"inside the window: run until it closes",
			with(policy, func(p *Policy) { p.Window = nights }), Conditions{Now: at(t, sthlm, "2025-03-04 05:00"), Idle: time.Hour, IdleKnown: true},
			Decision{Run: true, UploadBps: 5_000_000, CPUPercent: 100, Away: true, RecheckAt: at(t, sthlm, "2025-03-04 06:00")}},
		{"inside the window, present: the earlier of away and closing",
			with(policy, func(p *Policy) { p.Window = nights }), Conditions{Now: at(t, sthlm, "2025-03-04 05:55"), IdleKnown: true},
			Decision{Run: true, UploadBps: 500_000, CPUPercent: 25, RecheckAt: at(t, sthlm, "2025-03-04 06:00")}},
		{"the zero policy: defaults, no limits",
			Policy{}, Conditions{Now: monday, Idle: 14 * time.Minute, IdleKnown: true, Battery: onBattery(3)},
			Decision{Run: true, CPUPercent: DefaultCPUPercent, RecheckAt: monday.Add(time.Minute)}},
		{"the default policy on a low battery",
			DefaultPolicy(), Conditions{Now: monday, Battery: onBattery(19)},
			Decision{Wait: WaitBattery, Battery: 19, MinBattery: 20, Reason: "On battery at 19 %: backups wait until the computer is plugged in or charged to 20 %."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.p.Decide(tc.c)
			if !got.RecheckAt.Equal(tc.want.RecheckAt) {
				t.Errorf("RecheckAt %s, want %s", got.RecheckAt, tc.want.RecheckAt)
			}
			got.RecheckAt, tc.want.RecheckAt = time.Time{}, time.Time{}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestDecideRefusesAnInvalidPolicy(t *testing.T) {
	d := Policy{CPUPercent: 120}.Decide(Conditions{Now: time.Now()})
	if d.Run || !strings.Contains(d.Reason, "processor share 120 %") {
		t.Fatalf("%+v", d)
	}
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		p    Policy
		want []string // "" parts of the error; none for valid
	}{
		{DefaultPolicy(), nil},
		{Policy{}, nil},
		{Policy{PresentKBps: 100, AwayKBps: 0, CPUPercent: 100, MinBattery: 100, Window: &Window{From: "22:00", To: "06:00"}}, nil},
		{Policy{PresentKBps: -1}, []string{"upload limit while present is -1 kB/s"}},
		{Policy{AwayKBps: -5, MinBattery: 101}, []string{"while away is -5 kB/s", "minimum battery 101 %"}},
		{Policy{AwayAfter: -time.Second}, []string{"away after -1s"}},
		{Policy{CPUPercent: -1}, []string{"processor share -1 %"}},
		{Policy{Window: &Window{From: "22:00", To: "6"}}, []string{`backup window end: "6"`}},
	}
	for _, tc := range tests {
		err := tc.p.Validate()
		if len(tc.want) == 0 {
			if err != nil {
				t.Errorf("%+v: %v", tc.p, err)
			}
			continue
		}
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %v, want it to say %q", tc.p, err, w)
			}
		}
	}
}
