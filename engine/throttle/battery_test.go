package throttle

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// sysfs writes a fake /sys: supplies maps a power supply's name to its
// attributes, "type=Battery capacity=15 status=Not_charging" (an underscore
// in a value stands for a space).
func sysfs(t *testing.T, supplies map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, attrs := range supplies {
		dir := filepath.Join(root, "class", "power_supply", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, kv := range strings.Fields(attrs) {
			k, v, _ := strings.Cut(kv, "=")
			if err := os.WriteFile(filepath.Join(dir, k), []byte(strings.ReplaceAll(v, "_", " ")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

func TestReadBattery(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("batteries are read from Linux sysfs only")
	}
	tests := []struct {
		name     string
		supplies map[string]string // nil: no power_supply folder at all
		want     Battery
	}{
		{"laptop on battery at 15 %", map[string]string{
			"AC":   "type=Mains online=0",
			"BAT0": "type=Battery present=1 capacity=15 status=Discharging scope=System",
		}, Battery{Present: true, Percent: 15}},
		{"laptop charging", map[string]string{
			"AC":   "type=Mains online=1",
			"BAT0": "type=Battery capacity=64 status=Charging",
		}, Battery{Present: true, Charging: true, Percent: 64}},
		{"plugged in, held at a charge threshold", map[string]string{
			"ADP1": "type=Mains online=1",
			"BAT0": `type=Battery capacity=80 status=Not_charging`,
		}, Battery{Present: true, Charging: true, Percent: 80}},
		{"full, no AC supply listed", map[string]string{
			"BAT1": "type=Battery capacity=100 status=Full",
		}, Battery{Present: true, Charging: true, Percent: 100}},
		{"desktop without battery", map[string]string{}, Battery{}},
		{"no power_supply class (container)", nil, Battery{}},
		{"desktop with a wireless mouse", map[string]string{
			"hidpp_battery_0": "type=Battery scope=Device capacity=5 status=Discharging",
		}, Battery{}},
		{"two batteries, weighted by capacity", map[string]string{
			"AC":   "type=Mains online=0",
			"BAT0": "type=Battery capacity=80 energy_full=20000000 status=Discharging",
			"BAT1": "type=Battery capacity=20 energy_full=60000000 status=Discharging",
		}, Battery{Present: true, Percent: 35}},
		{"two batteries, one without its size", map[string]string{
			"BAT0": "type=Battery capacity=80 energy_full=20000000 status=Discharging",
			"BAT1": "type=Battery capacity=20 status=Discharging",
		}, Battery{Present: true, Percent: 50}},
		{"empty second bay", map[string]string{
			"BAT0": "type=Battery capacity=42 status=Discharging",
			"BAT1": "type=Battery present=0",
		}, Battery{Present: true, Percent: 42}},
		{"charge counters instead of capacity", map[string]string{
			"BAT0": "type=Battery charge_now=1500000 charge_full=3000000 status=Discharging",
		}, Battery{Present: true, Percent: 50}},
		{"charging over USB-C", map[string]string{
			"ucsi-source-psy-USBC000:001": "type=USB online=1",
			"BAT0":                        "type=Battery capacity=30 status=Charging",
		}, Battery{Present: true, Charging: true, Percent: 30}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			if tc.supplies != nil {
				root = sysfs(t, tc.supplies)
			}
			got, err := ReadBattery(root)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestReadBatteryUnreadable(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("batteries are read from Linux sysfs only")
	}
	for _, attrs := range []string{"type=Battery capacity=lots", "type=Battery capacity=140", "type=Battery status=Discharging"} {
		_, err := ReadBattery(sysfs(t, map[string]string{"BAT0": attrs}))
		if err == nil || !strings.Contains(err.Error(), "BAT0") {
			t.Errorf("%s: error %v, want one naming BAT0", attrs, err)
		}
	}
}

func TestReadBatteryOfThisComputer(t *testing.T) {
	b, err := ReadBattery("")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("this computer: %+v", b)
}
