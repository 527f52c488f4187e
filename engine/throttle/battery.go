package throttle

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Battery is the state of the computer's batteries, taken together.
type Battery struct {
	// Present is false on a computer without a battery (a desktop, a Mac
	// mini), and wherever the battery cannot be read or its charge is not
	// known (Windows's 255 %): backups are then never held back for it.
	Present bool
	// Charging means the computer is on external power: charging, full, or
	// held below full by a charge threshold. A backup does not drain it.
	Charging bool
	// Percent is the charge, 0–100; with several batteries, of them all,
	// weighted by their capacity when they report it (Linux).
	Percent int
}

// ReadBattery reads the computer's batteries:
//   - Linux: sysfs under sysRoot ("" means "/sys"): every power supply of
//     type Battery in class/power_supply, except the batteries of devices
//     (a wireless mouse: scope "Device") and empty battery bays;
//   - Windows: GetSystemPowerStatus (decodePowerStatus);
//   - macOS: the output of `pmset -g batt` (parsePmset), which IOKit's
//     power sources API would give only through cgo.
//
// sysRoot is used on Linux only. On other systems it returns a Battery
// that is not Present.
func ReadBattery(sysRoot string) (Battery, error) { return readBattery(sysRoot) }

func readPowerSupply(dir string) (Battery, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return Battery{}, nil // no power supply class: a container, a VM
	}
	if err != nil {
		return Battery{}, fmt.Errorf("read power supplies: %w", err)
	}
	var b Battery
	var pcts, weights []float64
	for _, e := range entries {
		ps := filepath.Join(dir, e.Name())
		switch attr(ps, "type") {
		case "Mains", "USB", "Wireless":
			if attr(ps, "online") == "1" {
				b.Charging = true
			}
		case "Battery":
			if attr(ps, "scope") == "Device" || attr(ps, "present") == "0" {
				continue
			}
			pct, err := capacity(ps)
			if err != nil {
				return Battery{}, fmt.Errorf("read battery %s: %w", e.Name(), err)
			}
			if s := attr(ps, "status"); s == "Charging" || s == "Full" {
				b.Charging = true
			}
			w, _ := strconv.ParseFloat(first(attr(ps, "energy_full"), attr(ps, "charge_full")), 64)
			pcts, weights = append(pcts, float64(pct)), append(weights, w)
		}
	}
	if len(pcts) > 0 {
		b.Present, b.Percent = true, combine(pcts, weights)
	}
	return b, nil
}

// combine averages the batteries' charge weighted by their capacity, or
// plainly when one of them does not report it.
func combine(pcts, weights []float64) int {
	var sum, total float64
	for i, p := range pcts {
		w := weights[i]
		if slices.ContainsFunc(weights, func(w float64) bool { return w <= 0 }) {
			w = 1
		}
		sum += p * w
		total += w
	}
	return int(sum/total + 0.5)
}

// capacity reads a battery's charge in percent: capacity, or else
// energy_now/energy_full, or charge_now/charge_full.
func capacity(ps string) (int, error) {
	if s := attr(ps, "capacity"); s != "" {
		pct, err := strconv.Atoi(s)
		if err != nil || pct < 0 || pct > 100 {
			return 0, fmt.Errorf("capacity %q is not a percentage", s)
		}
		return pct, nil
	}
	for _, unit := range []string{"energy", "charge"} {
		now, err1 := strconv.ParseFloat(attr(ps, unit+"_now"), 64)
		full, err2 := strconv.ParseFloat(attr(ps, unit+"_full"), 64)
		if err1 == nil && err2 == nil && full > 0 {
			return min(int(100*now/full+0.5), 100), nil
		}
	}
	return 0, errors.New("it reports neither capacity nor energy or charge")
}

// attr reads one sysfs attribute, "" if it is not there.
func attr(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func first(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
