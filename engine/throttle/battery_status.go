package throttle

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// The Windows and macOS answers are decoded here, without build tags, so
// the decoding is tested on every system; battery_windows.go and
// battery_darwin.go only ask.

// systemPowerStatus is SYSTEM_POWER_STATUS (winbase.h), as
// GetSystemPowerStatus fills it.
type systemPowerStatus struct {
	ACLineStatus        uint8 // 0 offline, 1 online, 255 unknown
	BatteryFlag         uint8 // bits: 1 high, 2 low, 4 critical, 8 charging; 128 no battery; 255 unknown
	BatteryLifePercent  uint8 // 0–100, 255 unknown
	SystemStatusFlag    uint8 // 1: battery saver on
	BatteryLifeTime     uint32
	BatteryFullLifeTime uint32
}

// Values of SYSTEM_POWER_STATUS.
const (
	winACOnline        = 1
	winBatteryCharging = 8
	winNoBattery       = 128
	winUnknown         = 255
)

// decodePowerStatus makes a Battery of Windows's power status. A computer
// without a battery (BatteryFlag 128), or whose battery's state or charge
// Windows does not know (255), has none Present: backups are not held
// back on a guess. On external power (ACLineStatus 1) or charging, it is
// Charging, whatever the charge.
func decodePowerStatus(s systemPowerStatus) Battery {
	if s.BatteryFlag == winUnknown || s.BatteryFlag&winNoBattery != 0 || s.BatteryLifePercent == winUnknown {
		return Battery{}
	}
	return Battery{
		Present:  true,
		Charging: s.ACLineStatus == winACOnline || s.BatteryFlag&winBatteryCharging != 0,
		Percent:  min(int(s.BatteryLifePercent), 100),
	}
}

// parsePmset makes a Battery of what `pmset -g batt` prints:
//
//	Now drawing from 'Battery Power'
//	 -InternalBattery-0 (id=4653155)	85%; discharging; 4:12 remaining present: true
//
// The first line names the power source ('AC Power', 'Battery Power',
// 'UPS Power'); each internal battery has a line with its charge and
// state ("charging", "discharging", "charged", "finishing charge", "AC
// attached; not charging" when held at a charge limit). A Mac without a
// battery (a Mac mini, an iMac) prints the first line only; a UPS's line is
// not the Mac's battery and is left out. On AC power, or when a battery
// says it is being charged, the Mac is Charging.
func parsePmset(out []byte) (Battery, error) {
	var b Battery
	var sum, n int
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if src, ok := strings.CutPrefix(line, "Now drawing from "); ok {
			b.Charging = strings.Trim(src, "'") == "AC Power"
			continue
		}
		if !strings.HasPrefix(line, "-InternalBattery") {
			continue
		}
		pct, state, present, err := pmsetBattery(line)
		if err != nil {
			return Battery{}, err
		}
		if !present {
			continue
		}
		sum, n = sum+pct, n+1
		switch state {
		case "charging", "charged", "finishing charge", "AC attached":
			b.Charging = true
		}
	}
	if err := sc.Err(); err != nil {
		return Battery{}, fmt.Errorf("read pmset's output: %w", err)
	}
	if n == 0 {
		return Battery{}, nil
	}
	b.Present, b.Percent = true, (sum+n/2)/n
	return b, nil
}

// pmsetBattery reads one battery line of pmset: its charge, its state
// (the field after the charge), and whether the battery is there.
func pmsetBattery(line string) (pct int, state string, present bool, err error) {
	_, rest, _ := strings.Cut(line, "\t")
	if rest == "" {
		_, rest, _ = strings.Cut(line, ")") // no tab: after "(id=…)"
	}
	fields := strings.Split(rest, ";")
	p := strings.TrimSpace(fields[0])
	pct, err = strconv.Atoi(strings.TrimSuffix(p, "%"))
	if err != nil || !strings.HasSuffix(p, "%") || pct < 0 || pct > 100 {
		return 0, "", false, fmt.Errorf("pmset's battery line %q has no charge in percent", line)
	}
	if len(fields) > 1 {
		state, _, _ = strings.Cut(fields[1], " present:") // "charging present: true" when nothing follows
		state = strings.TrimSpace(state)
	}
	return pct, state, !strings.Contains(line, "present: false"), nil
}
