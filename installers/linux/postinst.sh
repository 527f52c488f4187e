#!/bin/sh
# After Cairn's package is installed or upgraded (deb: postinst; rpm: %post).
# It asks nothing and never fails the installation: it only refreshes the
# menus' caches, where a desktop is installed (Debian's and Fedora's
# triggers do it too; older systems need it).
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications 2>/dev/null || true
fi
if [ -f /usr/share/icons/hicolor/index.theme ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -f /usr/share/icons/hicolor 2>/dev/null || true
fi
exit 0
