#!/bin/sh
# cairn-server's prerm. Asks nothing. On removal it stops the service
# (uploads in flight finish first) and disables it; on an upgrade it leaves
# it running for postinst to restart.
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop cairn-server.service >/dev/null 2>&1 || true
  systemctl disable cairn-server.service >/dev/null 2>&1 || true
fi
exit 0
