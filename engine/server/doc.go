// Package server is cairn-server: the HTTPS API of docs/SERVER-API.md over
// the server's records (package records) and blob storage (package blobs),
// kept in step by package vault.
//
// A Server is an http.Handler factory plus Serve, which runs it with TLS,
// timeouts, a background purge of the trash and a graceful shutdown: on
// cancellation it stops accepting, lets requests in flight finish (an upload
// being received is completed, made durable and acknowledged) and only then
// returns. An upload is acknowledged (201) only once its bytes are fsynced,
// named and recorded, so an acknowledged object survives a crash.
//
// Every response carries X-Cairn-Time, the server's clock in Unix
// nanoseconds; arrival and deletion times are stamped with that clock, never
// the client's. Every request is logged on one line (log/slog): method, path,
// status, bytes, duration, user and device; tokens are never logged.
//
// Clients are kept within limits: headers must arrive in 10 s, idle
// connections close after 2 minutes, JSON bodies are capped at 64 KiB and
// objects at Options.MaxObject, and a body (or a response) that moves slower
// than Options.MinRate over Options.RateWindow is cut off, so a slow or
// stalled client cannot hold a connection for ever. Failed sign-ins are
// slowed and limited per user name from an address, per address, and per
// user name from everywhere but the addresses it signed in from (Options;
// signin_limits.go); each attempt is counted in the records before its
// password is checked, so attempts sent at once cannot pass a limit. Behind
// Options.TrustedProxies the client's address comes from X-Forwarded-For.
//
// Data (data.go) is the data folder: records.db, the blobs and tls/.
package server
