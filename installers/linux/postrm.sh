#!/bin/sh
# After Cairn's package is removed: the .rpm's %postun. (The .deb has no
# postrm: Debian's triggers refresh the menus, and a postrm would keep dpkg
# listing the package until a purge.) It asks nothing and never fails the
# removal: it refreshes the menus' caches, as postinst.sh does. What each
# person made stays in their home folder: ~/.config/cairn and the autostart
# entry Cairn wrote for them.
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications 2>/dev/null || true
fi
if [ -f /usr/share/icons/hicolor/index.theme ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -f /usr/share/icons/hicolor 2>/dev/null || true
fi
exit 0
