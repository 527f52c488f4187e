package ssobroker_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cairnbackup/cairn/engine/server/oidcrp"
	"github.com/cairnbackup/cairn/engine/server/ssobroker"
)

// While the provider cannot be used, the web pages' sign-in is not
// answered by the broker: StartWeb says why, and the pages say so.
func TestLazyStartWebSaysTheProviderCannotBeReached(t *testing.T) {
	down := errors.New("dial tcp 192.0.2.1:443: connect: connection refused")
	lazy := ssobroker.NewLazy(func(context.Context) (*oidcrp.RP, error) { return nil, down },
		ssobroker.Options{Accounts: &accounts{}, BaseURL: "https://backup.example.org",
			WebSignIn: func(http.ResponseWriter, *http.Request, ssobroker.AccountRef, string) {}})
	rw := httptest.NewRecorder()
	err := lazy.StartWeb(rw, httptest.NewRequest("GET", "/web/sso", nil), "/web/devices")
	if !errors.Is(err, ssobroker.ErrUnavailable) || rw.Code != http.StatusOK || rw.Body.Len() != 0 || len(rw.Header()) != 0 {
		t.Fatalf("%v; answered %d %v %q", err, rw.Code, rw.Header(), rw.Body)
	}
}
