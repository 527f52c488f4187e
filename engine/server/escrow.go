package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"

	"golang.org/x/crypto/nacl/box"

	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// SettingEscrowKey is the records' setting that holds the organisation's
// escrow public key (base64). The private key is never in the data folder.
const SettingEscrowKey = "escrow_public_key"

// ErrEscrowConfigured: the server has an escrow key already.
var ErrEscrowConfigured = errors.New("this server has an escrow key already")

// InitEscrow makes the organisation's escrow key pair and keeps the public
// key in the records. The caller gives the private key to the
// administrator, to keep offline. With replace, a new pair replaces the
// old one (keys escrowed before stay sealed to the old key).
func InitEscrow(ctx context.Context, rec records.Settings, replace bool) (remote.EscrowKey, [32]byte, error) {
	_, ok, err := EscrowPublicKey(ctx, rec)
	if err == nil && ok && !replace {
		err = ErrEscrowConfigured
	}
	if err != nil && !replace {
		return remote.EscrowKey{}, [32]byte{}, err
	}
	pub, priv, err := box.GenerateKey(rand.Reader)
	if err != nil {
		return remote.EscrowKey{}, [32]byte{}, fmt.Errorf("make the escrow key: %w", err)
	}
	if err := rec.SetSetting(ctx, SettingEscrowKey, base64.StdEncoding.EncodeToString(pub[:])); err != nil {
		return remote.EscrowKey{}, [32]byte{}, fmt.Errorf("keep the escrow public key: %w", err)
	}
	return remote.EscrowKey(*pub), *priv, nil
}

// EscrowPublicKey returns the organisation's escrow public key, if any.
func EscrowPublicKey(ctx context.Context, rec records.Settings) (remote.EscrowKey, bool, error) {
	v, err := rec.Setting(ctx, SettingEscrowKey)
	if err != nil || v == "" {
		return remote.EscrowKey{}, false, err
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return remote.EscrowKey{}, false, fmt.Errorf("the escrow public key in the records is damaged: %w", err)
	}
	k, err := remote.ParseEscrowKey(b)
	return k, err == nil, err
}

var errNoEscrow = &apiError{http.StatusNotFound, "no_escrow", "this server offers no key escrow: its administrator has not set it up"}

// escrowRoutes adds the escrow endpoints (docs/SERVER-API.md, "Key escrow").
func (s *Server) escrowRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/v1/escrow-key", s.escrowKey)
	m.HandleFunc("PUT /api/v1/devices/{id}/escrow", s.authed(s.ownDevice(s.putEscrow)))
	m.HandleFunc("GET /api/v1/devices/{id}/escrow", s.authed(s.ownDevice(s.getEscrow)))
	m.HandleFunc("/api/v1/escrow-key", s.methodNotAllowed)
	m.HandleFunc("/api/v1/devices/{id}/escrow", s.methodNotAllowed)
}

// escrowKey serves the public key: public by nature, so no sign-in needed.
func (s *Server) escrowKey(w http.ResponseWriter, r *http.Request) {
	k, ok, err := EscrowPublicKey(r.Context(), s.rec)
	if err != nil || !ok {
		s.fail(w, r, errors.Join(err, errNoEscrow))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"public_key": k[:], "fingerprint": k.Fingerprint()})
}

// ownDevice runs h when the path's device is one of the session user's
// (else 404, whether it exists or not, as for objects).
func (s *Server) ownDevice(h func(http.ResponseWriter, *http.Request, records.Session, records.Device)) func(http.ResponseWriter, *http.Request, records.Session) {
	return func(w http.ResponseWriter, r *http.Request, se records.Session) {
		id := r.PathValue("id")
		if !store.ValidName(id) {
			s.fail(w, r, errNoDevice)
			return
		}
		d, err := s.rec.Device(r.Context(), id)
		if err != nil && !isNotFound(err) {
			s.fail(w, r, err)
			return
		}
		if err != nil || d.UserID != se.User.ID {
			s.fail(w, r, errNoDevice)
			return
		}
		if err := checkOwnDevice(r, se, d); err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r, se, d)
	}
}

type escrowJSON struct {
	KeyFingerprint string `json:"key_fingerprint"`
	Sealed         []byte `json:"sealed,omitempty"` // base64; only ever sent by the device
	Updated        int64  `json:"updated,omitempty"`
}

func (s *Server) putEscrow(w http.ResponseWriter, r *http.Request, _ records.Session, d records.Device) {
	var in escrowJSON
	if err := s.readJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.checkEscrow(r.Context(), in); err != nil {
		s.fail(w, r, err)
		return
	}
	e := records.Escrow{Device: d.ID, KeyFingerprint: in.KeyFingerprint, Sealed: in.Sealed, Updated: s.o.Now()}
	if err := s.rec.SetEscrow(r.Context(), e); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// checkEscrow accepts a sealed key of a plausible size, sealed to the
// escrow key the server offers now.
func (s *Server) checkEscrow(ctx context.Context, in escrowJSON) error {
	k, ok, err := EscrowPublicKey(ctx, s.rec)
	if err != nil || !ok {
		return errors.Join(err, errNoEscrow)
	}
	if in.KeyFingerprint != k.Fingerprint() {
		return &apiError{http.StatusConflict, "escrow_key_changed", "the key was sealed to another escrow key than this server's: fetch the escrow key again"}
	}
	if len(in.Sealed) <= box.AnonymousOverhead || len(in.Sealed) > remote.MaxEscrowSealed {
		return badRequest("a sealed key of %d bytes is not what Cairn sends", len(in.Sealed))
	}
	return nil
}

// getEscrow says whether the device's key is escrowed, never the sealed key
// itself: only the administrator's recovery reads it, from the records.
func (s *Server) getEscrow(w http.ResponseWriter, r *http.Request, _ records.Session, d records.Device) {
	e, err := s.rec.Escrow(r.Context(), d.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, escrowJSON{KeyFingerprint: e.KeyFingerprint, Updated: unixNS(e.Updated)})
}
