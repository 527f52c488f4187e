package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
)

// admin runs h for administrators only; to anyone else the page does not
// exist.
func (w *Web) admin(h handler) handler {
	return func(rw http.ResponseWriter, r *http.Request, s *session) {
		if !s.user.Admin {
			w.notFound(rw, r)
			return
		}
		h(rw, r, s)
	}
}

type adminDeviceRow struct {
	ID, User, Name, OS, LastBackup, Ago, Size string
	Level                                     string // "", "warning", "critical", "retired"
	Status                                    string // in words
}

type overviewData struct {
	Users, Disabled, Active, Retired int
	Live, Used, Quota                string
	Warn, Critical                   int
	Attention                        []adminDeviceRow
	Mail                             string
}

func (w *Web) adminPage(rw http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	us, err := w.rec.Users(ctx)
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	rows, err := w.deviceRows(r, s)
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	var o overviewData
	var live, used, quota int64
	for _, u := range us {
		o.Users++
		if u.Disabled {
			o.Disabled++
		}
		used, quota = used+u.Used, quota+u.Quota
	}
	for _, d := range rows {
		live += d.bytes
		if d.Level == "retired" {
			o.Retired++
			continue
		}
		o.Active++
		if d.Level != "" {
			o.Attention = append(o.Attention, d.adminDeviceRow)
		}
	}
	o.Live, o.Used, o.Quota = size(live), size(used), size(quota)
	o.Warn, o.Critical = w.levels(ctx)
	o.Mail = "not configured (serve --smtp HOST:PORT --smtp-from ADDRESS): alerts are only shown here"
	if w.o.SMTP != "" {
		o.Mail = "sent through " + w.o.SMTP + " from " + w.o.SMTPFrom
	}
	v := s.view("Administration")
	v.D = o
	w.render(rw, r, http.StatusOK, "admin", v)
}

type deviceStatus struct {
	adminDeviceRow
	bytes int64
}

// deviceRows is every device with its backup status.
func (w *Web) deviceRows(r *http.Request, s *session) ([]deviceStatus, error) {
	ctx := r.Context()
	ds, err := w.rec.Devices(ctx, 0)
	if err != nil {
		return nil, err
	}
	warn, crit := w.levels(ctx)
	now := w.o.Now()
	rows := make([]deviceStatus, 0, len(ds))
	for _, d := range ds {
		row := adminDeviceRow{ID: d.ID, User: d.UserName, Name: d.Name, OS: d.OS, LastBackup: s.when(d.LastUpload),
			Ago: ago(now, d.LastUpload), Size: size(d.Bytes), Status: "up to date"}
		if d.LastUpload.IsZero() {
			row.Status = "no backup yet"
		}
		lv, days := backupLevel(d, now, warn, crit)
		switch {
		case !d.Retired.IsZero():
			row.Level, row.Status = "retired", "retired "+s.when(d.Retired)
		case lv == levelCritical:
			row.Level, row.Status = "critical", fmt.Sprintf("Critical: no backup for %s", plural(days, "day"))
		case lv == levelWarning:
			row.Level, row.Status = "warning", fmt.Sprintf("Warning: no backup for %s", plural(days, "day"))
		}
		rows = append(rows, deviceStatus{row, d.Bytes})
	}
	return rows, nil
}

func (w *Web) allDevicesPage(rw http.ResponseWriter, r *http.Request, s *session) {
	rows, err := w.deviceRows(r, s)
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	v := s.view("Devices")
	var f noticeFacts
	for _, d := range rows {
		if d.ID == r.URL.Query().Get("device") {
			f.Device, f.User = d.Name, d.User
		}
	}
	v.Notice = notice(r, f, "device-retired")
	v.D = rows
	w.render(rw, r, http.StatusOK, "admin_devices", v)
}

func (w *Web) retireDevice(rw http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	d, err := w.rec.Device(r.Context(), id)
	if errors.Is(err, records.ErrNotFound) {
		w.notFound(rw, r)
		return
	}
	if err == nil {
		err = w.rec.RetireDevice(r.Context(), id, w.o.Now())
	}
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	w.audit(r, s.user.Name, "device.retire", d.UserName+": "+d.Name+" ("+d.ID+")", "")
	http.Redirect(rw, r, doneURL("/web/admin/devices", "device-retired", "device", d.ID), http.StatusSeeOther)
}

type userRow struct {
	records.User
	Email, UsedWords, QuotaWords string
}

func (w *Web) userRows(r *http.Request) ([]userRow, error) {
	us, err := w.rec.Users(r.Context())
	if err != nil {
		return nil, err
	}
	emails, err := w.rec.UserEmails(r.Context())
	if err != nil {
		return nil, err
	}
	rows := make([]userRow, 0, len(us))
	for _, u := range us {
		u.PasswordHash = ""
		rows = append(rows, userRow{User: u, Email: emails[u.ID], UsedWords: size(u.Used), QuotaWords: size(u.Quota)})
	}
	return rows, nil
}

func (w *Web) usersPage(rw http.ResponseWriter, r *http.Request, s *session) {
	w.showUsers(rw, r, s, http.StatusOK, "")
}

func (w *Web) showUsers(rw http.ResponseWriter, r *http.Request, s *session, status int, errMsg string) {
	rows, err := w.userRows(r)
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	v := s.view("Users")
	v.Error, v.D = errMsg, rows
	w.render(rw, r, status, "admin_users", v)
}

func (w *Web) addUser(rw http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	name, err := records.UserName(r.PostFormValue("name"))
	if err != nil {
		w.showUsers(rw, r, s, http.StatusBadRequest, err.Error())
		return
	}
	u := records.User{Name: name, Admin: r.PostFormValue("admin") != "", Created: w.o.Now()}
	if u.Quota, err = formSize(r.PostFormValue("quota"), records.DefaultQuota); err != nil {
		w.showUsers(rw, r, s, http.StatusBadRequest, err.Error())
		return
	}
	if u.MaxDevices, err = formCount(r.PostFormValue("devices"), records.DefaultMaxDevices); err != nil {
		w.showUsers(rw, r, s, http.StatusBadRequest, err.Error())
		return
	}
	email, err := formEmail(r.PostFormValue("email"))
	if err != nil {
		w.showUsers(rw, r, s, http.StatusBadRequest, err.Error())
		return
	}
	if u.PasswordHash, err = w.newPassword(r); err != nil {
		w.showUsers(rw, r, s, http.StatusBadRequest, err.Error())
		return
	}
	if _, err := w.rec.AddUser(ctx, u); errors.Is(err, records.ErrExists) {
		w.showUsers(rw, r, s, http.StatusConflict, "There is a user "+name+" already.")
		return
	} else if err != nil {
		w.failed(rw, r, err)
		return
	}
	if email != "" {
		if err := w.rec.SetUserEmail(ctx, name, email); err != nil {
			w.failed(rw, r, err)
			return
		}
	}
	w.audit(r, s.user.Name, "user.add", name, fmt.Sprintf("quota %s, %d devices, admin %v", size(u.Quota), u.MaxDevices, u.Admin))
	http.Redirect(rw, r, doneURL("/web/admin/users/"+name, "user-added"), http.StatusSeeOther)
}

// newPassword is the hash of the password typed twice in a form.
func (w *Web) newPassword(r *http.Request) (string, error) {
	pw := r.PostFormValue("password")
	if len([]rune(pw)) < 8 {
		return "", errors.New("The password must have at least 8 characters.")
	}
	if pw != r.PostFormValue("password2") {
		return "", errors.New("The two passwords differ.")
	}
	return passhash.Hash([]byte(pw), w.o.HashParams)
}

type auditRow struct {
	records.AuditEntry
	When string
}

type auditData struct {
	Entries   []auditRow
	OlderURL  string
	NewestURL string
}

func (w *Web) auditPage(rw http.ResponseWriter, r *http.Request, s *session) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	const perPage = 100
	es, err := w.rec.Audit(r.Context(), before, perPage)
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	var d auditData
	for _, e := range es {
		d.Entries = append(d.Entries, auditRow{e, s.when(e.At)})
	}
	if len(es) == perPage {
		d.OlderURL = "/web/admin/audit?before=" + strconv.FormatInt(es[len(es)-1].ID, 10)
	}
	if before != 0 {
		d.NewestURL = "/web/admin/audit"
	}
	v := s.view("Audit log")
	v.D = d
	w.render(rw, r, http.StatusOK, "admin_audit", v)
}
