package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/store"
)

type signinRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
	Device   string `json:"device"`
	OS       string `json:"os"`
	// Adopt is the ID of one of the user's devices that this computer
	// replaces: it takes over that device (and its archive) under the new
	// name, and the old computer's tokens stop working.
	Adopt string `json:"adopt,omitempty"`
}

type signinResponse struct {
	Token      string `json:"token"`
	DeviceID   string `json:"device_id"`
	ServerTime int64  `json:"server_time"`
}

var errCredentials = &apiError{http.StatusUnauthorized, "credentials", "wrong user name or password"}

func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	var req signinRequest
	if err := s.readJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := checkLabel("device", req.Device, 128, true); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := checkLabel("os", req.OS, 64, false); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Adopt != "" && !store.ValidName(req.Adopt) {
		s.fail(w, r, errNoDevice)
		return
	}
	u, ok := s.signedIn(w, r, req.User, req.Password)
	if !ok {
		return
	}
	s.issueToken(w, r, u, req)
}

// accountDevices lists the user's devices after checking the password,
// without registering one: the replace-device wizard shows them before this
// computer takes one over, so it must not use up a device slot.
func (s *Server) accountDevices(w http.ResponseWriter, r *http.Request) {
	var req signinRequest
	if err := s.readJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	u, ok := s.signedIn(w, r, req.User, req.Password)
	if !ok {
		return
	}
	s.writeDevices(w, r, u.ID)
}

// signedIn checks a user's password, with the rate limits and the delay on
// failures; when it returns false it has answered the request. The attempt
// is counted as a failure before the password is checked and uncounted when
// it succeeds: attempts sent at once cannot slip past the limits.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request, user, password string) (records.User, bool) {
	ctx := r.Context()
	a, err := s.newSigninAttempt(ctx, r, user)
	if err != nil {
		s.fail(w, r, err)
		return records.User{}, false
	}
	infoOf(r).user = a.logName
	res, err := s.reserveSignin(ctx, a)
	if err != nil {
		s.fail(w, r, err)
		return records.User{}, false
	}
	if res.Wait > 0 {
		s.refuseLimited(w, r, res)
		return records.User{}, false
	}
	ok, err := s.checkSecret(ctx, &a, user, password)
	if err != nil {
		if ok { // the password was right, or the directory could not say: not a guess
			s.signinSucceeded(context.WithoutCancel(ctx), a, res.Attempt)
		}
		s.fail(w, r, err) // else the attempt stays counted
		return records.User{}, false
	}
	if !ok {
		s.o.Sleep(ctx, s.o.FailureDelay)
		s.fail(w, r, errCredentials)
		return records.User{}, false
	}
	s.signinSucceeded(context.WithoutCancel(ctx), a, res.Attempt)
	if a.user.Disabled {
		s.fail(w, r, &apiError{http.StatusForbidden, "disabled", "your account is disabled; ask the server's administrator"})
		return a.user, false
	}
	return a.user, true
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request, u records.User, req signinRequest) {
	out, err := s.newDeviceToken(r.Context(), u, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	infoOf(r).device = out.DeviceID
	writeJSON(w, http.StatusOK, out)
}

// newDeviceToken registers the computer as one of the user's devices (or
// finds it, or has it take over one with req.Adopt) and issues its token:
// what every way of signing in ends with. Refusals are *apiError.
func (s *Server) newDeviceToken(ctx context.Context, u records.User, req signinRequest) (signinResponse, error) {
	var d records.Device
	var err error
	if req.Adopt != "" {
		d, err = s.rec.AdoptDevice(ctx, u.ID, req.Adopt, req.Device, req.OS, s.o.Now())
		switch {
		case isNotFound(err):
			return signinResponse{}, errNoDevice
		case errors.Is(err, records.ErrExists):
			return signinResponse{}, &apiError{http.StatusConflict, "name_taken", fmt.Sprintf(
				"another of your devices is called %q; give this computer another name", req.Device)}
		case err == nil:
			s.log.Info("device adopted by a new computer", "user", u.Name, "device", d.ID, "name", d.Name)
		}
	} else {
		d, err = s.rec.RegisterDevice(ctx, u.ID, req.Device, req.OS, s.o.Now())
	}
	if errors.Is(err, records.ErrDeviceLimit) {
		s.log.Warn(fmt.Sprintf("%s has %d devices already; retire one with 'cairn-server device retire ID' to let %q in",
			u.Name, u.MaxDevices, req.Device), "user", u.Name)
		return signinResponse{}, &apiError{http.StatusForbidden, "device_limit", fmt.Sprintf(
			"%s has %d devices already, the most this account may have; ask the server's administrator to retire one", u.Name, u.MaxDevices)}
	}
	if err != nil {
		return signinResponse{}, err
	}
	token, hash := newToken()
	if err := s.rec.AddToken(ctx, records.Token{Hash: hash, UserID: u.ID, DeviceID: d.ID}, s.o.Now()); err != nil {
		return signinResponse{}, err
	}
	return signinResponse{Token: token, DeviceID: d.ID, ServerTime: s.o.Now().UnixNano()}, nil
}

// checkSecret checks the attempt's password: the directory's for a
// directory account or a name no local account has (when a directory is
// configured), else the local hash. After a directory sign-in the attempt
// names the account it signed in to. ok with an error: the password was
// right (or not checked) but the sign-in is refused.
func (s *Server) checkSecret(ctx context.Context, a *signinAttempt, typed, password string) (bool, error) {
	if !s.usesDirectory(*a) {
		return s.checkPassword(ctx, *a, []byte(password))
	}
	u, ok, err := s.directorySignin(ctx, strings.TrimSpace(typed), password)
	if ok && err == nil {
		a.user, a.exists, a.name, a.logName = u, true, u.Name, u.Name
	}
	return ok, err
}

// checkPassword checks the password of the attempt's user; an unknown user
// costs the same time as a wrong password.
func (s *Server) checkPassword(ctx context.Context, a signinAttempt, password []byte) (bool, error) {
	if s.o.checkHook != nil {
		s.o.checkHook()
	}
	select {
	case s.hashing <- struct{}{}:
		defer func() { <-s.hashing }()
	case <-ctx.Done():
		return false, ctx.Err()
	}
	hash := s.dummy
	if a.exists {
		hash = a.user.PasswordHash
	}
	ok, verr := passhash.Verify(password, hash)
	if verr != nil && a.exists {
		s.log.Error("a password hash cannot be read; set the password again with 'cairn-server user passwd'", "user", a.name)
	}
	return ok && a.exists && len(password) > 0, nil
}

// checkLabel accepts a short printable text (a device name, an OS).
func checkLabel(field, v string, maxLen int, required bool) error {
	if required && v == "" {
		return badRequest("%s is missing", field)
	}
	if len(v) > maxLen || !utf8.ValidString(v) {
		return badRequest("%s must be valid text of at most %d bytes", field, maxLen)
	}
	for _, r := range v {
		if !unicode.IsPrint(r) {
			return badRequest("%s holds a character that cannot be shown", field)
		}
	}
	return nil
}
