package throttle

import (
	"strings"
	"testing"
	"unsafe"
)

func TestDecodePowerStatus(t *testing.T) {
	if n := unsafe.Sizeof(systemPowerStatus{}); n != 12 {
		t.Fatalf("SYSTEM_POWER_STATUS is 12 bytes, the struct %d", n)
	}
	tests := []struct {
		name string
		s    systemPowerStatus
		want Battery
	}{
		{"laptop on battery at 15 %", systemPowerStatus{ACLineStatus: 0, BatteryFlag: 2, BatteryLifePercent: 15},
			Battery{Present: true, Percent: 15}},
		{"laptop on battery, high", systemPowerStatus{ACLineStatus: 0, BatteryFlag: 1, BatteryLifePercent: 90},
			Battery{Present: true, Percent: 90}},
		{"plugged in and charging", systemPowerStatus{ACLineStatus: 1, BatteryFlag: 8 | 2, BatteryLifePercent: 30},
			Battery{Present: true, Charging: true, Percent: 30}},
		{"plugged in, full (not charging)", systemPowerStatus{ACLineStatus: 1, BatteryFlag: 1, BatteryLifePercent: 100},
			Battery{Present: true, Charging: true, Percent: 100}},
		{"charging, AC status unknown", systemPowerStatus{ACLineStatus: 255, BatteryFlag: 8, BatteryLifePercent: 50},
			Battery{Present: true, Charging: true, Percent: 50}},
		{"critical, flags 0 between thresholds", systemPowerStatus{ACLineStatus: 0, BatteryFlag: 0, BatteryLifePercent: 40},
			Battery{Present: true, Percent: 40}},
		{"desktop: no system battery", systemPowerStatus{ACLineStatus: 1, BatteryFlag: 128, BatteryLifePercent: 255},
			Battery{}},
		{"desktop, no battery but a charge reported", systemPowerStatus{ACLineStatus: 1, BatteryFlag: 128, BatteryLifePercent: 0},
			Battery{}},
		{"status unknown", systemPowerStatus{ACLineStatus: 255, BatteryFlag: 255, BatteryLifePercent: 255}, Battery{}},
		{"charge unknown", systemPowerStatus{ACLineStatus: 0, BatteryFlag: 1, BatteryLifePercent: 255}, Battery{}},
		{"over 100 (a driver's bug)", systemPowerStatus{ACLineStatus: 0, BatteryFlag: 1, BatteryLifePercent: 101},
			Battery{Present: true, Percent: 100}},
	}
	for _, tt := range tests {
		if got := decodePowerStatus(tt.s); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// Real `pmset -g batt` output (tabs as pmset prints them).
func TestParsePmset(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want Battery
	}{
		{"MacBook on battery", "Now drawing from 'Battery Power'\n" +
			" -InternalBattery-0 (id=4653155)\t85%; discharging; 4:12 remaining present: true\n",
			Battery{Present: true, Percent: 85}},
		{"on battery, low, no estimate yet", "Now drawing from 'Battery Power'\n" +
			" -InternalBattery-0 (id=12345678)\t9%; discharging; (no estimate) present: true\n",
			Battery{Present: true, Percent: 9}},
		{"charging", "Now drawing from 'AC Power'\n" +
			" -InternalBattery-0 (id=4653155)\t64%; charging; 1:05 remaining present: true\n",
			Battery{Present: true, Charging: true, Percent: 64}},
		{"charged", "Now drawing from 'AC Power'\n" +
			" -InternalBattery-0 (id=4653155)\t100%; charged; 0:00 remaining present: true\n",
			Battery{Present: true, Charging: true, Percent: 100}},
		{"finishing charge", "Now drawing from 'AC Power'\n" +
			" -InternalBattery-0 (id=4653155)\t99%; finishing charge; 0:03 remaining present: true\n",
			Battery{Present: true, Charging: true, Percent: 99}},
		{"held at 80 % (optimised charging)", "Now drawing from 'AC Power'\n" +
			" -InternalBattery-0 (id=4653155)\t80%; AC attached; not charging present: true\n",
			Battery{Present: true, Charging: true, Percent: 80}},
		{"charging, nothing after the state", "Now drawing from 'AC Power'\n" +
			" -InternalBattery-0 (id=4653155)\t20%; charging present: true\n",
			Battery{Present: true, Charging: true, Percent: 20}},
		{"Mac mini: no battery", "Now drawing from 'AC Power'\n", Battery{}},
		{"iMac on a UPS: the UPS is not the Mac's battery", "Now drawing from 'UPS Power'\n" +
			" -CP1500PFCLCDa (id=1234)\t42%; discharging; 0:20 remaining present: true\n", Battery{}},
		{"battery taken out", "Now drawing from 'AC Power'\n" +
			" -InternalBattery-0\t0%; AC attached; not charging present: false\n", Battery{}},
		{"nothing", "", Battery{}},
	}
	for _, tt := range tests {
		got, err := parsePmset([]byte(tt.out))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestParsePmsetUnreadable(t *testing.T) {
	for _, out := range []string{
		"Now drawing from 'Battery Power'\n -InternalBattery-0 (id=1)\tlots; discharging present: true\n",
		"Now drawing from 'Battery Power'\n -InternalBattery-0 (id=1)\t140%; discharging present: true\n",
		"Now drawing from 'Battery Power'\n -InternalBattery-0\n",
	} {
		if _, err := parsePmset([]byte(out)); err == nil || !strings.Contains(err.Error(), "InternalBattery") {
			t.Errorf("%q: error %v, want one quoting the line", out, err)
		}
	}
}
