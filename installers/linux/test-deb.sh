#!/usr/bin/env bash
# The .deb's round trip, as a person's computer sees it: install the
# package, check its files, start the INSTALLED /usr/bin/cairn (the command
# line, which without a command hands over to /usr/bin/cairn-desktop) on a
# virtual screen (Xvfb) with its own D-Bus session, wait for its window,
# take a screenshot, stop it with SIGTERM, remove the package and check
# that nothing of it is left.
#
# Usage: installers/linux/test-deb.sh [DEB] SCREENSHOT.png
#   DEB defaults to the newest dist/cairn_*.deb (built with
#   installers/linux/build.sh when there is none).
# Runs as root (or with sudo) on Debian or Ubuntu, e.g. in CI. It refuses
# to run when a cairn package is installed already. It installs what is
# missing: xvfb xauth dbus x11-utils xdotool imagemagick desktop-file-utils
# (and the package's own dependencies, through apt-get install -f).
# CAIRN_TEST_DEADLINE (seconds, default 180) bounds each wait.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/installers/linux
# shellcheck source=tools.sh
source "$here/tools.sh"
deadline=${CAIRN_TEST_DEADLINE:-180}

# wait_for WHAT COMMAND... polls COMMAND until it succeeds, or fails the
# test after $deadline seconds.
wait_for() {
  local what=$1 start=$SECONDS
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - start < deadline)) || return 1
    sleep 0.5
  done
  say "$what after $((SECONDS - start)) s"
}

# ---------------------------------------------------------------------
# Inside the virtual screen and the D-Bus session: start the installed
# Cairn, screenshot its window, stop it. Called by the main part below.
if [ "${1:-}" = --inside ]; then
  shot=$2 log=$3
  /usr/bin/cairn >"$log" 2>&1 &
  pid=$!
  window() { xdotool search --onlyvisible --name '^Cairn$' | head -1 | grep -q .; }
  if ! wait_for "the window is up" window; then
    kill -0 "$pid" 2>/dev/null || die "cairn exited before showing a window; its output:
$(cat "$log")"
    xwininfo -root -tree >&2 || true
    die "no window named Cairn within $deadline s; cairn's output:
$(cat "$log")"
  fi
  id=$(xdotool search --onlyvisible --name '^Cairn$' | head -1)
  # The window maps before Fyne draws in it: wait for a picture rather
  # than a blank (few colours) one.
  painted() {
    xwd -root -silent | convert xwd:- "png:$shot.tmp" &&
      [ "$(convert "$shot.tmp" -format %k info:)" -gt 64 ]
  }
  wait_for "the window is painted" painted || die "the window stayed blank for $deadline s"
  # The picture is the window's rectangle of the screen.
  geometry=$(LC_ALL=C.UTF-8 xwininfo -id "$id" | awk '/Absolute upper-left X:/ {x=$4} /Absolute upper-left Y:/ {y=$4}
    /Width:/ {w=$2} /Height:/ {h=$2} END {printf "%dx%d+%d+%d", w, h, x, y}')
  convert "$shot.tmp" -crop "$geometry" +repage "png:$shot" || die "crop the screenshot to $geometry"
  rm -f "$shot.tmp"
  say "window $id at $geometry; screenshot in $shot"
  LC_ALL=C.UTF-8 xprop -id "$id" WM_CLASS | grep -q '"Cairn"' ||
    say "WARNING: $(LC_ALL=C.UTF-8 xprop -id "$id" WM_CLASS): the menu entry's StartupWMClass=Cairn does not match"
  kill -TERM "$pid"
  stopped() { ! kill -0 "$pid"; }
  wait_for "cairn stopped on SIGTERM" stopped || { kill -KILL "$pid"; die "cairn did not stop within $deadline s of SIGTERM"; }
  rc=0
  wait "$pid" || rc=$?
  [ "$rc" -eq 0 ] || die "cairn exited with status $rc on SIGTERM; its output:
$(cat "$log")"
  exit 0
fi

# ---------------------------------------------------------------------
case $# in
  1) deb="" shot=$1 ;;
  2) deb=$1 shot=$2 ;;
  *) echo "usage: $0 [DEB] SCREENSHOT.png" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || exec sudo -E "$0" "$@"
mkdir -p "$(dirname "$shot")"
shot=$(cd "$(dirname "$shot")" && pwd)/$(basename "$shot")

if [ -z "$deb" ]; then
  deb=$(ls -t "$root"/dist/cairn_*.deb 2>/dev/null | head -1 || true)
  if [ -z "$deb" ]; then
    bash "$here/build.sh" "$(git -C "$root" describe --tags --always --dirty 2>/dev/null || echo 0.0.0)" "$root/dist"
    deb=$(ls -t "$root"/dist/cairn_*.deb | head -1)
  fi
fi
[ -f "$deb" ] || die "no package $deb"
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
if dpkg-query -W -f='${Status}' cairn 2>/dev/null | grep -q "ok installed"; then
  die "a cairn package is installed already: remove it (dpkg -r cairn) and run the test again"
fi

apt_need xvfb xauth dbus x11-utils xdotool imagemagick desktop-file-utils

tmp=$(mktemp -d)
installed=""
cleanup() {
  if [ -n "$installed" ]; then dpkg_run -r cairn >/dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- install ----------------------------------------------------------
say "installing $deb"
installed=yes
if ! dpkg_run -i "$deb" >"$tmp/dpkg.log" 2>&1; then
  say "dpkg -i left dependencies to install: apt-get install -f"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq -f >>"$tmp/dpkg.log" 2>&1 ||
    { cat "$tmp/dpkg.log" >&2; die "the package's dependencies do not install"; }
fi
dpkg-query -W -f='${Status}' cairn | grep -q "install ok installed" ||
  { cat "$tmp/dpkg.log" >&2; die "cairn is not installed after dpkg -i"; }
version=$(dpkg-query -W -f='${Version}' cairn)
say "installed cairn $version"

# --- its files --------------------------------------------------------
menu=/usr/share/applications/org.cairnbackup.cairn.desktop
autostart=/etc/xdg/autostart/org.cairnbackup.cairn.desktop
want=(/usr/bin/cairn /usr/bin/cairn-desktop "$menu" "$autostart")
for s in 16 22 24 32 48 64 128 256 512; do
  want+=("/usr/share/icons/hicolor/${s}x${s}/apps/org.cairnbackup.cairn.png")
done
for f in "${want[@]}"; do
  [ -f "$f" ] || die "$f is missing"
  dpkg -S "$f" >/dev/null 2>&1 || die "$f does not belong to the package"
done
for f in /usr/bin/cairn /usr/bin/cairn-desktop; do
  [ -x "$f" ] || die "$f is not executable"
done
grep -qx 'Exec=cairn-desktop' "$menu" || die "$menu does not run cairn-desktop"
grep -qx 'Exec=cairn-desktop --hidden' "$autostart" || die "$autostart does not run cairn-desktop --hidden"
grep -qx 'Categories=Utility;Archiving;' "$menu" || die "$menu has other categories"
desktop-file-validate "$menu" "$autostart" || die "the desktop entries are not valid"
for f in /usr/bin/cairn /usr/bin/cairn-desktop; do
  said=$(LANG=en_US.UTF-8 "$f" version)
  [[ $said == "cairn ${version%-*} "* ]] || die "$f says '$said', the package is $version"
  missing=$(ldd "$f" | grep 'not found' || true)
  [ -z "$missing" ] || die "libraries the package does not bring for $f: $missing"
done
# The command line runs where there is no screen (ssh, a server): no GL, no X11.
! ldd /usr/bin/cairn | grep -qE 'libGL|libX11' || die "/usr/bin/cairn links a GUI library: $(ldd /usr/bin/cairn | grep -E 'libGL|libX11')"
dpkg -L cairn >"$tmp/files"
say "files in place: ${#want[@]} checked, $(wc -l <"$tmp/files") paths in the package"

# --- run the installed app ---------------------------------------------
mkdir -p "$tmp/home"
say "starting /usr/bin/cairn on a virtual screen"
env HOME="$tmp/home" CAIRN_HOME="$tmp/cairn" XDG_CONFIG_HOME= LANG=en_US.UTF-8 \
  CAIRN_PRESET="$tmp/no-preset.json" CAIRN_TOOLS="$tools" CAIRN_TEST_DEADLINE="$deadline" \
  dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
  bash "$here/test-deb.sh" --inside "$shot" "$tmp/cairn.log" || die "running the installed cairn"
own=$(ls "$tmp/home/.config/autostart/" 2>/dev/null || true)
if [ -n "$own" ] && [ "$own" != "$(basename "$autostart")" ]; then
  say "WARNING: the app wrote its own autostart entry as $own, the package's is $(basename "$autostart"):" \
    "at login both start Cairn (app/autostart should use the package's name)"
fi

# --- remove -------------------------------------------------------------
say "removing the package"
dpkg_run -r cairn >"$tmp/dpkg-r.log" 2>&1 || { cat "$tmp/dpkg-r.log" >&2; die "dpkg -r cairn"; }
installed=""
# No conffile and no postrm: dpkg forgets the package at once (with
# either it would keep it as config-files until dpkg -P).
! dpkg -L cairn >/dev/null 2>&1 || die "dpkg still knows the package after dpkg -r: $(dpkg -L cairn 2>&1)"
status=$(dpkg-query -W -f='${db:Status-Status}' cairn 2>/dev/null || echo not-installed)
[ "$status" = not-installed ] || die "after dpkg -r the package is '$status' (a conffile or postrm left?)"
left=()
while read -r f; do
  [ -d "$f" ] && continue # folders other packages share stay
  [ -e "$f" ] || [ -L "$f" ] || continue
  left+=("$f")
done <"$tmp/files"
[ ${#left[@]} -eq 0 ] || die "left after dpkg -r: ${left[*]}"
for f in "${want[@]}"; do [ ! -e "$f" ] || die "$f is still there"; done
say "PASS: installed, started, stopped and removed cairn $version; screenshot: $shot"
