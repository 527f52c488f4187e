#!/bin/sh
# cairn-server's postinst. Asks nothing. It makes the system user cairn and
# the data folder /var/lib/cairn-server (kept as it is when it exists). On
# a first install it neither enables nor starts the service: the first
# start makes the self-signed certificate, whose host names (--host in
# /etc/default/cairn-server) are best chosen before, and the data folder
# needs its accounts. On an upgrade it restarts the service if it runs.
set -e

case "$1" in
  configure) ;;
  *) exit 0 ;;
esac

if ! getent group cairn >/dev/null; then
  groupadd --system cairn
fi
if ! getent passwd cairn >/dev/null; then
  useradd --system --gid cairn --home-dir /var/lib/cairn-server --no-create-home \
    --shell /usr/sbin/nologin --comment "Cairn backup server" cairn
fi
if [ ! -d /var/lib/cairn-server ]; then
  install -d -o cairn -g cairn -m 0750 /var/lib/cairn-server
fi

if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
  if [ -n "$2" ]; then # upgraded from version $2
    systemctl try-restart cairn-server.service >/dev/null 2>&1 || true
  fi
fi

if [ -z "$2" ]; then
  cat <<'NOTE'
cairn-server is installed but not started. To start it:
  1. set its host names or certificate in /etc/default/cairn-server
  2. add accounts: runuser -u cairn -- cairn-server user add NAME --data /var/lib/cairn-server
  3. systemctl enable --now cairn-server
     journalctl -u cairn-server   # the fingerprint to give your users
NOTE
fi
exit 0
