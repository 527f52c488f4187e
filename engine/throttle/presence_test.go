package throttle

import (
	"testing"
	"time"
)

func TestParseHIDIdleTime(t *testing.T) {
	tests := []struct {
		out  string
		want time.Duration
		ok   bool
	}{
		{`+-o IOHIDSystem  <class IOHIDSystem, id 0x100000226, registered, matched, active, busy 0 (0 ms), retain 27>
    {
      "HIDIdleTime" = 1234567890
      "HIDParameters" = {"HIDDefaultParameters"=Yes}
    }`, 1234567890 * time.Nanosecond, true},
		{"    | |   \"HIDIdleTime\" = 42\r\n    | |   \"HIDIdleTime\" = 99\n", 42, true},
		{`"HIDIdleTime" = -5`, 0, false},
		{`"HIDIdleTime" = soon`, 0, false},
		{"no such key", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseHIDIdleTime([]byte(tc.out))
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: %s %v, want %s %v", tc.out, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDetectPresence(t *testing.T) {
	idle, ok := DetectPresence().Idle()
	t.Logf("this computer: idle %s, known %v", idle, ok)
	if !ok && idle != 0 {
		t.Fatalf("unknown idle time with a duration: %s", idle)
	}
}
