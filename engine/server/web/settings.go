package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The administrator's settings, in the records' settings table.
const (
	settingWarnDays     = "web_warn_days"
	settingCriticalDays = "web_critical_days"
	settingMaxDownload  = "web_max_download" // bytes
)

// levels are the warning and critical numbers of days without a backup.
func (w *Web) levels(ctx context.Context) (warn, crit int) {
	get := func(key string, def int) int {
		if v, err := w.rec.Setting(ctx, key); err == nil && v != "" {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				return n
			}
		}
		return def
	}
	return get(settingWarnDays, w.o.WarnDays), get(settingCriticalDays, w.o.CriticalDays)
}

type settingsData struct {
	Warn, Critical int
	MaxDownload    string
}

func (w *Web) settingsPage(rw http.ResponseWriter, r *http.Request, s *session) {
	w.showSettings(rw, r, s, http.StatusOK, "", notice(r, noticeFacts{}, "settings-saved"))
}

func (w *Web) showSettings(rw http.ResponseWriter, r *http.Request, s *session, status int, errMsg, notice string) {
	warn, crit := w.levels(r.Context())
	v := s.view("Settings")
	v.Error, v.Notice = errMsg, notice
	v.D = settingsData{Warn: warn, Critical: crit, MaxDownload: size(w.maxDownload(r.Context()))}
	w.render(rw, r, status, "admin_settings", v)
}

func (w *Web) saveSettings(rw http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	warn, err1 := strconv.Atoi(strings.TrimSpace(r.PostFormValue("warn")))
	crit, err2 := strconv.Atoi(strings.TrimSpace(r.PostFormValue("critical")))
	if err1 != nil || err2 != nil || warn < 1 || crit <= warn || crit > 3650 {
		w.showSettings(rw, r, s, http.StatusBadRequest, "The warning level must be at least 1 day and the critical level more days than the warning.", "")
		return
	}
	limit, err := formSize(r.PostFormValue("max_download"), 0)
	if err != nil {
		w.showSettings(rw, r, s, http.StatusBadRequest, err.Error(), "")
		return
	}
	for k, v := range map[string]string{settingWarnDays: strconv.Itoa(warn), settingCriticalDays: strconv.Itoa(crit),
		settingMaxDownload: strconv.FormatInt(limit, 10)} {
		if err := w.rec.SetSetting(ctx, k, v); err != nil {
			w.failed(rw, r, err)
			return
		}
	}
	w.audit(r, s.user.Name, "settings", "", fmt.Sprintf("warning %d days, critical %d days, downloads up to %s", warn, crit, size(limit)))
	http.Redirect(rw, r, doneURL("/web/admin/settings", "settings-saved"), http.StatusSeeOther)
}

// parseSize reads 500GB, 1TB, 250MB, 250MiB, "250 MB" or bytes.
func parseSize(s string) (int64, error) {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	units := []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"TIB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"BYTES", 1}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = rest, u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f*float64(mult) > 1<<62 {
		return 0, errors.New("not a size")
	}
	return int64(f * float64(mult)), nil
}
