package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strconv"
	"strings"

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
	v.Notice = r.URL.Query().Get("done")
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
	http.Redirect(rw, r, "/web/admin/devices?done="+queryEscape("Retired "+d.Name+" of "+d.UserName+"."), http.StatusSeeOther)
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
	w.showUsers(rw, r, s, http.StatusOK, "", r.URL.Query().Get("done"))
}

func (w *Web) showUsers(rw http.ResponseWriter, r *http.Request, s *session, status int, errMsg, notice string) {
	rows, err := w.userRows(r)
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	v := s.view("Users")
	v.Error, v.Notice, v.D = errMsg, notice, rows
	w.render(rw, r, status, "admin_users", v)
}

func (w *Web) addUser(rw http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	name, err := records.UserName(r.PostFormValue("name"))
	if err != nil {
		w.showUsers(rw, r, s, http.StatusBadRequest, err.Error(), "")
		return
	}
	u := records.User{Name: name, Admin: r.PostFormValue("admin") != "", Created: w.o.Now()}
	if u.Quota, err = formSize(r.PostFormValue("quota"), records.DefaultQuota); err != nil {
		w.showUsers(rw, r, s, http.StatusBadRequest, err.Error(), "")
		return
	}
	if u.MaxDevices, err = formCount(r.PostFormValue("devices"), records.DefaultMaxDevices); err != nil {
		w.showUsers(rw, r, s, http.StatusBadRequest, err.Error(), "")
		return
	}
	email, err := formEmail(r.PostFormValue("email"))
	if err != nil {
		w.showUsers(rw, r, s, http.StatusBadRequest, err.Error(), "")
		return
	}
	if u.PasswordHash, err = w.newPassword(r); err != nil {
		w.showUsers(rw, r, s, http.StatusBadRequest, err.Error(), "")
		return
	}
	if _, err := w.rec.AddUser(ctx, u); errors.Is(err, records.ErrExists) {
		w.showUsers(rw, r, s, http.StatusConflict, "There is a user "+name+" already.", "")
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
	http.Redirect(rw, r, "/web/admin/users?done="+queryEscape("Added "+name+"."), http.StatusSeeOther)
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

type userPageData struct {
	userRow
	Devices []deviceRow
}

func (w *Web) userPage(rw http.ResponseWriter, r *http.Request, s *session) {
	w.showUser(rw, r, s, http.StatusOK, "", r.URL.Query().Get("done"))
}

func (w *Web) showUser(rw http.ResponseWriter, r *http.Request, s *session, status int, errMsg, notice string) {
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
	v.Error, v.Notice, v.D = errMsg, notice, d
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
	c, detail, done, err := w.userChange(r, s, u, action)
	if err != nil {
		w.showUser(rw, r, s, http.StatusBadRequest, err.Error(), "")
		return
	}
	if action == "email" {
		err = w.rec.SetUserEmail(ctx, u.Name, detail)
	} else {
		err = w.rec.UpdateUser(ctx, u.Name, c)
	}
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	if action == "disable" || action == "password" {
		// Its browsers are signed out; the sweeper closes their archives.
		if err := w.rec.RemoveUserWebSessions(ctx, u.ID); err != nil {
			w.log.Warn("could not sign a user's browsers out", "user", u.Name, "err", err)
		}
	}
	w.audit(r, s.user.Name, "user."+action, u.Name, detail)
	http.Redirect(rw, r, "/web/admin/users/"+u.Name+"?done="+queryEscape(done), http.StatusSeeOther)
}

// userChange reads a user form: what changes, what the audit log says,
// and what the page then says.
func (w *Web) userChange(r *http.Request, s *session, u records.User, action string) (c records.UserChange, detail, done string, err error) {
	self := u.ID == s.user.ID
	yes, no := true, false
	switch action {
	case "disable":
		if self {
			return c, "", "", errors.New("You cannot disable your own account.")
		}
		c.Disabled, done = &yes, u.Name+" is disabled: sign-ins and every request of their devices are refused."
	case "enable":
		c.Disabled, done = &no, u.Name+" is enabled."
	case "admin-on":
		c.Admin, done = &yes, u.Name+" is now an administrator."
	case "admin-off":
		if self {
			return c, "", "", errors.New("You cannot take away your own administrator rights.")
		}
		c.Admin, done = &no, u.Name+" is no longer an administrator."
	case "password":
		h, err := w.newPassword(r)
		if err != nil {
			return c, "", "", err
		}
		c.PasswordHash, done = &h, "The password of "+u.Name+" is changed. Devices signed in stay signed in; their browsers are signed out."
	case "quota":
		q, err := formSize(r.PostFormValue("quota"), 0)
		if err != nil {
			return c, "", "", err
		}
		c.Quota, detail, done = &q, size(q), "The quota of "+u.Name+" is now "+size(q)+"."
	case "devices":
		n, err := formCount(r.PostFormValue("devices"), 0)
		if err != nil {
			return c, "", "", err
		}
		if u.Devices > n {
			return c, "", "", fmt.Errorf("%s has %d devices already: retire %d first.", u.Name, u.Devices, u.Devices-n)
		}
		c.MaxDevices, detail, done = &n, strconv.Itoa(n), fmt.Sprintf("%s may now have up to %d devices.", u.Name, n)
	case "email":
		e, err := formEmail(r.PostFormValue("email"))
		if err != nil {
			return c, "", "", err
		}
		detail, done = e, "The email address of "+u.Name+" is saved."
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
