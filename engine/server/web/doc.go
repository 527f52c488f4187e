// Package web is the server's pages for browsers: a person signs in from any
// computer, picks one of their devices, opens its archive with its password,
// browses its files as of any date and downloads a file or a folder (a zip);
// an administrator sees every user and device, what each stores, when each
// last backed up and which have not for days, changes accounts, and reads
// the audit log.
//
// The pages are mounted into the API's handler (server.Options.Web) and so
// are served over the server's TLS, with its limits and its log line. They
// are html/template pages that work without JavaScript; one small script
// (static/app.js, allowed by the Content-Security-Policy as 'self') tells the
// server the browser's time zone.
//
// Sessions are kept in the records (only the SHA-256 of their random 256-bit
// id) and end after Options.IdleTimeout without activity or Options.MaxAge
// after sign-in. An archive opened with its password is kept in memory only,
// keyed by session and device, and closed when its session ends (sign-out,
// expiry; Run sweeps) — the key is never written anywhere. Every POST
// carries a token derived from the session id and passes
// http.CrossOriginProtection; every page that names a device checks, on the
// server, that it is the signed-in person's (another's is answered 404).
//
// Run also checks, every Options.AlertEvery, which devices have not backed
// up for the warning and critical numbers of days, and emails the device's
// owner and the administrators (net/smtp) once per device, level and lapse.
package web
