package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// The user's own page of their computers' sign-ins: which devices are
// signed in, since when, when last used, and a button to sign one out (a
// lost or sold computer) without asking an administrator.

// tokenRecords is what the pages ask of the records about device
// sign-ins (records.Tokens).
type tokenRecords interface {
	DeviceSignins(ctx context.Context, userID int64) ([]records.DeviceSignin, error)
	RevokeDeviceSignin(ctx context.Context, userID int64, id string, at time.Time) error
	RevokeUserTokens(ctx context.Context, userID int64, reason string, at time.Time) (int64, error)
}

type signinRow struct {
	ID, Device, Created, LastUsed string
}

func (w *Web) accountPage(rw http.ResponseWriter, r *http.Request, s *session) {
	ss, err := w.rec.DeviceSignins(r.Context(), s.user.ID)
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	rows := make([]signinRow, 0, len(ss))
	for _, x := range ss {
		rows = append(rows, signinRow{ID: x.ID, Device: x.DeviceName, Created: s.when(x.Created), LastUsed: s.when(x.LastUsed)})
	}
	v := s.view("Your computers' sign-ins")
	v.Notice = notice(r, noticeFacts{}, "signin-revoked")
	v.D = rows
	w.render(rw, r, http.StatusOK, "account", v)
}

// revokeSignin signs one of the user's own computers out; another
// user's sign-in does not exist here (404).
func (w *Web) revokeSignin(rw http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	err := w.rec.RevokeDeviceSignin(r.Context(), s.user.ID, id, w.o.Now())
	if errors.Is(err, records.ErrNotFound) {
		w.notFound(rw, r)
		return
	}
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	w.audit(r, s.user.Name, "signin.revoke", s.user.Name, "device sign-in "+id)
	http.Redirect(rw, r, doneURL("/web/account", "signin-revoked"), http.StatusSeeOther)
}
