#!/usr/bin/env bash
# The server .deb's round trip: install it, check the user, the data
# folder, the unit and the options file, run the service's command as the
# user cairn (systemd itself need not run: CI containers have none) and
# see it answer over TLS, stop it with SIGTERM, remove and purge the
# package, and check that only the backups and the user are left.
#
# Usage: installers/server/test-deb.sh [DEB]
#   DEB defaults to the newest dist/cairn-server_*.deb.
# Runs as root on Debian or Ubuntu. Installs curl when missing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../linux/tools.sh
source "$root/installers/linux/tools.sh"
deadline=${CAIRN_TEST_DEADLINE:-60}
port=${CAIRN_TEST_PORT:-18443}

deb=${1:-$(ls -t "$root"/dist/cairn-server_*.deb 2>/dev/null | head -1 || true)}
[ -f "$deb" ] || die "no package (build it with installers/server/build.sh VERSION dist)"
[ "$(id -u)" -eq 0 ] || exec sudo -E "$0" "$@"
if dpkg-query -W -f='${Status}' cairn-server 2>/dev/null | grep -q "ok installed"; then
  die "cairn-server is installed already: remove it (dpkg -r cairn-server) and run the test again"
fi
apt_need curl

tmp=$(mktemp -d)
pid=""
cleanup() {
  [ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
  dpkg_run -P cairn-server >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

say "installing $deb"
dpkg_run -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; die "dpkg -i"; }
grep -q "not started" "$tmp/dpkg.log" || die "postinst did not say what to do next"
getent passwd cairn | grep -q ':/var/lib/cairn-server:/usr/sbin/nologin$' || die "no system user cairn: $(getent passwd cairn)"
[ "$(stat -c '%U:%G %a' /var/lib/cairn-server)" = "cairn:cairn 750" ] ||
  die "/var/lib/cairn-server is $(stat -c '%U:%G %a' /var/lib/cairn-server)"
for f in /usr/bin/cairn-server /lib/systemd/system/cairn-server.service /etc/default/cairn-server; do
  [ -f "$f" ] || die "$f is missing"
done
file /usr/bin/cairn-server | grep -q 'statically linked' || die "/usr/bin/cairn-server is not static"
dpkg-query -W -f='${Conffiles}' cairn-server | grep -q /etc/default/cairn-server || die "/etc/default/cairn-server is not a conffile"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/cairn-server.service || die "systemd-analyze verify"
fi
[ ! -e /etc/systemd/system/multi-user.target.wants/cairn-server.service ] || die "the service was enabled at install"

# What systemd would run: the unit's ExecStart with the options file,
# on a test port.
# shellcheck disable=SC1091
. /etc/default/cairn-server
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/cairn-server.service)
[ "$exec_start" = '/usr/bin/cairn-server serve --data /var/lib/cairn-server $CAIRN_SERVER_ARGS' ] ||
  die "the unit runs $exec_start"
say "running the service's command as cairn on port $port"
# shellcheck disable=SC2086
# setpriv, not runuser: it execs, so the signal reaches the server itself.
setpriv --reuid=cairn --regid=cairn --init-groups -- /usr/bin/cairn-server serve --data /var/lib/cairn-server $CAIRN_SERVER_ARGS \
  --listen="127.0.0.1:$port" >"$tmp/out" 2>"$tmp/err" &
pid=$!
start=$SECONDS
until grep -q '^fingerprint: ' "$tmp/out" && curl -sk -o /dev/null "https://127.0.0.1:$port/"; do
  kill -0 "$pid" 2>/dev/null || die "cairn-server exited: $(cat "$tmp/err")"
  ((SECONDS - start < deadline)) || die "cairn-server did not answer within $deadline s: $(cat "$tmp/err")"
  sleep 0.2
done
fp=$(sed -n 's/^fingerprint: //p' "$tmp/out")
got=$(runuser -u cairn -- /usr/bin/cairn-server fingerprint --data /var/lib/cairn-server)
[ "$got" = "$fp" ] || die "fingerprint $got, the server printed $fp"
[ "$(stat -c %U /var/lib/cairn-server/tls/key.pem)" = cairn ] || die "the key does not belong to cairn"
say "answering on https://127.0.0.1:$port/, fingerprint $fp"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" -eq 0 ] || die "cairn-server exited with $rc on SIGTERM: $(cat "$tmp/err")"

say "removing and purging the package"
dpkg_run -r cairn-server >"$tmp/dpkg-r.log" 2>&1 || { cat "$tmp/dpkg-r.log" >&2; die "dpkg -r"; }
[ ! -e /usr/bin/cairn-server ] && [ ! -e /lib/systemd/system/cairn-server.service ] || die "files left after dpkg -r"
[ -f /etc/default/cairn-server ] || die "dpkg -r removed the options (a conffile stays until the purge)"
dpkg_run -P cairn-server >"$tmp/dpkg-p.log" 2>&1 || { cat "$tmp/dpkg-p.log" >&2; die "dpkg -P"; }
[ ! -e /etc/default/cairn-server ] || die "/etc/default/cairn-server left after the purge"
! dpkg -L cairn-server >/dev/null 2>&1 || die "dpkg still knows cairn-server after the purge"
[ -f /var/lib/cairn-server/records.db ] || die "the purge deleted the backups"
getent passwd cairn >/dev/null || die "the purge deleted the user cairn"
say "PASS: installed, served, stopped, removed and purged cairn-server; the data and the user stay"
