package remote

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A server that does not know the purpose "replace" answers a token, not
// a session: the client says the server cannot do it, and shows no list.
func TestReplaceSignInOnAnOlderServer(t *testing.T) {
	s := &deviceServer{polls: []string{""}}
	u, fp := startDeviceServer(t, s)
	_, err := ReplaceSignInDevice(context.Background(), u, DeviceOptions{Fingerprint: fp, Device: "d", OS: "linux",
		Show: func(DeviceCode) {}})
	if !errors.Is(err, ErrReplaceNotOffered) {
		t.Fatalf("an older server: %v", err)
	}
}

// The session's answers: spent or expired means sign in again; the
// server's own refusals pass through as after a password; a token for
// another device than the one adopted is refused.
func TestAdoptWithSessionAnswers(t *testing.T) {
	answer := map[string]any{}
	status := http.StatusOK
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		json.NewDecoder(r.Body).Decode(&in)
		if in["session"] != "the-session" || in["adopt"] != devID || in["device"] != "new" || in["os"] != "linux" {
			w.WriteHeader(http.StatusTeapot)
			return
		}
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(answer)
	}))
	t.Cleanup(srv.Close)
	fp := Fingerprint(srv.Certificate().Raw)
	adopt := func() error {
		_, err := AdoptWithSession(context.Background(), srv.URL, fp, "the-session", devID, "new", "linux")
		return err
	}
	status, answer = http.StatusBadRequest, map[string]any{"code": "invalid_grant", "error": "spent"}
	if err := adopt(); !errors.Is(err, ErrSessionOver) {
		t.Errorf("a spent session: %v", err)
	}
	status, answer = http.StatusConflict, map[string]any{"code": "name_taken", "error": "taken"}
	if err := adopt(); !errors.Is(err, ErrNameTaken) {
		t.Errorf("a name taken: %v", err)
	}
	status, answer = http.StatusNotFound, map[string]any{"code": "not_offered", "error": "no"}
	if err := adopt(); !errors.Is(err, ErrReplaceNotOffered) {
		t.Errorf("not offered: %v", err)
	}
	status, answer = http.StatusOK, map[string]any{"token": "a-token-of-some-length", "device_id": "ffffffffffffffffffffffffffffffff"}
	if err := adopt(); err == nil {
		t.Error("a token for another device was taken")
	}
	answer["device_id"] = devID
	if err := adopt(); err != nil {
		t.Errorf("the token: %v", err)
	}
}
