package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/server/limitaddr"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/webarchive"
	"github.com/cairnbackup/cairn/engine/store"
)

type deviceRow struct {
	ID, Name, OS, LastBackup, Ago, Size string
	Retired, Open                       bool
}

func (w *Web) devicesPage(rw http.ResponseWriter, r *http.Request, s *session) {
	ds, err := w.rec.Devices(r.Context(), s.user.ID)
	if err != nil {
		w.failed(rw, r, err)
		return
	}
	now := w.o.Now()
	rows := make([]deviceRow, 0, len(ds))
	for _, d := range ds {
		rows = append(rows, deviceRow{ID: d.ID, Name: d.Name, OS: d.OS, LastBackup: s.when(d.LastUpload),
			Ago: ago(now, d.LastUpload), Size: size(d.Bytes), Retired: !d.Retired.IsZero(),
			Open: w.open.has(openKey{s.hash, d.ID})})
	}
	v := s.view("My devices")
	v.D = rows
	w.render(rw, r, http.StatusOK, "devices", v)
}

// deviceHandler is a page about one of the signed-in person's devices.
type deviceHandler func(rw http.ResponseWriter, r *http.Request, s *session, d records.Device)

// owned runs h only for a device of the signed-in person. Any other ID, a
// device of someone else's included, is answered as one that does not
// exist: nothing tells whether it does.
func (w *Web) owned(h deviceHandler) handler {
	return func(rw http.ResponseWriter, r *http.Request, s *session) {
		id := r.PathValue("id")
		if !store.ValidName(id) {
			w.notFound(rw, r)
			return
		}
		d, err := w.rec.Device(r.Context(), id)
		if errors.Is(err, records.ErrNotFound) || err == nil && d.UserID != s.user.ID {
			w.notFound(rw, r)
			return
		}
		if err != nil {
			w.failed(rw, r, err)
			return
		}
		h(rw, r, s, d)
	}
}

// archiveHandler is a page that reads a device's open archive.
type archiveHandler func(rw http.ResponseWriter, r *http.Request, s *session, d records.Device, a Archive)

// unlocked runs h with the device's archive open in this session, or asks
// for its password.
func (w *Web) unlocked(h archiveHandler) deviceHandler {
	return func(rw http.ResponseWriter, r *http.Request, s *session, d records.Device) {
		a, release, ok := w.open.use(openKey{s.hash, d.ID})
		if !ok {
			http.Redirect(rw, r, "/web/devices/"+d.ID+"/unlock", http.StatusSeeOther)
			return
		}
		defer release()
		h(rw, r, s, d, a)
	}
}

type unlockData struct {
	Device  records.Device
	OrgHeld bool // the organisation keeps its key: no password to type
}

func (w *Web) unlockPage(rw http.ResponseWriter, r *http.Request, s *session, d records.Device) {
	if w.open.has(openKey{s.hash, d.ID}) {
		http.Redirect(rw, r, "/web/devices/"+d.ID+"/browse", http.StatusSeeOther)
		return
	}
	v := s.view("Open " + d.Name)
	v.D = unlockData{d, w.orgHeld(r.Context(), d)}
	if w.pool != nil {
		_, v.Notice = w.capWords(w.pool.Room(strconv.FormatInt(s.user.ID, 10), d.ID))
	}
	w.render(rw, r, http.StatusOK, "unlock", v)
}

// unlock opens the device's archive with the password typed: one at a
// time per person, each attempt reserved against the limits (per user and
// device, and per address) before the password is checked, wrong ones
// slowed and recorded like sign-ins.
func (w *Web) unlock(rw http.ResponseWriter, r *http.Request, s *session, d records.Device) {
	ctx := r.Context()
	v := s.view("Open " + d.Name)
	v.D = unlockData{Device: d}
	done, err := w.gate.turn(ctx, s.user.ID)
	if err != nil {
		return // the browser has gone
	}
	defer done()
	if w.unlockOrgHeld(rw, r, s, d, v) {
		return
	}
	try, wait, err := w.reserveUnlock(ctx, unlockKeys(r, s, d))
	if err != nil {
		w.failed(rw, r, err)
		return
	} else if wait > 0 {
		v.Error = "Too many wrong archive passwords for this device or from this address. Try again in " + waitWords(wait) + "."
		w.render(rw, r, http.StatusTooManyRequests, "unlock", v)
		return
	}
	pw := []byte(r.PostFormValue("password"))
	a, err := w.openArchive(ctx, d.ID, pw)
	clear(pw)
	switch {
	case errors.Is(err, engine.ErrWrongPassword):
		// The reservation stays: it counts as the wrong password it was.
		w.audit(r, s.user.Name, "archive.wrong_password", d.Name+" ("+d.ID+")", "")
		w.o.Sleep(ctx, w.o.FailureDelay)
		v.Error = "That password does not open this device's archive. It is the password this computer's backup was " +
			"set up with: your account password, unless you chose a separate archive password."
		w.render(rw, r, http.StatusUnauthorized, "unlock", v)
	case err != nil:
		try.released(ctx)
		w.unlockRefused(rw, r, s, d, v, err)
	default:
		try.released(ctx)
		w.rec.ClearSigninFailures(ctx, try.keys[0])
		w.open.put(openKey{s.hash, d.ID}, a)
		w.audit(r, s.user.Name, "archive.open", d.Name+" ("+d.ID+")", "")
		http.Redirect(rw, r, "/web/devices/"+d.ID+"/browse", http.StatusSeeOther)
	}
}

// unlockKeys are the limit keys of an archive unlock: the person and
// device (a wrong password there clears on the right one), and the address.
func unlockKeys(r *http.Request, s *session, d records.Device) []string {
	return []string{"archive:user:" + s.user.Name + ":device:" + d.ID, "archive:addr:" + limitaddr.Of(clientAddr(r))}
}

func (w *Web) openArchive(ctx context.Context, device string, password []byte) (Archive, error) {
	select {
	case w.unlocking <- struct{}{}:
		defer func() { <-w.unlocking }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if len(password) == 0 {
		return nil, engine.ErrWrongPassword
	}
	return w.o.OpenArchive(ctx, device, password)
}

// unlockRefused says why an archive could not be opened, other than a
// wrong password, and what to do.
func (w *Web) unlockRefused(rw http.ResponseWriter, r *http.Request, s *session, d records.Device, v view, err error) {
	status, words := w.capWords(err)
	switch {
	case errors.Is(err, crypt.ErrKDFTooCostly):
		w.log.Warn("refused to run a key file's key derivation", "device", d.ID, "err", err)
		w.audit(r, s.user.Name, "archive.refused", d.Name+" ("+d.ID+")", "key-derivation settings above the cap")
	case status == http.StatusServiceUnavailable:
		w.log.Warn("refused to open an archive: the archives open take the memory allowed", "device", d.ID, "err", err)
	case status == 0:
		w.log.Error("opening an archive failed", "device", d.ID, "err", err)
		status, words = http.StatusInternalServerError, "The server could not open this device's archive: "+err.Error()
	}
	v.Error = words
	w.render(rw, r, status, "unlock", v)
}

// capWords is a cap of the open archives that err reports, in words, and
// the page's status; 0 for an error that is none of them.
func (w *Web) capWords(err error) (status int, words string) {
	lim := w.archiveLimits()
	switch {
	case errors.Is(err, crypt.ErrKDFTooCostly):
		return http.StatusUnprocessableEntity, fmt.Sprintf("This archive's key uses key-derivation settings above what "+
			"this server will run (%s of memory and %d passes at most); restore it with the Cairn app.",
			crypt.MiB(lim.Keys.KDF.Memory), lim.Keys.KDF.Time)
	case errors.Is(err, webarchive.ErrTooManyOfYours):
		what := fmt.Sprintf("You have %d other archives open on this server, the most one person may have at once: close one", lim.PerUser)
		if lim.PerUser == 1 {
			what = "You have another archive open on this server: close it"
		}
		return http.StatusConflict, what + " first (“Close this backup” on its page, in each browser it is open in), " +
			"or wait: an archive closes by itself 15 minutes after its last use."
	case errors.Is(err, webarchive.ErrServerFull):
		return http.StatusServiceUnavailable, "Too many archives are open on this server right now; try again in a few minutes."
	case errors.Is(err, webarchive.ErrArchiveTooLarge):
		return http.StatusServiceUnavailable, "This archive is too large to open on this server's web page; restore it " +
			"with the Cairn app, or ask your administrator to let the web pages use more memory."
	}
	return 0, ""
}

// archiveLimits are the caps of the open archives, for messages.
func (w *Web) archiveLimits() webarchive.PoolOptions {
	if w.pool != nil {
		return w.pool.Options()
	}
	return webarchive.PoolOptions{Keys: webarchive.DefaultKeyLimits, PerUser: webarchive.DefaultPerUser, Memory: webarchive.DefaultMemory}
}

func (w *Web) lock(rw http.ResponseWriter, r *http.Request, s *session, d records.Device) {
	w.open.forgetDevice(s.hash, d.ID)
	http.Redirect(rw, r, "/web/devices", http.StatusSeeOther)
}

// browseURL is the link to a folder with the page's other choices kept.
func browseURL(id string, q url.Values) string {
	return "/web/devices/" + id + "/browse?" + q.Encode()
}

// capWords is the download cap message.
func capWords(what string, n, limit int64) string {
	return fmt.Sprintf("%s is %s; downloads from this page are limited to %s each by your administrator. "+
		"Download smaller parts (a sub-folder, single files), or restore it with the Cairn app.", what, size(n), size(limit))
}
