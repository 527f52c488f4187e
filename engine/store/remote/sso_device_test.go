package remote

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// deviceServer answers the device flow from a script: the start, then one
// answer per poll (the last one repeats), and records when polls came.
type deviceServer struct {
	mu    sync.Mutex
	start map[string]any
	polls []string // codes to answer with; "" is the token
	times []time.Time
}

func (s *deviceServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/api/v1/sso/device" {
		json.NewEncoder(w).Encode(s.start)
		return
	}
	s.times = append(s.times, time.Now())
	code := s.polls[min(len(s.times), len(s.polls))-1]
	if code == "" {
		json.NewEncoder(w).Encode(map[string]any{"token": "a-token-of-some-length", "device_id": devID})
		return
	}
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]any{"error": "words", "code": code, "interval": 2})
}

func startDeviceServer(t *testing.T, s *deviceServer) (string, string) {
	srv := httptest.NewTLSServer(s)
	t.Cleanup(srv.Close)
	if s.start == nil {
		s.start = map[string]any{"device_code": "dc", "user_code": "BCDF-GHJK", "verification_uri": srv.URL + "/sso/device",
			"expires_in": 600, "interval": 1}
	}
	return srv.URL, Fingerprint(srv.Certificate().Raw)
}

func TestSignInDeviceSlowsDownWhenTold(t *testing.T) {
	s := &deviceServer{polls: []string{"authorization_pending", "slow_down", ""}}
	u, fp := startDeviceServer(t, s)
	acct, err := SignInDevice(context.Background(), u, DeviceOptions{Fingerprint: fp, Device: "d", Show: func(DeviceCode) {}})
	if err != nil || acct.DeviceID != devID {
		t.Fatalf("%v %+v", err, acct)
	}
	// Timers never fire early: after slow_down the client waited the new
	// interval (the old 1 s + 5 s; at least the server's 2 s).
	if len(s.times) != 3 || s.times[2].Sub(s.times[1]) < 2*time.Second {
		t.Errorf("polls at %v", s.times)
	}
}

func TestSignInDeviceGivesUpAtExpiry(t *testing.T) {
	s := &deviceServer{polls: []string{"authorization_pending"}}
	s.start = map[string]any{"device_code": "dc", "user_code": "BCDF-GHJK", "verification_uri": "https://x.example/sso/device",
		"expires_in": 2, "interval": 1}
	u, fp := startDeviceServer(t, s)
	if _, err := SignInDevice(context.Background(), u, DeviceOptions{Fingerprint: fp, Device: "d", Show: func(DeviceCode) {}}); !errors.Is(err, ErrSSOExpired) {
		t.Errorf("%v", err)
	}
	s.mu.Lock()
	s.polls, s.times = []string{"expired_token"}, nil
	s.start["expires_in"] = 600
	s.mu.Unlock()
	if _, err := SignInDevice(context.Background(), u, DeviceOptions{Fingerprint: fp, Device: "d", Show: func(DeviceCode) {}}); !errors.Is(err, ErrSSOExpired) {
		t.Errorf("expired_token: %v", err)
	}
}

func TestSignInDeviceRefusesOddCodes(t *testing.T) {
	for _, start := range []map[string]any{
		{"device_code": "dc", "user_code": "BCDF\x1b[31m", "verification_uri": "https://x.example/sso/device"},
		{"device_code": "dc", "user_code": "BCDF-GHJK", "verification_uri": "http://x.example/sso/device"},
		{"device_code": "dc", "user_code": "BCDF-GHJK", "verification_uri": "https://x.example/\u202e"},
		{"device_code": "", "user_code": "BCDF-GHJK", "verification_uri": "https://x.example/sso/device"},
	} {
		u, fp := startDeviceServer(t, &deviceServer{start: start, polls: []string{""}})
		shown := false
		_, err := SignInDevice(context.Background(), u, DeviceOptions{Fingerprint: fp, Device: "d", Show: func(DeviceCode) { shown = true }})
		if err == nil || shown {
			t.Errorf("%v: %v, shown %v", start, err, shown)
		}
	}
}
