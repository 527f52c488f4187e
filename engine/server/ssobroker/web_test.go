package ssobroker_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/cairnbackup/cairn/engine/server/ssobroker"
	"github.com/cairnbackup/cairn/internal/testservers"
)

func TestWebPagesSignInThroughTheSameCallback(t *testing.T) {
	w := newWorld(t, func(o *ssobroker.Options) {
		o.WebSignIn = func(rw http.ResponseWriter, r *http.Request, acct ssobroker.AccountRef, next string) {
			fmt.Fprintf(rw, "web session for %s, then %s", acct.Name, next)
		}
	})
	w.mux.HandleFunc("GET /web/signin", func(rw http.ResponseWriter, r *http.Request) {
		w.broker.StartWeb(rw, r, r.URL.Query().Get("next"))
	})
	for next, want := range map[string]string{"/restore?v=1": "/restore?v=1", "//evil.example/x": "/",
		"https://evil.example/": "/", "/\\evil.example": "/"} {
		page, err := testservers.NewBrowser().SignIn(w.p, w.base+"/web/signin?next="+strings.ReplaceAll(next, "?", "%3F"), "ada", "ada-pw")
		if err != nil || page.Body != "web session for ada, then "+want {
			t.Errorf("next %q: %v %+v", next, err, page)
		}
	}
	page, err := testservers.NewBrowser().SignIn(w.p, w.base+"/web/signin?next=/", "eve", "eve-pw")
	if err != nil || page.Status != http.StatusForbidden || !strings.Contains(page.Body, "not allowed to use this backup service") {
		t.Errorf("eve: %v %+v", err, page)
	}
}
