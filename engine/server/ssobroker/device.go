package ssobroker

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine/printable"
)

// deviceAuth is a device code (RFC 8628) as the broker keeps it.
type deviceAuth struct {
	Device   string        `json:"device"`
	OS       string        `json:"os"`
	Interval time.Duration `json:"interval"`
	LastPoll int64         `json:"last_poll"` // Unix ns, 0 before the first poll
	Status   string        `json:"status"`    // pending, approved, denied
	Account  AccountRef    `json:"account"`
	Reason   string        `json:"reason,omitempty"`  // why denied: a code as reasonOf gives
	Purpose  string        `json:"purpose,omitempty"` // "" or PurposeReplace (replace.go)
}

const (
	statusPending  = "pending"
	statusApproved = "approved"
	statusDenied   = "denied"
)

// userCodeAlphabet is RFC 8628 6.1's: 20 consonants, no vowels (no words)
// and none that look alike; 8 of them are 2.6×10¹⁰ codes.
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

// newUserCode returns 8 random letters of the alphabet.
func newUserCode() string {
	out := make([]byte, 0, 8)
	buf := make([]byte, 16)
	for len(out) < 8 {
		rand.Read(buf)
		for _, c := range buf {
			// 240 is the largest multiple of 20 below 256: no letter is
			// likelier than another.
			if c < 240 && len(out) < 8 {
				out = append(out, userCodeAlphabet[c%20])
			}
		}
	}
	return string(out)
}

// showUserCode writes a code as people read it: ABCD-EFGH.
func showUserCode(c string) string { return c[:4] + "-" + c[4:] }

// normalUserCode reads what a person typed: any case, with or without the
// dash and spaces; "" when it cannot be a code.
func normalUserCode(typed string) string {
	c := strings.ToUpper(strings.NewReplacer("-", "", " ", "", "\t", "").Replace(typed))
	if len(c) != 8 {
		return ""
	}
	for _, r := range c {
		if !strings.ContainsRune(userCodeAlphabet, r) {
			return ""
		}
	}
	return c
}

// deviceAuthorize starts the device flow: POST /api/v1/sso/device
// {"device","os"[,"purpose"]}.
func (b *Broker) deviceAuthorize(w http.ResponseWriter, r *http.Request) {
	var req signinRequest
	if err := readJSON(w, r, &req); err != nil {
		b.fail(w, r, err)
		return
	}
	err := checkDevice(req.Device, req.OS)
	if err == nil {
		err = b.checkPurpose(req)
	}
	if err != nil {
		b.fail(w, r, err)
		return
	}
	code, userCode, err := b.putDeviceCode(r, deviceAuth{Device: req.Device, OS: req.OS, Purpose: req.Purpose})
	if err != nil {
		b.fail(w, r, err)
		return
	}
	uri := b.o.BaseURL + "/sso/device"
	writeJSON(w, http.StatusOK, map[string]any{"device_code": code, "user_code": showUserCode(userCode),
		"verification_uri": uri, "verification_uri_complete": uri + "?user_code=" + showUserCode(userCode),
		"expires_in": int(LoginTTL.Seconds()), "interval": int(b.o.PollInterval.Seconds())})
}

// putDeviceCode keeps a new device code, drawing another user code in the
// rare case one is taken.
func (b *Broker) putDeviceCode(r *http.Request, d deviceAuth) (code, userCode string, err error) {
	d.Interval, d.Status = b.o.PollInterval, statusPending
	data, _ := json.Marshal(d)
	for range 5 {
		code, userCode = random(), newUserCode()
		err = b.o.Store.Put(r.Context(), Entry{Kind: KindDevice, Key: hash(code), Index: userCode,
			Addr: b.limitAddr(r), Expires: b.o.Now().Add(LoginTTL), Data: data}, b.o.Pending)
		if !errors.Is(err, ErrExists) {
			break
		}
	}
	if errors.Is(err, ErrFull) {
		return "", "", &APIError{http.StatusTooManyRequests, "rate_limited", "too many sign-ins are waiting from this " +
			"address (or on this server): finish one, or wait 10 minutes, and try again"}
	}
	if err != nil {
		return "", "", fmt.Errorf("keep the device code: %w", err)
	}
	return code, userCode, nil
}

// checkDevice checks a computer's name and OS as POST /api/v1/signin
// would (the server checks them again when it issues the token).
func checkDevice(device, osName string) error {
	if strings.TrimSpace(device) == "" || len(device) > 128 || len(osName) > 64 ||
		printable.Name(device) != device || printable.Name(osName) != osName {
		return badRequest("the device name must be 1 to 128 printable characters, the OS at most 64")
	}
	return nil
}

// devicePage is the page a person opens on another device:
// GET /sso/device, or with ?user_code from verification_uri_complete.
func (b *Broker) devicePage(w http.ResponseWriter, r *http.Request) {
	if q := r.URL.Query(); b.elsewhere(r) && q.Get("via") == "" {
		q.Set("via", "1") // as in start: the cookies must be the base URL's
		b.pages.redirect(w, r, b.o.BaseURL+"/sso/device?"+q.Encode())
		return
	}
	if typed := r.URL.Query().Get("user_code"); typed != "" {
		b.confirmPage(w, r, typed)
		return
	}
	b.pages.show(w, http.StatusOK, page{Title: "Sign in a computer to Cairn", Form: "code",
		Lines: []string{"Type the code the computer shows."}})
}

// deviceForm takes the page's forms: the code typed, then the answer.
func (b *Broker) deviceForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxJSON)
	switch r.PostFormValue("step") {
	case "confirm":
		b.answer(w, r)
	default:
		b.confirmPage(w, r, r.PostFormValue("user_code"))
	}
}

// findCode looks a typed code up, counting wrong codes per address; when
// it returns false it has answered.
func (b *Broker) findCode(w http.ResponseWriter, r *http.Request, typed string) (Entry, deviceAuth, bool) {
	addr := b.limitAddr(r)
	if b.wrong.blocked(addr) {
		b.pages.show(w, http.StatusTooManyRequests, page{Title: "Too many wrong codes",
			Lines: []string{fmt.Sprintf("Too many wrong codes were typed from this address (or on this server). "+
				"Wait %d minutes, then type the code again.", int(b.wrong.retryAfter().Minutes())+1)}})
		return Entry{}, deviceAuth{}, false
	}
	var d deviceAuth
	e, err := b.o.Store.Find(r.Context(), KindDevice, normalUserCode(typed))
	if err == nil {
		err = json.Unmarshal(e.Data, &d)
	}
	if err != nil {
		b.wrong.fail(addr)
		b.o.Log.WarnContext(r.Context(), "single sign-on: a wrong device code", "addr", b.o.ClientAddr(r), "code", printable.Name(typed))
		b.pages.show(w, http.StatusNotFound, page{Title: "That code is not waiting", Form: "code",
			Lines: []string{"No computer is waiting with that code: check it on the computer's screen and type it again. " +
				"A code lasts 10 minutes; after that, start again on the computer."}})
		return Entry{}, deviceAuth{}, false
	}
	if d.Status != statusPending {
		b.pages.show(w, http.StatusConflict, page{Title: "That code was used",
			Lines: []string{"This code was answered already. To sign the computer in, start again on it."}})
		return Entry{}, deviceAuth{}, false
	}
	return e, d, true
}

// confirmPage names the computer asking and asks the person to go on.
func (b *Broker) confirmPage(w http.ResponseWriter, r *http.Request, typed string) {
	e, d, ok := b.findCode(w, r, typed)
	if !ok {
		return
	}
	csrf := cookie(r, formCookie)
	if !unreserved(csrf, 43, 43) {
		csrf = random()
	}
	b.setCookie(w, formCookie, csrf, "/sso/device", http.SameSiteStrictMode, int(LoginTTL.Seconds()))
	lines := []string{fmt.Sprintf("Sign in the computer ‘%s’ (%s) to Cairn?", d.Device, osLabel(d.OS)),
		"Continue only if you started this on that computer yourself: it will back up into your account, " +
			"and whoever uses it can restore your backups."}
	if d.Purpose == PurposeReplace {
		lines = []string{fmt.Sprintf("Let the computer ‘%s’ (%s) list the computers of your Cairn account, "+
			"to take the place of one of them?", d.Device, osLabel(d.OS)),
			"Continue only if you started this on that computer yourself: it will take over the backup of " +
				"the computer you choose there, and whoever uses it can restore your backups."}
	}
	b.pages.show(w, http.StatusOK, page{Title: "Sign in a computer to Cairn", Form: "confirm",
		UserCode: showUserCode(e.Index), CSRF: csrf, Lines: lines})
}

func osLabel(osName string) string {
	if osName == "" {
		return "operating system not given"
	}
	return osName
}

// answer takes the person's answer: Continue goes to the provider, "No"
// tells the computer it is refused.
func (b *Broker) answer(w http.ResponseWriter, r *http.Request) {
	if !sameSecret(r.PostFormValue("csrf"), cookie(r, formCookie)) || !b.sameOrigin(r) {
		b.pages.show(w, http.StatusForbidden, page{Title: "This form has expired",
			Lines: []string{"This form expired, or was sent from another site. Open the address the computer shows again."}})
		return
	}
	e, _, ok := b.findCode(w, r, r.PostFormValue("user_code"))
	if !ok {
		return
	}
	if r.PostFormValue("answer") != "yes" {
		b.deny(r, e.Key, "declined")
		b.pages.show(w, http.StatusOK, page{Title: "Nothing was signed in",
			Lines: []string{"The computer was not signed in; it will say so. You can close this page."}})
		return
	}
	b.beginLogin(w, r, login{DeviceKey: e.Key})
}

// sameOrigin refuses a form sent from another site, when the browser says
// where it comes from (defence in depth: the form cookie is the guard).
func (b *Broker) sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return origin == ""
	}
	u, err := url.Parse(b.o.BaseURL)
	if err != nil {
		return false
	}
	return strings.EqualFold(origin, u.Scheme+"://"+u.Host)
}

// deny marks a device code refused; its next poll says access_denied.
func (b *Broker) deny(r *http.Request, key, reason string) {
	b.o.Store.Update(r.Context(), KindDevice, key, func(e *Entry) bool {
		var d deviceAuth
		if json.Unmarshal(e.Data, &d) == nil && d.Status == statusPending {
			d.Status, d.Reason = statusDenied, reason
			e.Data, _ = json.Marshal(d)
		}
		return true
	})
}

// finishDevice ends the provider's part of the device flow: the code is
// approved for the account, or refused.
func (b *Broker) finishDevice(w http.ResponseWriter, r *http.Request, l login, acct AccountRef, err error) {
	if err != nil {
		b.deny(r, l.DeviceKey, reasonOf(err))
		b.pages.show(w, http.StatusForbidden, page{Title: "The computer was not signed in",
			Lines: []string{refusalWords(err)}})
		return
	}
	var d deviceAuth
	approved := false
	uerr := b.o.Store.Update(r.Context(), KindDevice, l.DeviceKey, func(e *Entry) bool {
		if json.Unmarshal(e.Data, &d) == nil && d.Status == statusPending {
			d.Status, d.Account, approved = statusApproved, acct, true
			e.Data, _ = json.Marshal(d)
		}
		return true
	})
	if uerr != nil || !approved {
		b.pages.show(w, http.StatusConflict, page{Title: "The code expired",
			Lines: []string{"The computer's code expired or was answered before the sign-in finished. Start again on the computer."}})
		return
	}
	line := fmt.Sprintf("The computer ‘%s’ (%s) is signed in to Cairn as %s. You can close this page.",
		d.Device, osLabel(d.OS), acct.Name)
	if d.Purpose == PurposeReplace {
		line = fmt.Sprintf("You are signed in as %s: the computer ‘%s’ (%s) now lists your computers, "+
			"for you to choose the one it replaces. You can close this page.", acct.Name, d.Device, osLabel(d.OS))
	}
	b.pages.show(w, http.StatusOK, page{Title: "The computer is signed in", Lines: []string{line}})
}
