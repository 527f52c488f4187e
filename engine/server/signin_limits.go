package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/cairnbackup/cairn/engine/server/limitaddr"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// signinAttempt is one sign-in: who it names, from where.
type signinAttempt struct {
	// name keys the limits: the account's name, or for a name that is no
	// account, logName.
	name string
	// logName is what logs and the audit log may show: a name that is no
	// account may be a password typed in the wrong field, so it appears
	// only as a keyed hash ("unknown:…").
	logName string
	user    records.User
	exists  bool
	addr    string // the client's address as limits count it (limitAddr)
}

// newSigninAttempt looks up the user the attempt names.
func (s *Server) newSigninAttempt(ctx context.Context, r *http.Request, user string) (signinAttempt, error) {
	a := signinAttempt{addr: limitaddr.Of(ClientAddr(r))}
	if name, err := records.UserName(user); err == nil {
		a.user, err = s.rec.User(ctx, name)
		switch {
		case err == nil:
			a.exists, a.name, a.logName = true, name, name
			return a, nil
		case !errors.Is(err, records.ErrNotFound):
			return a, err
		}
	}
	a.logName = s.unknownName(user)
	a.name = a.logName
	return a, nil
}

// unknownName is how a name that is no account is logged: a keyed hash,
// the same for the same name while the server runs, that cannot be turned
// back into the name (not even by trying every likely password, without the
// key, which only the server's memory holds).
func (s *Server) unknownName(name string) string {
	m := hmac.New(sha256.New, s.nameKey)
	m.Write([]byte(name))
	return "unknown:" + hex.EncodeToString(m.Sum(nil))[:12]
}

// The limits of an attempt, in the order of signinLimits.
const (
	limitAddress = iota
	limitUserAddress
	limitAccount
)

// signinLimits are the limits an attempt is counted under. The account's
// limit is counted but not checked at an address the account signed in from
// lately: strangers elsewhere cannot lock its person out there.
func (s *Server) signinLimits(ctx context.Context, a signinAttempt) ([]records.SigninLimit, error) {
	limits := []records.SigninLimit{
		limitAddress:     {Key: "addr:" + a.addr, Max: s.o.AddressFailures, Window: s.o.SigninWindow},
		limitUserAddress: {Key: "user-addr:" + a.name + " " + a.addr, Max: s.o.SigninFailures, Window: s.o.SigninWindow},
		limitAccount:     {Key: "user:" + a.name, Max: s.o.AccountFailures, Window: s.o.AccountWindow},
	}
	// Looked up for names that are no account too (never found), so that
	// both take the same time.
	known, err := s.rec.SignedInFrom(ctx, a.name, a.addr, s.o.Now().Add(-s.o.KnownFor))
	if err != nil {
		return nil, err
	}
	if s.usesDirectory(a) {
		limits[limitAccount].Max = min(limits[limitAccount].Max, directoryFailures)
	}
	if known && a.exists {
		limits[limitAccount].Max = 0
	}
	return limits, nil
}

func (s *Server) reserveSignin(ctx context.Context, a signinAttempt) (records.SigninReservation, error) {
	limits, err := s.signinLimits(ctx, a)
	if err != nil {
		return records.SigninReservation{}, err
	}
	return s.rec.ReserveSignin(ctx, s.o.Now(), limits)
}

// refuseLimited answers an attempt over a limit: 429, what happened and
// what to do.
func (s *Server) refuseLimited(w http.ResponseWriter, r *http.Request, res records.SigninReservation) {
	secs := int(math.Ceil(res.Wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	var msg string
	switch res.Limit {
	case limitAddress:
		msg = "too many failed sign-ins from this address; try again in %s, or ask your administrator"
	case limitUserAddress:
		msg = "too many failed sign-ins for this user name from this address; try again in %s, or ask your administrator"
	default:
		msg = "too many failed sign-ins for this account from other places; sign in from a computer or network " +
			"you have used before, try again in %s, or ask your administrator"
	}
	s.fail(w, r, &apiError{http.StatusTooManyRequests, "rate_limited", fmt.Sprintf(msg, waitWords(res.Wait))})
}

// waitWords says a wait in whole minutes, rounded up.
func waitWords(d time.Duration) string {
	if d <= time.Minute {
		return "a minute"
	}
	return fmt.Sprintf("%d minutes", int(math.Ceil(d.Minutes())))
}

// signinSucceeded uncounts the attempt, forgets the name's failures from
// this address (the person typed the right password there), and remembers
// the address as one the account signs in from. Failures elsewhere and of
// the address as a whole stay counted. A failure here is logged: the
// sign-in itself succeeded.
func (s *Server) signinSucceeded(ctx context.Context, a signinAttempt, attempt int64) {
	if err := s.rec.ReleaseSignin(ctx, attempt); err != nil {
		s.log.Warn("could not uncount a successful sign-in", "user", a.name, "err", err)
	}
	if err := s.rec.ClearSigninFailures(ctx, "user-addr:"+a.name+" "+a.addr); err != nil {
		s.log.Warn("could not clear failed sign-ins", "user", a.name, "err", err)
	}
	if err := s.rec.RememberSigninAddr(ctx, a.name, a.addr, s.o.Now()); err != nil {
		s.log.Warn("could not remember a sign-in address", "user", a.name, "err", err)
	}
}
