package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/cairnbackup/cairn/engine/server/kek"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// Organisation-held keys (docs/SERVER-API.md, "Organisation-held keys"): a
// person who chose them has Cairn make a random archive secret and hand it
// to the server, which keeps it wrapped under its key-encryption key
// (Options.KEK) and gives it back only to the person's own signed-in
// devices and web pages. The secret is never logged.

// MaxOrgSecret bounds an organisation-held secret (Cairn's are 52 bytes).
const MaxOrgSecret = 256

var errNoOrgKeys = &apiError{http.StatusConflict, "not_offered",
	"this server does not offer organisation-held keys: its administrator has not set [keys] kek_file; choose another key option"}

// OrgKeyOwner is what a device's wrapped secret is bound to: its user and
// the device, so a wrapped secret moved to another row does not open.
func OrgKeyOwner(userID int64, device string) string {
	return "user " + strconv.FormatInt(userID, 10) + " device " + device
}

// OrgSecret unwraps a device's organisation-held secret. It wraps
// records.ErrNotFound when the device has none, kek.ErrTampered when the
// row does not open.
func OrgSecret(ctx context.Context, rec records.Store, ring *kek.Ring, d records.Device) ([]byte, error) {
	k, err := rec.OrgKey(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	secret, err := ring.Unwrap(k.Wrapped, OrgKeyOwner(d.UserID, d.ID))
	if err != nil {
		return nil, fmt.Errorf("the organisation-held key of device %s: %w", d.ID, err)
	}
	return secret, nil
}

// RewrapOrgKeys re-wraps every stored secret that the ring's current KEK
// did not wrap (after kek.Rotate), and returns how many it re-wrapped. It
// stops at the first that does not open, naming its device.
func RewrapOrgKeys(ctx context.Context, rec records.Store, ring *kek.Ring, now func() time.Time) (int, error) {
	all, err := rec.OrgKeys(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, k := range all {
		if by, err := kek.WrappedBy(k.Wrapped); err == nil && by == ring.Current() {
			continue
		}
		d, err := rec.Device(ctx, k.Device)
		if err != nil {
			return n, fmt.Errorf("device %s of an organisation-held key: %w", k.Device, err)
		}
		secret, err := OrgSecret(ctx, rec, ring, d)
		if err != nil {
			return n, err
		}
		next := records.OrgKey{Device: d.ID, KEK: ring.Current(), Wrapped: ring.Wrap(secret, OrgKeyOwner(d.UserID, d.ID)), Updated: now()}
		clear(secret)
		if err := rec.SetOrgKey(ctx, next); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// orgKeyRoutes adds the organisation-held key endpoints.
func (s *Server) orgKeyRoutes(m *http.ServeMux) {
	m.HandleFunc("PUT /api/v1/devices/{id}/orgkey", s.authed(s.ownDevice(s.putOrgKey)))
	m.HandleFunc("GET /api/v1/devices/{id}/orgkey", s.authed(s.ownDevice(s.getOrgKey)))
	m.HandleFunc("/api/v1/devices/{id}/orgkey", s.methodNotAllowed)
}

type orgKeyJSON struct {
	Secret []byte `json:"secret"` // base64
}

// putOrgKey keeps the secret of the token's own device (other devices of
// the user are refused by ownDevice: 403 other_device).
func (s *Server) putOrgKey(w http.ResponseWriter, r *http.Request, _ records.Session, d records.Device) {
	if s.o.KEK == nil {
		s.fail(w, r, errNoOrgKeys)
		return
	}
	var in orgKeyJSON
	if err := s.readJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	defer clear(in.Secret)
	if len(in.Secret) == 0 || len(in.Secret) > MaxOrgSecret {
		s.fail(w, r, badRequest("a secret of %d bytes: Cairn sends 1 to %d", len(in.Secret), MaxOrgSecret))
		return
	}
	k := records.OrgKey{Device: d.ID, KEK: s.o.KEK.Current(),
		Wrapped: s.o.KEK.Wrap(in.Secret, OrgKeyOwner(d.UserID, d.ID)), Updated: s.o.Now()}
	if err := s.rec.SetOrgKey(r.Context(), k); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// getOrgKey gives the secret to any signed-in device of its user: the
// replace-device wizard and a restore from another of their computers read
// another device's.
func (s *Server) getOrgKey(w http.ResponseWriter, r *http.Request, _ records.Session, d records.Device) {
	if s.o.KEK == nil {
		s.fail(w, r, errNoOrgKeys)
		return
	}
	secret, err := OrgSecret(r.Context(), s.rec, s.o.KEK, d)
	switch {
	case errors.Is(err, kek.ErrTampered), errors.Is(err, kek.ErrUnknownKey):
		s.log.ErrorContext(r.Context(), "an organisation-held key does not open", "device", d.ID, "err", err)
		s.fail(w, r, &apiError{http.StatusInternalServerError, "orgkey_unreadable",
			"the server cannot open this device's organisation-held key (it was changed in the records, or the KEK file lacks its key): tell the server's administrator"})
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	defer clear(secret)
	writeJSON(w, http.StatusOK, orgKeyJSON{Secret: secret})
}
