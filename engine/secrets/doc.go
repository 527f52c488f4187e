// Package secrets keeps what must stay secret on this computer: archive
// master keys, server sign-in tokens and the keys people chose to keep
// themselves. They go to the operating system's keyring (the Secret Service
// on Linux, the Keychain on macOS, the Credential Manager on Windows) when
// one answers, otherwise to private files in Cairn's folder. Cairn's
// configuration file never holds a secret.
//
// A Store is safe for concurrent use. Names are short ASCII words chosen
// by Cairn ("archive-key-<id>", "server-token-<destination>"); secrets are
// small (a few hundred bytes at most).
package secrets
