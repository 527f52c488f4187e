package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/records"
)

//go:embed templates static
var files embed.FS

// view is what every page shows: its title, who is signed in, the form
// token, the time zone of the times shown, and a message.
type view struct {
	Title    string
	User     string
	Admin    bool
	CSRF     string
	Zone     string // the zone's name
	ZoneNote string // whose zone it is
	Error    string
	Notice   string
	D        any // the page's own data
}

// pages are the templates, each the base layout with one page's content.
type pages map[string]*template.Template

func parsePages() (pages, error) {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := pages{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "base" {
			continue
		}
		t, err := template.New(name).ParseFS(files, "templates/base.html", n)
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", name, err)
		}
		p[name] = t
	}
	return p, nil
}

// viewFor is a page's view for the signed-in person s.
func (s *session) view(title string) view {
	v := view{Title: title, User: s.user.Name, Admin: s.user.Admin, CSRF: s.csrf(), Zone: s.zone.String()}
	if s.zoneFromBrowser {
		v.ZoneNote = "your browser's time zone"
	} else {
		v.ZoneNote = "the server's time zone: your browser did not tell its own (its JavaScript is off)"
	}
	return v
}

// render writes a page; it is rendered whole first, so a template that
// fails is a clean 500, not half a page.
func (w *Web) render(rw http.ResponseWriter, r *http.Request, status int, page string, v view) {
	var b bytes.Buffer
	if err := w.pages[page].ExecuteTemplate(&b, "base", v); err != nil {
		w.log.Error("rendering a page failed", "page", page, "err", err)
		http.Error(rw, "the server failed; its log says why", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(status)
	rw.Write(b.Bytes())
}

// failed answers a server failure: the words stay in the log.
func (w *Web) failed(rw http.ResponseWriter, r *http.Request, err error) {
	w.log.Error("a web page failed", "path", r.URL.Path, "err", err)
	w.render(rw, r, http.StatusInternalServerError, "message", view{Title: "Something went wrong",
		Error: "The server failed to do that; its log says why. Try again, or tell your administrator."})
}

// signinRefusal is a refused sign-in in words, and its status.
func signinRefusal(err error) (int, string) {
	var sr *server.SigninRefused
	if !errors.As(err, &sr) {
		return http.StatusInternalServerError, "The server failed to check your password; try again."
	}
	switch sr.Code {
	case "credentials":
		return http.StatusUnauthorized, "Wrong user name or password."
	case "rate_limited": // the server's words say which limit, for how long, and what to do
		return http.StatusTooManyRequests, sentence(sr.Message)
	case "disabled":
		return http.StatusForbidden, "Your account is disabled. Ask your administrator."
	}
	return http.StatusInternalServerError, "The server failed to check your password; try again."
}

// sentence capitalises the API's words and ends them with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func waitWords(d time.Duration) string {
	if d <= time.Minute {
		return "a minute"
	}
	return fmt.Sprintf("%d minutes", int(math.Ceil(d.Minutes())))
}

// headers are what every page gets: no framing, no referrer, no inline
// script, nothing cached.
func (w *Web) headers(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		hd := rw.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(rw, r)
	})
}

func (w *Web) static(rw http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := files.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		w.notFound(rw, r)
		return
	}
	ct := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}[path.Ext(name)]
	rw.Header().Set("Content-Type", ct)
	rw.Header().Set("Cache-Control", "max-age=300")
	rw.Write(b)
}

// audit appends to the audit log; a failure is logged, not shown.
func (w *Web) audit(r *http.Request, actor, action, target, detail string) {
	e := records.AuditEntry{At: w.o.Now(), Actor: actor, Action: action, Target: target, Detail: detail, Addr: clientAddr(r)}
	if err := w.rec.AddAudit(r.Context(), e); err != nil {
		w.log.Error("could not write the audit log", "action", action, "err", err)
	}
}

// size is a size for people, in decimal units as the file managers show.
func size(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d bytes", n)
	}
	f := float64(n)
	for _, u := range []string{"kB", "MB", "GB", "TB"} {
		f /= 1000
		if f < 1000 || u == "TB" {
			if f < 10 {
				return fmt.Sprintf("%.1f %s", f, u)
			}
			return fmt.Sprintf("%.0f %s", f, u)
		}
	}
	return ""
}

// when is a time in the person's zone, "never" for none.
func (s *session) when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(s.zone).Format("2 Jan 2006 15:04:05 MST")
}

// ago says how long ago t was, roughly.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d.Hours()), "hour") + " ago"
	}
	return plural(int(d.Hours()/24), "day") + " ago"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
