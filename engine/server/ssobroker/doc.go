// Package ssobroker is single sign-on brokered by the Cairn server for its
// own desktop and command-line clients (docs/SSO.md).
//
// The organisation's identity provider knows one client, the Cairn server
// (engine/server/oidcrp). A Cairn client that wants a device token sends
// the person's browser to the server, which sends it on to the provider
// and, when the person is back, hands the client a one-time grant:
//
//   - the loopback flow (RFC 8252) for a computer with a browser: the grant
//     goes to http://127.0.0.1:PORT/callback, bound to the client's PKCE
//     challenge, and the client trades it for a token;
//   - the device flow (RFC 8628) for a computer without one: the client
//     shows a short code, the person types it on another device, sees which
//     computer asks, signs in, and the client's polling picks up the token;
//   - the server's own web pages (StartWeb), which share the callback.
//
// The replace-device wizard signs in by either flow with the purpose
// "replace" (replace.go): the grant or the approved code then answers the
// account's devices and a short-lived session instead of a token, and the
// session is traded once for the token of the device the computer adopts,
// so nothing is registered before the person has chosen.
//
// The broker decides nothing about accounts: Accounts (the server) says
// whether an identity may use the service and issues device tokens. What it
// keeps between requests lives in a Store (in memory here; the server can
// keep it in its records so several nodes share it). Secrets are stored
// only as their SHA-256, every entry expires, and what strangers can make
// it keep is bounded per address and in total.
package ssobroker
