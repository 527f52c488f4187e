package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// newToken returns a random token and the hash under which it is recorded.
func newToken() (token, hash string) {
	var b [32]byte
	rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, tokenHash(token)
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

var errToken = &apiError{http.StatusUnauthorized, "token", "sign in again: the token is missing, unknown or revoked"}

// authed runs h with the session of the request's bearer token.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, records.Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		token = strings.TrimSpace(token)
		if !ok || token == "" || len(token) > 256 {
			s.fail(w, r, errToken)
			return
		}
		se, err := s.rec.Session(r.Context(), tokenHash(token))
		var re *records.RevokedError
		if errors.As(err, &re) {
			s.fail(w, r, revokedAnswer(re))
			return
		}
		if errors.Is(err, records.ErrNotFound) {
			s.fail(w, r, errToken)
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		info := infoOf(r)
		info.user, info.device = se.User.Name, se.Device.ID
		if now := s.o.Now(); now.Sub(se.LastUsed) > s.o.TokenIdle {
			s.expire(w, r, se, now)
			return
		}
		if se.User.Disabled {
			s.fail(w, r, &apiError{http.StatusForbidden, "disabled", "your account is disabled; ask the server's administrator"})
			return
		}
		if err := s.checkDirectoryAccount(r.Context(), se.User); err != nil { // directory_check.go
			s.fail(w, r, err)
			return
		}
		if now := s.o.Now(); now.Sub(se.LastUsed) >= s.o.TouchEvery {
			if err := s.rec.TouchSession(r.Context(), se, now); err != nil {
				s.log.Warn("could not record a token's use", "user", se.User.Name, "err", err)
			}
		}
		h(w, r, se)
	}
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request, se records.Session) {
	if err := s.rec.RevokeToken(r.Context(), se.TokenHash, records.RevokedSignout, s.o.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// expire revokes a token unused for longer than Options.TokenIdle and
// answers that the computer is signed out: a lost or sold computer's token
// stops working by itself.
func (s *Server) expire(w http.ResponseWriter, r *http.Request, se records.Session, now time.Time) {
	if err := s.rec.RevokeToken(r.Context(), se.TokenHash, records.RevokedExpired, now); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("a device's sign-in expired", "user", se.User.Name, "device", se.Device.ID, "last_used", se.LastUsed)
	s.fail(w, r, revokedAnswer(&records.RevokedError{Reason: records.RevokedExpired, At: now}))
}
