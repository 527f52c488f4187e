package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strconv"
	"strings"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// An administrator's page about one user: their devices and the forms that
// change the account.

type userPageData struct {
	userRow
	Devices []deviceRow
}

func (w *Web) userPage(rw http.ResponseWriter, r *http.Request, s *session) {
	w.showUser(rw, r, s, http.StatusOK, "", true)
}

// userNotices are the notices of the user page (notices.go).
var userNotices = []string{"user-added", "user-disabled", "user-enabled", "admin-on", "admin-off", "email-saved",
	"quota-set", "devices-set", "password-set", "devices-signed-out"}

// showUser shows the page, with the ?done= notice when withNotice.
func (w *Web) showUser(rw http.ResponseWriter, r *http.Request, s *session, status int, errMsg string, withNotice bool) {
	ctx := r.Context()
	u, err := w.rec.User(ctx, r.PathValue("name"))
	if errors.Is(err, records.ErrNotFound) {
		w.notFound(rw, r)
		return
	}
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	emails, err := w.rec.UserEmails(ctx)
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	ds, err := w.rec.Devices(ctx, u.ID)
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	u.PasswordHash = ""
	d := userPageData{userRow: userRow{User: u, Email: emails[u.ID], UsedWords: size(u.Used), QuotaWords: size(u.Quota)}}
	for _, dv := range ds {
		d.Devices = append(d.Devices, deviceRow{ID: dv.ID, Name: dv.Name, OS: dv.OS, LastBackup: s.when(dv.LastUpload),
			Size: size(dv.Bytes), Retired: !dv.Retired.IsZero()})
	}
	v := s.view("User " + u.Name)
	v.Error, v.D = errMsg, d
	if withNotice {
		v.Notice = notice(r, noticeFacts{User: u.Name, Quota: size(u.Quota), Devices: u.MaxDevices}, userNotices...)
	}
	w.render(rw, r, status, "admin_user", v)
}

// changeUser applies one of the user page's forms (its "action").
func (w *Web) changeUser(rw http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	u, err := w.rec.User(ctx, r.PathValue("name"))
	if errors.Is(err, records.ErrNotFound) {
		w.notFound(rw, r)
		return
	}
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	action := r.PostFormValue("action")
	if action == "signout-devices" {
		w.signoutDevices(rw, r, s, u)
		return
	}
	c, detail, done, err := w.userChange(r, s, u, action)
	if err != nil {
		w.showUser(rw, r, s, http.StatusBadRequest, err.Error(), false)
		return
	}
	if action == "email" {
		err = w.rec.SetUserEmail(ctx, u.Name, detail)
	} else {
		err = w.rec.UpdateUser(ctx, u.Name, c)
	}
	if err == nil && (action == "disable" || action == "password") {
		// Whoever had the old password may have a browser signed in:
		// its sessions end (the sweeper closes their archives).
		err = w.rec.RemoveUserWebSessions(ctx, u.ID)
	}
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	w.audit(r, s.user.Name, "user."+action, u.Name, detail)
	http.Redirect(rw, r, doneURL("/web/admin/users/"+u.Name, done), http.StatusSeeOther)
}

// signoutDevices revokes every device token of u: a lost computer, a
// password that leaked. Each device signs in again with the password.
func (w *Web) signoutDevices(rw http.ResponseWriter, r *http.Request, s *session, u records.User) {
	n, err := w.rec.RevokeUserTokens(r.Context(), u.ID, records.RevokedAdmin, w.o.Now())
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	w.audit(r, s.user.Name, "user.signout-devices", u.Name, fmt.Sprintf("%d sign-ins", n))
	http.Redirect(rw, r, doneURL("/web/admin/users/"+u.Name, "devices-signed-out"), http.StatusSeeOther)
}

// userChange reads a user form: what changes, what the audit log says,
// and the key of what the page then says (notices.go).
func (w *Web) userChange(r *http.Request, s *session, u records.User, action string) (c records.UserChange, detail, done string, err error) {
	self := u.ID == s.user.ID
	yes, no := true, false
	switch action {
	case "disable":
		if self {
			return c, "", "", errors.New("You cannot disable your own account.")
		}
		c.Disabled, done = &yes, "user-disabled"
	case "enable":
		c.Disabled, done = &no, "user-enabled"
	case "admin-on":
		c.Admin, done = &yes, "admin-on"
	case "admin-off":
		if self {
			return c, "", "", errors.New("You cannot take away your own administrator rights.")
		}
		c.Admin, done = &no, "admin-off"
	case "password":
		h, err := w.newPassword(r)
		if err != nil {
			return c, "", "", err
		}
		c.PasswordHash, done = &h, "password-set"
	case "quota":
		q, err := formSize(r.PostFormValue("quota"), 0)
		if err != nil {
			return c, "", "", err
		}
		c.Quota, detail, done = &q, size(q), "quota-set"
	case "devices":
		n, err := formCount(r.PostFormValue("devices"), 0)
		if err != nil {
			return c, "", "", err
		}
		if u.Devices > n {
			return c, "", "", fmt.Errorf("%s has %d devices already: retire %d first.", u.Name, u.Devices, u.Devices-n)
		}
		c.MaxDevices, detail, done = &n, strconv.Itoa(n), "devices-set"
	case "email":
		e, err := formEmail(r.PostFormValue("email"))
		if err != nil {
			return c, "", "", err
		}
		detail, done = e, "email-saved"
	default:
		return c, "", "", errors.New("That is not something this page can change.")
	}
	return c, detail, done, nil
}

func formEmail(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || strings.ContainsAny(a.Address, "\r\n") {
		return "", fmt.Errorf("%q is not an email address.", v)
	}
	return a.Address, nil
}

func formCount(v string, def int) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" && def > 0 {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 10000 {
		return 0, fmt.Errorf("%q is not a number of devices (1 or more).", v)
	}
	return n, nil
}

func formSize(v string, def int64) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" && def > 0 {
		return def, nil
	}
	n, err := parseSize(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%q is not a size: write 500GB, 1TB, 250MB or a number of bytes.", v)
	}
	return n, nil
}
