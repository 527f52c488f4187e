package ssobroker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// The replace-device wizard signs in before it knows which of the
// account's computers this one replaces, and must register nothing until
// the person has chosen. A sign-in with the purpose "replace" (a loopback
// grant traded, or a device code approved, with "purpose":"replace")
// therefore answers no token but a session: a secret that lasts
// SessionTTL, with the account's devices. The client shows the devices
// and trades the session, once, for the token of the device it adopts
// (POST /api/v1/signin/sso {"session","device","os","adopt"}). One trip
// to the browser, nothing registered before the choice.

// PurposeReplace is the "purpose" of a sign-in that lists the account's
// devices for the replace-device wizard instead of issuing a token.
const PurposeReplace = "replace"

// SessionTTL is how long a replace session lasts: time to choose a
// computer from a short list, not to go away for lunch.
const SessionTTL = 10 * time.Minute

// DeviceInfo is one of an account's devices, the same JSON as GET
// /api/v1/devices and POST /api/v1/signin/devices (times Unix ns, 0 for
// never; Retired 0 for an active device).
type DeviceInfo struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	OS         string `json:"os"`
	Created    int64  `json:"created"`
	LastSeen   int64  `json:"last_seen"`
	LastUpload int64  `json:"last_upload"`
	Bytes      int64  `json:"bytes"`
	Objects    int64  `json:"objects"`
	Retired    int64  `json:"retired"`
}

// DeviceLister is Accounts that can list an account's devices, which the
// replace-device wizard's sign-in needs: with Accounts that cannot, a
// sign-in with the purpose "replace" is refused (404 not_offered). Called
// concurrently.
type DeviceLister interface {
	// Devices lists the account's devices, retired ones included, as
	// POST /api/v1/signin/devices does after a password. An *APIError is
	// written as the answer; other errors are a 500.
	Devices(ctx context.Context, acct AccountRef) ([]DeviceInfo, error)
}

// session is a replace session as the broker keeps it: the account, and
// the computer it was opened for (the token goes to that one only).
type session struct {
	Account AccountRef `json:"account"`
	Device  string     `json:"device"`
	OS      string     `json:"os"`
}

// SessionAnswer is the answer of a sign-in with the purpose "replace".
type SessionAnswer struct {
	Session   string       `json:"session"`
	ExpiresIn int          `json:"expires_in"` // seconds
	User      string       `json:"user"`       // the account's name, to show
	Devices   []DeviceInfo `json:"devices"`
}

var (
	errNoReplace = &APIError{http.StatusNotFound, "not_offered",
		"this server cannot list an account's computers after single sign-on; sign in with a password, or ask IT to update the server"}
	errBadPurpose = badRequest(`the purpose must be "" (a device token) or "replace" (a session listing the account's devices)`)
	errAdoptLater = badRequest(`a sign-in with the purpose "replace" registers nothing: send adopt with its session`)
	errBadSession = &APIError{http.StatusBadRequest, "invalid_grant",
		"this sign-in session is unknown, has expired (it lasts 10 minutes) or was used already: sign in again"}
	errNoAdopt       = badRequest("a session is traded only with adopt, the ID of the computer this one replaces")
	errOtherPurpose  = badRequest("this code was approved for another purpose than the one sent")
	errSessionDevice = badRequest("the device name or OS is not the one this session was opened for")
)

// checkPurpose checks a sign-in's purpose and that the server can serve
// it.
func (b *Broker) checkPurpose(req signinRequest) error {
	switch {
	case req.Purpose != "" && req.Purpose != PurposeReplace:
		return errBadPurpose
	case req.Purpose == PurposeReplace && req.Adopt != "":
		return errAdoptLater
	case req.Purpose == PurposeReplace && b.lister() == nil:
		return errNoReplace
	}
	return nil
}

func (b *Broker) lister() DeviceLister {
	l, _ := b.o.Accounts.(DeviceLister)
	return l
}

// openSession answers a replace sign-in: a new session for the account
// and the computer, with the account's devices.
func (b *Broker) openSession(w http.ResponseWriter, r *http.Request, acct AccountRef, dev DeviceRequest) {
	devs, err := b.lister().Devices(r.Context(), acct)
	if err != nil {
		b.fail(w, r, err)
		return
	}
	if devs == nil {
		devs = []DeviceInfo{}
	}
	secret := random()
	data, _ := json.Marshal(session{Account: acct, Device: dev.Device, OS: dev.OS})
	err = b.o.Store.Put(r.Context(), Entry{Kind: KindSession, Key: hash(secret), Addr: b.limitAddr(r),
		Expires: b.o.Now().Add(SessionTTL), Data: data}, b.o.Pending)
	if errors.Is(err, ErrFull) {
		b.fail(w, r, &APIError{http.StatusTooManyRequests, "rate_limited", "too many sign-ins are waiting from this " +
			"address (or on this server): finish one, or wait 10 minutes, and try again"})
		return
	}
	if err != nil {
		b.fail(w, r, fmt.Errorf("keep the session: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, SessionAnswer{Session: secret, ExpiresIn: int(SessionTTL.Seconds()),
		User: acct.Name, Devices: devs})
}

// signinSession trades a replace session for the token of the device the
// computer adopts: once. A refusal that issued no token (the name is
// taken, no such device) leaves the session for another try until it
// expires; only a token spends it.
func (b *Broker) signinSession(w http.ResponseWriter, r *http.Request, req signinRequest) {
	switch {
	case req.Purpose != "" && req.Purpose != PurposeReplace:
		b.fail(w, r, errBadPurpose)
		return
	case req.Adopt == "":
		b.fail(w, r, errNoAdopt)
		return
	}
	if err := checkDevice(req.Device, req.OS); err != nil {
		b.fail(w, r, err)
		return
	}
	e, err := b.o.Store.Take(r.Context(), KindSession, hash(req.Session))
	var s session
	if err == nil {
		err = json.Unmarshal(e.Data, &s)
	}
	if err != nil {
		b.o.Log.WarnContext(r.Context(), "single sign-on: an unknown session", "addr", b.o.ClientAddr(r))
		b.fail(w, r, errBadSession)
		return
	}
	if req.Device != s.Device || req.OS != s.OS {
		b.keepSession(r, e)
		b.fail(w, r, errSessionDevice)
		return
	}
	dev := DeviceRequest{Device: req.Device, OS: req.OS, Adopt: req.Adopt, Addr: b.o.ClientAddr(r)}
	ans, err := b.o.Accounts.IssueToken(r.Context(), s.Account, dev)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status < 500 {
		b.keepSession(r, e)
	}
	if err != nil {
		b.fail(w, r, err)
		return
	}
	ans.User = s.Account.Name
	writeJSON(w, http.StatusOK, ans)
}

// keepSession puts a session taken back, as it was (same expiry).
func (b *Broker) keepSession(r *http.Request, e Entry) {
	if err := b.o.Store.Put(r.Context(), e, Limit{}); err != nil {
		b.o.Log.WarnContext(r.Context(), "single sign-on: a session could not be kept for another try", "err", err)
	}
}
