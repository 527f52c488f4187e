package ssobroker

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// signinRequest is POST /api/v1/signin/sso: a loopback grant with its
// verifier, a device code being polled, or a replace session (replace.go).
// Purpose "replace" asks a grant or a device code for a session instead
// of a token.
type signinRequest struct {
	Code         string `json:"code"`
	CodeVerifier string `json:"code_verifier"`
	DeviceCode   string `json:"device_code"`
	Session      string `json:"session"`
	Device       string `json:"device"`
	OS           string `json:"os"`
	Adopt        string `json:"adopt"`
	Purpose      string `json:"purpose"`
}

// The refusals of POST /api/v1/signin/sso. The codes are RFC 6749's and
// RFC 8628's; the words are Cairn's, as in the rest of the API.
var (
	errBadGrant = &APIError{http.StatusBadRequest, "invalid_grant",
		"this sign-in grant is unknown, has expired (it lasts 60 seconds) or was used already: sign in again"}
	errWrongVerifier = &APIError{http.StatusBadRequest, "invalid_grant",
		"this sign-in grant belongs to another sign-in (its code_verifier does not match): sign in again"}
	errPending = &APIError{http.StatusBadRequest, "authorization_pending",
		"the code has not been approved yet: keep polling at the interval"}
	errSlowDown = &APIError{http.StatusBadRequest, "slow_down",
		"polled faster than the interval: wait the interval given (5 seconds longer than before)"}
	errExpired = &APIError{http.StatusBadRequest, "expired_token",
		"the code has expired (it lasts 10 minutes) or is unknown: start the sign-in again"}
	errDenied = &APIError{http.StatusBadRequest, "access_denied",
		"the sign-in was refused: on the other device, the person declined, or the organisation's sign-in did not let them in"}
	errOtherDevice = badRequest("the device name or OS is not the one the person approved")
)

func (b *Broker) signin(w http.ResponseWriter, r *http.Request) {
	var req signinRequest
	if err := readJSON(w, r, &req); err != nil {
		b.fail(w, r, err)
		return
	}
	only := func(x, y, z string) bool { return x != "" && y == "" && z == "" }
	switch {
	case only(req.Session, req.Code, req.DeviceCode):
		b.signinSession(w, r, req)
	case !only(req.Code, req.DeviceCode, req.Session) && !only(req.DeviceCode, req.Code, req.Session):
		b.fail(w, r, badRequest("send either a code and its code_verifier, a device_code, or a session"))
	default:
		if err := b.checkPurpose(req); err != nil {
			b.fail(w, r, err)
		} else if req.Code != "" {
			b.signinGrant(w, r, req)
		} else {
			b.signinDevice(w, r, req)
		}
	}
}

// signinGrant trades a loopback grant for a token: once, in time, and only
// with the verifier of the challenge the grant is bound to.
func (b *Broker) signinGrant(w http.ResponseWriter, r *http.Request, req signinRequest) {
	if err := checkDevice(req.Device, req.OS); err != nil {
		b.fail(w, r, err)
		return
	}
	e, err := b.o.Store.Take(r.Context(), KindGrant, hash(req.Code))
	var g grant
	if err == nil {
		err = json.Unmarshal(e.Data, &g)
	}
	if err != nil {
		b.o.Log.WarnContext(r.Context(), "single sign-on: an unknown grant", "addr", b.o.ClientAddr(r))
		b.fail(w, r, errBadGrant)
		return
	}
	if !unreserved(req.CodeVerifier, 43, 128) ||
		subtle.ConstantTimeCompare([]byte(oauth2.S256ChallengeFromVerifier(req.CodeVerifier)), []byte(g.Challenge)) != 1 {
		b.o.Log.WarnContext(r.Context(), "single sign-on: a grant with the wrong verifier", "addr", b.o.ClientAddr(r))
		b.fail(w, r, errWrongVerifier)
		return
	}
	if req.Purpose == PurposeReplace {
		b.openSession(w, r, g.Account, DeviceRequest{Device: req.Device, OS: req.OS})
		return
	}
	b.issue(w, r, g.Account, DeviceRequest{Device: req.Device, OS: req.OS, Adopt: req.Adopt})
}

// signinDevice answers a device code's poll (RFC 8628 3.5).
func (b *Broker) signinDevice(w http.ResponseWriter, r *http.Request, req signinRequest) {
	var d deviceAuth
	var outcome error
	err := b.o.Store.Update(r.Context(), KindDevice, hash(req.DeviceCode), func(e *Entry) bool {
		if json.Unmarshal(e.Data, &d) != nil {
			outcome = errExpired // unreadable: as good as gone
			return false
		}
		outcome = b.poll(&d, req)
		e.Data, _ = json.Marshal(d)
		return outcome != nil && outcome != errDenied
	})
	switch {
	case errors.Is(err, ErrNotFound):
		b.fail(w, r, errExpired)
	case err != nil:
		b.fail(w, r, fmt.Errorf("poll a device code: %w", err))
	case outcome == errSlowDown:
		b.fail(w, r, outcome, "interval", int(d.Interval.Seconds()))
	case outcome == errDenied:
		b.fail(w, r, outcome, "reason", d.Reason)
	case outcome != nil:
		b.fail(w, r, outcome)
	case d.Purpose == PurposeReplace:
		b.openSession(w, r, d.Account, DeviceRequest{Device: d.Device, OS: d.OS})
	default:
		b.issue(w, r, d.Account, DeviceRequest{Device: d.Device, OS: d.OS})
	}
}

// poll moves a device code on by one poll: nil when it is approved (and
// used), else the answer. A denied code goes too: it is answered once.
func (b *Broker) poll(d *deviceAuth, req signinRequest) error {
	now := b.o.Now()
	last := d.LastPoll
	d.LastPoll = now.UnixNano()
	switch {
	case req.Device != "" && req.Device != d.Device || req.OS != "" && req.OS != d.OS || req.Adopt != "":
		return errOtherDevice
	case req.Purpose != d.Purpose:
		return errOtherPurpose
	// A quarter of the interval is slack for networks and timers: a client
	// that waits the interval is never told to slow down.
	case last != 0 && now.Sub(time.Unix(0, last)) < d.Interval-d.Interval/4:
		d.Interval += 5 * time.Second
		return errSlowDown
	case d.Status == statusPending:
		return errPending
	case d.Status == statusApproved:
		return nil
	}
	return errDenied
}

// issue asks the server for the device's token and writes its answer.
func (b *Broker) issue(w http.ResponseWriter, r *http.Request, acct AccountRef, dev DeviceRequest) {
	dev.Addr = b.o.ClientAddr(r)
	ans, err := b.o.Accounts.IssueToken(r.Context(), acct, dev)
	if err != nil {
		b.fail(w, r, err)
		return
	}
	ans.User = acct.Name
	writeJSON(w, http.StatusOK, ans)
}
