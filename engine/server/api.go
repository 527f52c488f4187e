package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/store"
)

// unixNS is a time on the wire: Unix nanoseconds, 0 for never.
func unixNS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

type deviceJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	OS         string `json:"os"`
	Created    int64  `json:"created"`
	LastSeen   int64  `json:"last_seen"`
	LastUpload int64  `json:"last_upload"`
	Bytes      int64  `json:"bytes"`
	Objects    int64  `json:"objects"`
	Retired    int64  `json:"retired"` // beyond the API document: 0, or when an administrator retired it
}

func (s *Server) devices(w http.ResponseWriter, r *http.Request, se records.Session) {
	s.writeDevices(w, r, se.User.ID)
}

func (s *Server) writeDevices(w http.ResponseWriter, r *http.Request, userID int64) {
	ds, err := s.rec.Devices(r.Context(), userID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]deviceJSON, 0, len(ds))
	for _, d := range ds {
		out = append(out, deviceJSON{ID: d.ID, Name: d.Name, OS: d.OS, Created: unixNS(d.Created),
			LastSeen: unixNS(d.LastSeen), LastUpload: unixNS(d.LastUpload), Bytes: d.Bytes, Objects: d.Objects,
			Retired: unixNS(d.Retired)})
	}
	writeJSON(w, http.StatusOK, out)
}

// objectHandler handles a request about a device's objects of a kind (and,
// but for listings, one object).
type objectHandler func(w http.ResponseWriter, r *http.Request, se records.Session, ref blobs.Ref)

var errNoDevice = &apiError{http.StatusNotFound, "not_found", "no such device"}

// object checks that the device is the user's (else 404, whether it exists
// or not), that only the token's own device is changed, and the kind and
// name.
func (s *Server) object(h objectHandler) func(http.ResponseWriter, *http.Request, records.Session) {
	return func(w http.ResponseWriter, r *http.Request, se records.Session) {
		id := r.PathValue("id")
		if !store.ValidName(id) {
			s.fail(w, r, errNoDevice)
			return
		}
		d, err := s.rec.Device(r.Context(), id)
		if err != nil || d.UserID != se.User.ID {
			if err != nil && !isNotFound(err) {
				s.fail(w, r, err)
				return
			}
			s.fail(w, r, errNoDevice)
			return
		}
		// Objects, listings and their errors are the user's own: no cache
		// on the way (a proxy, a shared computer's browser) may keep them.
		w.Header().Set("Cache-Control", "no-store")
		if err := checkOwnDevice(r, se, d); err != nil {
			s.fail(w, r, err)
			return
		}
		ref := blobs.Ref{Device: d.ID, Kind: r.PathValue("kind"), Name: r.PathValue("name")}
		if !slices.Contains(store.Kinds, store.Kind(ref.Kind)) {
			s.fail(w, r, badRequest("%q is not a kind of object (packs, versions, keys, config, locks)", ref.Kind))
			return
		}
		if ref.Name != "" && !store.ValidName(ref.Name) {
			s.fail(w, r, badRequest("%q is not a valid object name", ref.Name))
			return
		}
		h(w, r, se, ref)
	}
}

// checkOwnDevice refuses a request that would change a device other than
// the token's own, even another of the same user's (retired or not): a
// computer that is stolen or compromised must not be able to delete or
// overwrite the backups of the user's other computers. Reading them (GET and
// HEAD of objects, listings) stays allowed: a person restores another
// computer's files from this one, and a new computer reads an old one's
// archive before it takes it over. (Today's clients read only their own
// device's objects: the replace-device wizard adopts the device first,
// POST /api/v1/signin with "adopt", and then reads it with a token of that
// device; GET /api/v1/devices lists the others for "cairn devices" and
// the wizard.)
func checkOwnDevice(r *http.Request, se records.Session, d records.Device) error {
	if d.ID == se.Device.ID || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	return &apiError{http.StatusForbidden, "other_device", fmt.Sprintf(
		"this computer is signed in as your device %q and may change only its own backups, not those of %q: "+
			"to change them, use that computer, or the replace-device wizard to take it over", se.Device.Name, d.Name)}
}

func isNotFound(err error) bool { return errorFor(err).status == http.StatusNotFound }

type objectJSON struct {
	Name    string `json:"name"`
	Size    int64  `json:"size"`
	Arrived int64  `json:"arrived"`
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, _ records.Session, ref blobs.Ref) {
	objs, err := s.rec.Objects(r.Context(), records.ObjectQuery{State: records.Live, Device: ref.Device, Kind: ref.Kind})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]objectJSON, 0, len(objs))
	for _, o := range objs {
		out = append(out, objectJSON{Name: o.Name, Size: o.Size, Arrived: unixNS(o.Arrived)})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) put(w http.ResponseWriter, r *http.Request, se records.Session, ref blobs.Ref) {
	size := r.ContentLength
	if size < 0 {
		s.fail(w, r, &apiError{http.StatusLengthRequired, "bad_request", "Content-Length is required"})
		return
	}
	if size > s.o.MaxObject {
		s.fail(w, r, &apiError{http.StatusRequestEntityTooLarge, "too_large",
			"the object is larger than the " + strconv.FormatInt(s.o.MaxObject, 10) + " bytes this server accepts"})
		return
	}
	release := s.uploadSlot(w, r, se.User.Name)
	if release == nil {
		return
	}
	defer release()
	body := http.MaxBytesReader(w, r.Body, s.o.MaxObject)
	created, err := s.vault.Put(r.Context(), se.User.Name, ref, size, body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if o, err := s.vault.Stat(r.Context(), ref); err == nil {
		w.Header().Set("X-Cairn-Arrived", strconv.FormatInt(unixNS(o.Arrived), 10))
	}
	w.Header().Set("Content-Length", "0")
	if created {
		w.WriteHeader(http.StatusCreated)
	} else {
		w.WriteHeader(http.StatusOK)
	}
}

func (s *Server) get(w http.ResponseWriter, r *http.Request, _ records.Session, ref blobs.Ref) {
	o, f, err := s.vault.Open(r.Context(), ref)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	if f.Size() != o.Size {
		s.log.Error("an object's file does not have its recorded size (run cairn-server check)", "object", ref.String(),
			"recorded", o.Size, "file", f.Size())
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("X-Cairn-Arrived", strconv.FormatInt(unixNS(o.Arrived), 10))
	http.ServeContent(w, r, "", time.Time{}, f)
}

func (s *Server) head(w http.ResponseWriter, r *http.Request, _ records.Session, ref blobs.Ref) {
	o, err := s.vault.Stat(r.Context(), ref)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(o.Size, 10))
	w.Header().Set("X-Cairn-Arrived", strconv.FormatInt(unixNS(o.Arrived), 10))
	w.WriteHeader(http.StatusOK)
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request, _ records.Session, ref blobs.Ref) {
	if err := s.vault.Delete(r.Context(), ref); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
