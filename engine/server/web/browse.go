package web

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/webarchive"
)

// maxResults bounds a search's results on one page.
const maxResults = 200

// asOf reads the "as of" field, a datetime-local value in the person's
// zone: a minute means up to its end, so what was recorded at 14:00:30 is
// there "as of 14:00". Empty (or unreadable) is now.
func (s *session) asOf(v string, now time.Time) (at time.Time, field string, ok bool) {
	for _, f := range []struct {
		layout string
		rest   time.Duration
	}{{"2006-01-02T15:04", time.Minute - 1}, {"2006-01-02T15:04:05", time.Second - 1}} {
		if t, err := time.ParseInLocation(f.layout, v, s.zone); err == nil {
			return t.Add(f.rest), v, true
		}
	}
	return now, now.In(s.zone).Format("2006-01-02T15:04"), v == ""
}

type crumb struct{ Name, URL string }

type entryRow struct {
	Name, Path, Size, Modified, Recorded string
	URL, DownloadURL, VersionsURL        string
	Dir, Deleted                         bool
	Versions                             int
}

type browseData struct {
	Device    records.Device
	Dir       string
	Crumbs    []crumb
	At        string // the field's value
	AtWords   string
	Deleted   bool
	Query     string
	Searching bool
	Entries   []entryRow
	ZipURL    string
}

func (w *Web) browsePage(rw http.ResponseWriter, r *http.Request, s *session, d records.Device, a Archive) {
	q := r.URL.Query()
	at, field, ok := s.asOf(q.Get("at"), w.o.Now())
	bd := browseData{Device: d, Dir: cleanDir(q.Get("dir")), At: field, AtWords: s.when(at),
		Deleted: q.Get("deleted") != "", Query: strings.TrimSpace(q.Get("q"))}
	v := s.view(d.Name)
	if !ok {
		v.Error = "That date and time could not be read; showing the files as of now."
	}
	keep := url.Values{}
	keep.Set("at", field)
	if bd.Deleted {
		keep.Set("deleted", "1")
	}
	var es []webarchive.Entry
	var err error
	switch {
	case bd.Query != "":
		bd.Searching = true
		es, err = a.Search(bd.Dir, bd.Query, at, bd.Deleted, maxResults)
	case bd.Dir == "":
		es, err = a.Roots(at)
	default:
		es, err = a.List(bd.Dir, at, bd.Deleted)
	}
	if err != nil {
		w.log.Warn("browsing an archive failed", "device", d.ID, "err", err)
		v.Error = "This folder could not be read: " + err.Error()
	}
	bd.Crumbs = crumbs(d.ID, bd.Dir, keep)
	for _, e := range es {
		bd.Entries = append(bd.Entries, w.entryRow(s, d.ID, e, keep))
	}
	if bd.Dir != "" {
		z := url.Values{"dir": {bd.Dir}, "at": {field}}
		bd.ZipURL = "/web/devices/" + d.ID + "/zip?" + z.Encode()
	}
	v.D = bd
	w.render(rw, r, http.StatusOK, "browse", v)
}

func (w *Web) entryRow(s *session, id string, e webarchive.Entry, keep url.Values) entryRow {
	row := entryRow{Name: e.Name, Path: e.Path, Dir: e.Dir, Deleted: e.Deleted, Versions: e.Versions}
	if e.Dir {
		q := cloneValues(keep)
		q.Set("dir", e.Path)
		row.URL = browseURL(id, q)
		return row
	}
	row.Size, row.Modified, row.Recorded = size(e.Size), s.when(e.ModTime), s.when(e.Recorded)
	row.VersionsURL = "/web/devices/" + id + "/versions?" + url.Values{"path": {e.Path}}.Encode()
	if !e.Deleted {
		row.DownloadURL = fileURL(id, e.Path, e.Recorded.UnixNano())
	}
	return row
}

func fileURL(id, p string, recorded int64) string {
	return "/web/devices/" + id + "/file?" + url.Values{"path": {p}, "v": {strconv.FormatInt(recorded, 10)}}.Encode()
}

func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// cleanDir is a folder path as the archive names them: slash-separated,
// absolute, no trailing slash; "" is the list of backed-up folders.
func cleanDir(d string) string {
	if d == "" || d == "/" {
		return ""
	}
	return path.Clean("/" + d)
}

func crumbs(id, dir string, keep url.Values) []crumb {
	q := cloneValues(keep)
	q.Del("dir")
	cs := []crumb{{"All backed-up folders", browseURL(id, q)}}
	if dir == "" {
		return cs
	}
	sofar := ""
	for _, part := range strings.Split(strings.TrimPrefix(dir, "/"), "/") {
		sofar += "/" + part
		q := cloneValues(keep)
		q.Set("dir", sofar)
		cs = append(cs, crumb{part, browseURL(id, q)})
	}
	return cs
}

type versionRow struct {
	Recorded, Modified, Size, DownloadURL string
	Deleted                               bool
}

type versionsData struct {
	Device    records.Device
	Path      string
	Name      string
	FolderURL string
	Versions  []versionRow
}

func (w *Web) versionsPage(rw http.ResponseWriter, r *http.Request, s *session, d records.Device, a Archive) {
	p := r.URL.Query().Get("path")
	vs, err := a.Versions(p)
	if err != nil || len(vs) == 0 {
		w.notFound(rw, r)
		return
	}
	vd := versionsData{Device: d, Path: p, Name: path.Base(p),
		FolderURL: browseURL(d.ID, url.Values{"dir": {path.Dir(p)}})}
	for _, ver := range vs {
		row := versionRow{Recorded: s.when(time.Unix(0, ver.Recorded)), Deleted: ver.Deleted}
		if !ver.Deleted {
			row.Modified, row.Size = s.when(time.Unix(0, ver.ModTime)), size(ver.Size)
			if ver.Type == engine.TypeRegular {
				row.DownloadURL = fileURL(d.ID, p, ver.Recorded)
			}
		}
		vd.Versions = append(vd.Versions, row)
	}
	v := s.view("Versions of " + vd.Name)
	v.D = vd
	w.render(rw, r, http.StatusOK, "versions", v)
}

// maxDownload is the per-download cap: the administrator's, else the
// default.
func (w *Web) maxDownload(ctx context.Context) int64 {
	if v, err := w.rec.Setting(ctx, settingMaxDownload); err == nil && v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return w.o.MaxDownload
}

func (w *Web) tooLarge(rw http.ResponseWriter, r *http.Request, s *session, msg string) {
	v := s.view("Too large to download here")
	v.Error = msg
	w.render(rw, r, http.StatusRequestEntityTooLarge, "message", v)
}

func (w *Web) downloadFile(rw http.ResponseWriter, r *http.Request, s *session, d records.Device, a Archive) {
	q := r.URL.Query()
	p := q.Get("path")
	recorded, _ := strconv.ParseInt(q.Get("v"), 10, 64)
	vs, err := a.Versions(p)
	var ver *engine.Version
	for i := range vs {
		if vs[i].Recorded == recorded && !vs[i].Deleted && vs[i].Type == engine.TypeRegular {
			ver = &vs[i]
		}
	}
	if err != nil || ver == nil {
		w.notFound(rw, r)
		return
	}
	if limit := w.maxDownload(r.Context()); ver.Size > limit {
		w.tooLarge(rw, r, s, capWords("This file", ver.Size, limit))
		return
	}
	w.audit(r, s.user.Name, "download.file", d.Name+": "+p,
		fmt.Sprintf("version of %s, %s", time.Unix(0, recorded).UTC().Format(time.RFC3339), size(ver.Size)))
	attachment(rw, path.Base(p), "application/octet-stream")
	rw.Header().Set("Content-Length", strconv.FormatInt(ver.Size, 10))
	if err := a.WriteFile(r.Context(), rw, p, recorded); err != nil {
		w.cutOff(r, d, err)
	}
}

func (w *Web) downloadZip(rw http.ResponseWriter, r *http.Request, s *session, d records.Device, a Archive) {
	q := r.URL.Query()
	dir := cleanDir(q.Get("dir"))
	at, _, _ := s.asOf(q.Get("at"), w.o.Now())
	if dir == "" {
		w.notFound(rw, r)
		return
	}
	limit := w.maxDownload(r.Context())
	_, n, err := a.FolderSize(dir, at)
	if err != nil {
		w.notFound(rw, r)
		return
	}
	if n > limit {
		w.tooLarge(rw, r, s, capWords("This folder", n, limit))
		return
	}
	w.audit(r, s.user.Name, "download.zip", d.Name+": "+dir,
		fmt.Sprintf("as of %s, %s", at.UTC().Format(time.RFC3339), size(n)))
	attachment(rw, path.Base(dir)+".zip", "application/zip")
	if err := a.WriteZip(r.Context(), rw, dir, at, limit); err != nil {
		w.cutOff(r, d, err)
	}
}

// cutOff ends a download that failed once its bytes had started: the
// connection is dropped, so the browser shows a failed download instead of
// keeping a short file.
func (w *Web) cutOff(r *http.Request, d records.Device, err error) {
	if !errors.Is(err, context.Canceled) {
		level := "download failed"
		if errors.Is(err, webarchive.ErrTooLarge) {
			level = "download passed the cap while streaming"
		}
		w.log.Warn(level, "device", d.ID, "path", r.URL.Query().Get("path")+r.URL.Query().Get("dir"), "err", err)
	}
	panic(http.ErrAbortHandler)
}

func attachment(rw http.ResponseWriter, name, contentType string) {
	rw.Header().Set("Content-Type", contentType)
	rw.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
}
