package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/smtp"
	"strings"
	"time"

	"github.com/cairnbackup/cairn/engine/server/records"
)

// level is how long a device has gone without a backup.
type level int

const (
	levelOK level = iota
	levelWarning
	levelCritical
)

func (l level) String() string { return [...]string{"ok", "warning", "critical"}[l] }

// backupLevel is a device's level and whole days since its last backup
// (since it signed in, when it never sent one).
func backupLevel(d records.Device, now time.Time, warn, crit int) (level, int) {
	since := d.LastUpload
	if since.IsZero() {
		since = d.Created
	}
	days := int(now.Sub(since) / (24 * time.Hour))
	switch {
	case days >= crit:
		return levelCritical, days
	case days >= warn:
		return levelWarning, days
	}
	return levelOK, days
}

// CheckBackups emails the owner and the administrators about each device
// that has reached a level, once per device, level and lapse (a backup
// since starts a new lapse). Retired devices and disabled accounts are left
// alone. Without SMTP it does nothing: the administration pages show the
// levels anyway.
func (w *Web) CheckBackups(ctx context.Context) error {
	if w.o.SMTP == "" {
		return nil
	}
	ds, err := w.rec.Devices(ctx, 0)
	if err != nil {
		return err
	}
	us, err := w.rec.Users(ctx)
	if err != nil {
		return err
	}
	emails, err := w.rec.UserEmails(ctx)
	if err != nil {
		return err
	}
	users := map[int64]records.User{}
	var admins []string
	for _, u := range us {
		users[u.ID] = u
		if u.Admin && !u.Disabled && emails[u.ID] != "" {
			admins = append(admins, emails[u.ID])
		}
	}
	warn, crit := w.levels(ctx)
	now := w.o.Now()
	var errs []error
	for _, d := range ds {
		u := users[d.UserID]
		lv, days := backupLevel(d, now, warn, crit)
		if lv == levelOK || !d.Retired.IsZero() || u.Disabled {
			continue
		}
		if err := w.alert(ctx, d, lv, days, recipients(emails[u.ID], admins)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func recipients(owner string, admins []string) []string {
	var to []string
	seen := map[string]bool{}
	for _, a := range append([]string{owner}, admins...) {
		if a != "" && !seen[strings.ToLower(a)] {
			seen[strings.ToLower(a)] = true
			to = append(to, a)
		}
	}
	return to
}

func (w *Web) alert(ctx context.Context, d records.Device, lv level, days int, to []string) error {
	if len(to) == 0 {
		return nil
	}
	sent, err := w.rec.AlertSent(ctx, d.ID, int(lv), d.LastUpload)
	if err != nil || sent {
		return err
	}
	subject := fmt.Sprintf("Cairn: %s (%s) has not backed up for %s", d.Name, d.UserName, plural(days, "day"))
	last := "It has never sent a backup since it signed in on " + d.Created.In(w.o.ServerZone).Format("2 Jan 2006 15:04 MST") + "."
	if !d.LastUpload.IsZero() {
		last = "Its last backup reached the server on " + d.LastUpload.In(w.o.ServerZone).Format("2 Jan 2006 15:04 MST") + "."
	}
	body := fmt.Sprintf("%s: the computer %q of %s has not backed up to the Cairn server for %s.\n%s\n\n"+
		"If it is switched on and connected, open Cairn on it and look at its status. If it was lost or replaced, "+
		"an administrator can retire it on the server's Devices page.\n",
		strings.ToUpper(lv.String()[:1])+lv.String()[1:], d.Name, d.UserName, plural(days, "day"), last)
	if err := w.sendMail(to, subject, body); err != nil {
		return fmt.Errorf("email about device %s: %w", d.ID, err)
	}
	w.log.Info("sent a backup alert", "device", d.ID, "user", d.UserName, "level", lv.String(), "to", strings.Join(to, ","))
	return w.rec.RecordAlert(ctx, d.ID, int(lv), d.LastUpload, w.o.Now())
}

// sendMail sends a plain-text message through the relay (net/smtp: with
// STARTTLS when the relay offers it).
func (w *Web) sendMail(to []string, subject, body string) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", w.o.SMTPFrom)
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(to, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", w.o.Now().Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	return smtp.SendMail(w.o.SMTP, w.o.SMTPAuth, w.o.SMTPFrom, to, b.Bytes())
}
