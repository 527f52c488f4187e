package throttle

import (
	"errors"
	"fmt"
	"time"
)

// Policy is how much of the computer backups may take, and when.
type Policy struct {
	// PresentKBps is the upload limit, in kilobytes (1000 bytes) per
	// second, while the person is at the computer; 0 means none.
	PresentKBps int
	// AwayKBps is the upload limit while the person is away; 0 means none.
	AwayKBps int
	// AwayAfter is how long without input makes the person away; 0 means
	// DefaultAwayAfter.
	AwayAfter time.Duration
	// CPUPercent is the share of the cores backups may use while the person
	// is present; 0 means DefaultCPUPercent. While away backups use all of
	// them (nobody is there to be slowed down, and the sooner the work is
	// done the sooner the computer can sleep), except on battery, where
	// this share holds away or not, to spare the charge.
	CPUPercent int
	// MinBattery: on battery below this percent, backups wait. 0 means
	// they never wait for the battery; DefaultPolicy has 20.
	MinBattery int
	// Window, if not nil, is when backups may run; nil means any time.
	Window *Window
}

// Defaults, for fields left at zero and for DefaultPolicy.
const (
	// DefaultAwayAfter: a person reading a long page does not touch the
	// mouse for minutes; fifteen is long enough not to mistake that for
	// leaving, and short enough to use a lunch break.
	DefaultAwayAfter = 15 * time.Minute
	// DefaultCPUPercent: half the cores leaves the other half to the person
	// while a large first backup runs.
	DefaultCPUPercent = 50
	// DefaultMinBattery: below a fifth of the charge, the person needs what
	// is left more than a backup does.
	DefaultMinBattery = 20
)

// DefaultPolicy is the policy of a new installation: no upload limits,
// half the cores while present, no backups on battery below 20 %, any time.
func DefaultPolicy() Policy {
	return Policy{AwayAfter: DefaultAwayAfter, CPUPercent: DefaultCPUPercent, MinBattery: DefaultMinBattery}
}

func (p Policy) withDefaults() Policy {
	if p.AwayAfter == 0 {
		p.AwayAfter = DefaultAwayAfter
	}
	if p.CPUPercent == 0 {
		p.CPUPercent = DefaultCPUPercent
	}
	return p
}

// Validate says what is wrong with the policy, if anything.
func (p Policy) Validate() error {
	var errs []error
	if p.PresentKBps < 0 {
		errs = append(errs, fmt.Errorf("upload limit while present is %d kB/s; use 0 for no limit", p.PresentKBps))
	}
	if p.AwayKBps < 0 {
		errs = append(errs, fmt.Errorf("upload limit while away is %d kB/s; use 0 for no limit", p.AwayKBps))
	}
	if p.AwayAfter < 0 {
		errs = append(errs, fmt.Errorf("away after %s: it cannot be negative", p.AwayAfter))
	}
	if p.CPUPercent < 0 || p.CPUPercent > 100 {
		errs = append(errs, fmt.Errorf("processor share %d %%: it must be between 1 and 100 (0 for the default)", p.CPUPercent))
	}
	if p.MinBattery < 0 || p.MinBattery > 100 {
		errs = append(errs, fmt.Errorf("minimum battery %d %%: it must be between 0 and 100", p.MinBattery))
	}
	if p.Window != nil {
		if err := p.Window.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Conditions are what the decision depends on, besides the policy.
type Conditions struct {
	Now       time.Time
	Idle      time.Duration // time since the person's last input
	IdleKnown bool          // false: Presence could not tell
	Battery   Battery
}

// Decision is whether backups run now, and how.
type Decision struct {
	Run bool
	// Reason, when Run is false, says why in plain words for a person
	// (English); Wait says the same as data, for a UI that translates:
	// with WaitBattery, Battery and MinBattery are the percentages; with
	// WaitHours, RecheckAt is when the hours begin.
	Reason     string
	Wait       Wait
	Battery    int
	MinBattery int
	// UploadBps is the upload limit in bytes per second, 0 for none
	// (Limiter.SetLimit takes it as is).
	UploadBps int64
	// CPUPercent is the share of the cores backups may use (Workers, Duty).
	CPUPercent int
	// Away says the person is taken to be away.
	Away bool
	// RecheckAt is when the decision changes by time alone, if nothing else
	// does (the window opens or closes, the person becomes away); zero when
	// only a change of conditions changes it. Conditions change any time:
	// the caller polls them too.
	RecheckAt time.Time
}

// Wait is why backups wait.
type Wait int

// The reasons to wait.
const (
	WaitNone    Wait = iota
	WaitInvalid      // the policy is not valid
	WaitBattery      // on battery below the level
	WaitHours        // outside the chosen hours
)

// Decide applies the policy to the conditions.
func (p Policy) Decide(c Conditions) Decision {
	if err := p.Validate(); err != nil {
		return Decision{Wait: WaitInvalid, Reason: fmt.Sprintf("Backups wait: the settings for when they run are not valid (%v).", err)}
	}
	p = p.withDefaults()
	// Unknown idle time counts as present: it is better to slow a backup
	// that could have run faster than to slow the person down, and where we
	// cannot see input (a Wayland session, a remote login) someone may well
	// be at the computer.
	d := Decision{Away: c.IdleKnown && c.Idle >= p.AwayAfter}
	onBattery := c.Battery.Present && !c.Battery.Charging
	if onBattery && c.Battery.Percent < p.MinBattery {
		d.Wait, d.Battery, d.MinBattery = WaitBattery, c.Battery.Percent, p.MinBattery
		d.Reason = fmt.Sprintf("On battery at %d %%: backups wait until the computer is plugged in or charged to %d %%.",
			c.Battery.Percent, p.MinBattery)
		return d
	}
	if w := p.Window; w != nil && !w.Allows(c.Now) {
		d.RecheckAt, d.Wait = w.NextOpen(c.Now), WaitHours
		d.Reason = fmt.Sprintf("Backups run only %s; next %s.", w.describe(), when(c.Now, d.RecheckAt))
		return d
	}
	d.Run = true
	d.UploadBps, d.CPUPercent = int64(p.PresentKBps)*1000, p.CPUPercent
	if d.Away {
		d.UploadBps = int64(p.AwayKBps) * 1000
		if !onBattery {
			d.CPUPercent = 100
		}
	} else if c.IdleKnown {
		d.RecheckAt = c.Now.Add(p.AwayAfter - c.Idle)
	}
	if p.Window != nil {
		if closes := p.Window.nextClose(c.Now); !closes.IsZero() && (d.RecheckAt.IsZero() || closes.Before(d.RecheckAt)) {
			d.RecheckAt = closes
		}
	}
	return d
}

// when says when t is, seen from now: "at 22:00", "tomorrow at 06:00",
// "on Saturday at 00:00".
func when(now, t time.Time) string {
	clock := t.Format("15:04")
	y, m, d := now.Date()
	switch ty, tm, td := t.Date(); {
	case ty == y && tm == m && td == d:
		return "at " + clock
	case time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC) == time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC):
		return "tomorrow at " + clock
	default:
		return fmt.Sprintf("on %s at %s", t.Weekday(), clock)
	}
}
