#!/usr/bin/env bash
# Installs what building and testing Cairn needs on Debian/Ubuntu, only what
# is missing. Safe to run again. Used by `make run` and `make test`.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
pkg_missing() { ! dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# gcc builds the cgo parts (the zstd library; later Fyne).
have gcc || need+=(gcc libc6-dev)
have make || need+=(make)
have git || need+=(git)
# time(1) measures peak memory in benchmarks and tests.
[ -x /usr/bin/time ] || need+=(time)
# Fyne's cgo build (OpenGL and X11 headers), and running the real app with
# no screen: Xvfb, and a D-Bus session for the tray (see BUILD-NOTES); a
# real Secret Service (gnome-keyring) for the keyring tests; Chromium for
# the web pages' tests in a real browser; PostgreSQL for the server's records
# at organisation scale (tests run a private cluster).
for p in pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev \
         libxxf86vm-dev xvfb xauth x11-apps dbus gnome-keyring chromium postgresql; do
  pkg_missing "$p" && need+=("$p")
done

# A real directory for the LDAP sign-in tests: OpenLDAP's slapd, run by the
# tests from a temporary folder (its own Debian configuration is skipped).
pkg_missing slapd && need+=(slapd)
pkg_missing ldap-utils && need+=(ldap-utils)

if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo 'slapd slapd/no_configuration boolean true' | $SUDO debconf-set-selections
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! have go && [ ! -x /usr/local/go/bin/go ]; then
  echo "deps: Go is missing: install Go 1.26 (https://go.dev/dl) into /usr/local/go" >&2
  exit 1
fi

# An S3-compatible server for the server's tests (versitygw, Apache-2.0;
# Debian has none): built once from the Go module proxy into .cache/tools.
cd "$(dirname "$0")/.."
if ! have versitygw && [ ! -x .cache/tools/bin/versitygw ]; then
  echo "deps: building versitygw (S3-compatible server for tests) into .cache/tools/bin (about a minute)"
  PATH="/usr/local/go/bin:$PATH" GOBIN="$PWD/.cache/tools/bin" go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
fi
