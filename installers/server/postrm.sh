#!/bin/sh
# cairn-server's postrm. Asks nothing. It never deletes the backups: the
# data folder /var/lib/cairn-server and the user cairn stay after a purge
# too (delete them by hand when the backups are no longer wanted).
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
if [ "$1" = purge ] && [ -d /var/lib/cairn-server ]; then
  echo "cairn-server: the backups stay in /var/lib/cairn-server (and the user cairn); delete them by hand if they are no longer wanted"
fi
exit 0
