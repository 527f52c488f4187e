package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// Organisation-held keys: when the organisation keeps a device's archive
// key (Options.OrgKey), its person opens the archive with their sign-in
// alone. The same limits hold as for a typed password (one unlock at a
// time per person, MaxUnlocking, the open archives' caps); there is no
// password to guess, so no wrong-password limit applies.

// orgHeld says whether the organisation keeps a key for the device.
func (w *Web) orgHeld(ctx context.Context, d records.Device) bool {
	if w.o.OrgKey == nil {
		return false
	}
	secret, err := w.o.OrgKey(ctx, d)
	clear(secret)
	return err == nil
}

// unlockOrgHeld opens the device's archive with the key the organisation
// keeps, and answers. handled is false when it keeps none, or one that
// does not open this archive (made again with another key option): then
// the password typed is tried as usual.
func (w *Web) unlockOrgHeld(rw http.ResponseWriter, r *http.Request, s *session, d records.Device, v view) (handled bool) {
	if w.o.OrgKey == nil {
		return false
	}
	ctx := r.Context()
	secret, err := w.o.OrgKey(ctx, d)
	if errors.Is(err, records.ErrNotFound) {
		return false
	}
	if err != nil {
		w.log.Error("the organisation-held key of a device does not open", "device", d.ID, "err", err)
		v.Error = "The server cannot open the key your organisation keeps for this device's archive. Tell your administrator; " +
			"meanwhile, restore with the Cairn app on one of your computers."
		w.render(rw, r, http.StatusInternalServerError, "unlock", v)
		return true
	}
	a, err := w.openArchive(ctx, d.ID, secret)
	clear(secret)
	switch {
	case errors.Is(err, engine.ErrWrongPassword):
		w.log.Warn("an organisation-held key does not open its device's archive", "device", d.ID)
		return false
	case err != nil:
		w.unlockRefused(rw, r, s, d, v, err)
	default:
		w.open.put(openKey{s.hash, d.ID}, a)
		w.audit(r, s.user.Name, "archive.open", d.Name+" ("+d.ID+")", "with the key the organisation keeps")
		http.Redirect(rw, r, "/web/devices/"+d.ID+"/browse", http.StatusSeeOther)
	}
	return true
}
