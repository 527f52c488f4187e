package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/server/records"
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
	Device records.Device
}

func (w *Web) unlockPage(rw http.ResponseWriter, r *http.Request, s *session, d records.Device) {
	if w.open.has(openKey{s.hash, d.ID}) {
		http.Redirect(rw, r, "/web/devices/"+d.ID+"/browse", http.StatusSeeOther)
		return
	}
	v := s.view("Open " + d.Name)
	v.D = unlockData{d}
	w.render(rw, r, http.StatusOK, "unlock", v)
}

// unlock opens the device's archive with the password typed: slowed and
// limited like sign-ins, per user and per address.
func (w *Web) unlock(rw http.ResponseWriter, r *http.Request, s *session, d records.Device) {
	ctx := r.Context()
	v := s.view("Open " + d.Name)
	v.D = unlockData{d}
	keys := []string{"archive:user:" + s.user.Name, "archive:addr:" + clientAddr(r)}
	if wait, err := w.archiveWait(ctx, keys); err != nil {
		w.failed(rw, r, err)
		return
	} else if wait > 0 {
		v.Error = "Too many wrong archive passwords for your account or from this address. Try again in " + waitWords(wait) + "."
		w.render(rw, r, http.StatusTooManyRequests, "unlock", v)
		return
	}
	pw := []byte(r.PostFormValue("password"))
	a, err := w.openArchive(ctx, d.ID, pw)
	clear(pw)
	if errors.Is(err, engine.ErrWrongPassword) {
		if err := w.rec.AddSigninFailure(ctx, w.o.Now(), keys...); err != nil {
			w.log.Warn("could not record a wrong archive password", "err", err)
		}
		w.audit(r, s.user.Name, "archive.wrong_password", d.Name+" ("+d.ID+")", "")
		w.o.Sleep(ctx, w.o.FailureDelay)
		v.Error = "That password does not open this device's archive. It is the password this computer's backup was " +
			"set up with: your account password, unless you chose a separate archive password."
		w.render(rw, r, http.StatusUnauthorized, "unlock", v)
		return
	}
	if err != nil {
		w.log.Error("opening an archive failed", "device", d.ID, "err", err)
		v.Error = "The server could not open this device's archive: " + err.Error()
		w.render(rw, r, http.StatusInternalServerError, "unlock", v)
		return
	}
	w.rec.ClearSigninFailures(ctx, keys[0])
	w.open.put(openKey{s.hash, d.ID}, a)
	w.audit(r, s.user.Name, "archive.open", d.Name+" ("+d.ID+")", "")
	http.Redirect(rw, r, "/web/devices/"+d.ID+"/browse", http.StatusSeeOther)
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

// archiveWait is how long tries must wait: until the oldest failure that
// makes a key reach the limit leaves the window.
func (w *Web) archiveWait(ctx context.Context, keys []string) (wait time.Duration, err error) {
	now := w.o.Now()
	for _, k := range keys {
		fails, err := w.rec.SigninFailures(ctx, k, now.Add(-w.o.ArchiveWindow))
		if err != nil {
			return 0, err
		}
		if n := len(fails); n >= w.o.ArchiveFailures {
			wait = max(wait, fails[n-w.o.ArchiveFailures].Add(w.o.ArchiveWindow).Sub(now), time.Second)
		}
	}
	return wait, nil
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
