package remote

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/store"
)

// The server's refusals map to errors that say what to do: a busy server
// is retried later, never read as failed sign-ins.
func TestAPIErrorCodes(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   error
		not    error
	}{
		{429, `{"error":"too many uploads at once","code":"busy"}`, store.ErrOffline, ErrRateLimited},
		{429, `{"error":"too many failed sign-ins","code":"rate_limited"}`, ErrRateLimited, store.ErrOffline},
		{403, `{"error":"not your device","code":"other_device"}`, ErrOtherDevice, nil},
		{403, `{"error":"disabled","code":"disabled"}`, ErrDisabled, nil},
		{507, `{"error":"quota","code":"quota"}`, ErrQuota, nil},
	} {
		resp := &http.Response{StatusCode: tc.status, Status: http.StatusText(tc.status),
			Body: io.NopCloser(strings.NewReader(tc.body))}
		err := apiError(resp)
		if !errors.Is(err, tc.want) || tc.not != nil && errors.Is(err, tc.not) {
			t.Errorf("%d %s: %v", tc.status, tc.body, err)
		}
	}
}
