#!/usr/bin/env bash
# Builds Cairn's desktop app for Linux and packages it:
#   OUTDIR/cairn_<version>-1_<arch>.deb    (nfpm)
#   OUTDIR/cairn-<version>-1.<arch>.rpm    (nfpm)
#   OUTDIR/cairn_<version>_linux_<arch>.tar.xz  (fyne package: a Makefile, the programs, the menu entry, the icon)
# The packages install two programs, as `make build` makes them:
# /usr/bin/cairn-desktop, the desktop app (Fyne, cgo), and /usr/bin/cairn,
# the command line (-tags cli: no GUI toolkit, so a command in a terminal
# or over ssh loads no GL or X11; without a command it starts
# cairn-desktop). The menu entry
# /usr/share/applications/org.cairnbackup.cairn.desktop, the icon in every
# size in /usr/share/icons/hicolor, and the system-wide autostart entry
# /etc/xdg/autostart/org.cairnbackup.cairn.desktop (`cairn-desktop --hidden`
# at every person's login; in XDG a person's own entry of the same file name
# takes its place, so app/autostart must write that name) run the app.
#
# Usage: installers/linux/build.sh VERSION OUTDIR
# Installs what is missing: nfpm and the fyne tool into .cache/tools (go
# install), ImageMagick (apt) for the icon sizes. The binary is built with
# cgo (Fyne) into OUTDIR/.build, stamped with VERSION; Go's build cache
# makes that quick after the first build (about 3 minutes cold).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 VERSION OUTDIR" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/installers/linux
# shellcheck source=tools.sh
source "$here/tools.sh"

version=$(package_version "$1")
mkdir -p "$2"
out=$(cd "$2" && pwd)
arch=$(goarch)
stage=$out/.build/linux
rm -rf "$stage"
mkdir -p "$stage"

NFPM_VERSION=v2.45.2 # newer ones do not install from our mirror
FYNE_VERSION=v1.7.4
go_tool nfpm github.com/goreleaser/nfpm/v2/cmd/nfpm@$NFPM_VERSION
go_tool fyne fyne.io/tools/cmd/fyne@$FYNE_VERSION
[ -x /usr/bin/convert ] || command -v magick >/dev/null || apt_need imagemagick
convert=convert
command -v magick >/dev/null && convert=magick

say "building cairn-desktop and cairn $version for linux/$arch"
(cd "$root" && CGO_ENABLED=1 go build -ldflags "-s -w -X main.version=$version" -o "$stage/cairn-desktop" ./app/cairn) ||
  die "go build ./app/cairn"
(cd "$root" && CGO_ENABLED=1 go build -tags cli -ldflags "-s -w -X main.version=$version" -o "$stage/cairn" ./app/cairn) ||
  die "go build -tags cli ./app/cairn"

# The icon in the sizes desktops look for; the largest is the source's.
src_icon=$root/assets/icon.png
sizes=(16 22 24 32 48 64 128 256 512)
icon_contents=""
for s in "${sizes[@]}"; do
  mkdir -p "$stage/icons/$s"
  $convert "$src_icon" -resize "${s}x${s}" -strip -define png:exclude-chunks=date,time \
    "$stage/icons/$s/org.cairnbackup.cairn.png" || die "convert the icon to ${s}x${s}"
  icon_contents+="
  - src: $stage/icons/$s/org.cairnbackup.cairn.png
    dst: /usr/share/icons/hicolor/${s}x${s}/apps/org.cairnbackup.cairn.png
    file_info: {mode: 0644}"
done

# Run-time libraries: what the binary links (ldd), and what GLFW opens
# when it can (cursors, screens, input; without them Cairn still runs).
# The command line needs the C library alone.
glibc=$(objdump -T "$stage/cairn-desktop" "$stage/cairn" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
needed=$(objdump -p "$stage/cairn-desktop" | awk '/NEEDED/ {print $2}' | sort | tr '\n' ' ')
[ "$needed" = "libGL.so.1 libX11.so.6 libc.so.6 libm.so.6 " ] ||
  die "cairn-desktop links $needed: update the dependencies in $here/build.sh"
needed=$(objdump -p "$stage/cairn" | awk '/NEEDED/ {print $2}' | sort | tr '\n' ' ')
[ "$needed" = "libc.so.6 " ] ||
  die "cairn (the command line) links $needed: it should need only the C library; update $here/build.sh if that changed on purpose"

cat >"$stage/nfpm.yaml" <<EOF
name: cairn
arch: $arch
platform: linux
version: "$version"
version_schema: none
release: "1"
section: utils
priority: optional
maintainer: ${CAIRN_MAINTAINER:-Cairn maintainers <cairn@cairnbackup.org>}
vendor: Cairn
homepage: https://github.com/cairnbackup/cairn
description: |-
  Continuous, encrypted backup of your files
  Cairn backs up a computer continuously and encrypted end to end, to an
  external drive or to the organisation's Cairn server, and brings back any
  version of any file. It lives in the system tray and starts at login.
depends:
  - libc6 (>= $glibc)
  - libgl1
  - libx11-6
recommends:
  - libxcursor1
  - libxrandr2
  - libxinerama1
  - libxi6
  - libxxf86vm1
suggests:
  - gnome-keyring
overrides:
  rpm:
    depends:
      - libGL.so.1()(64bit)
      - libX11.so.6()(64bit)
    recommends:
      - libXcursor.so.1()(64bit)
      - libXrandr.so.2()(64bit)
      - libXinerama.so.1()(64bit)
      - libXi.so.6()(64bit)
      - libXxf86vm.so.1()(64bit)
    suggests: []
    scripts: # dpkg's triggers refresh the menus after a removal; a postrm
      # would keep the package known to dpkg (config-files) until a purge
      postremove: $here/postrm.sh
contents:
  - src: $stage/cairn-desktop
    dst: /usr/bin/cairn-desktop
    file_info: {mode: 0755}
  - src: $stage/cairn
    dst: /usr/bin/cairn
    file_info: {mode: 0755}
  - src: $here/org.cairnbackup.cairn.desktop
    dst: /usr/share/applications/org.cairnbackup.cairn.desktop
    file_info: {mode: 0644}
  - src: $here/autostart.desktop
    dst: /etc/xdg/autostart/org.cairnbackup.cairn.desktop
    file_info: {mode: 0644}$icon_contents
scripts:
  postinstall: $here/postinst.sh
EOF

# add_cli_to_tarball TARBALL: puts $stage/cairn beside the app's binary in
# fyne's tarball, and makes its Makefile install and remove it too (each
# line that handles $(Exec) gets a twin for cairn). fyne names the top
# folder after the program; it stays cairn/, as before there were two.
add_cli_to_tarball() {
  local t=$stage/tarball top
  rm -rf "$t" && mkdir -p "$t"
  tar -xJf "$1" -C "$t" || die "unpack $1"
  top=$t/cairn-desktop
  [ -f "$top/Makefile" ] && [ -x "$top/usr/local/bin/cairn-desktop" ] ||
    die "fyne's tarball has no cairn-desktop/Makefile and cairn-desktop/usr/local/bin/cairn-desktop: update add_cli_to_tarball"
  install -m 0755 "$stage/cairn" "$top/usr/local/bin/cairn"
  grep -q 'bin/$(Exec)' "$top/Makefile" || die "fyne's Makefile no longer installs bin/\$(Exec): update add_cli_to_tarball"
  # sed: after a line naming bin/$(Exec) (install or rm, never the sed line
  # that rewrites Exec= in the menu entry), print it again for cairn.
  sed -i '/^\t.*bin\/$(Exec)/{/sed -i/!{p;s/bin\/$(Exec)/bin\/cairn/g}}' "$top/Makefile"
  grep -q 'bin/cairn ' "$top/Makefile" || die "add_cli_to_tarball: the Makefile did not take the command line"
  mv "$top" "$t/cairn"
  (cd "$t" && tar -cJf "$1" --owner=0 --group=0 --sort=name cairn) || die "repack $1"
}

for packager in deb rpm; do
  say "packaging the .$packager"
  nfpm package --config "$stage/nfpm.yaml" --packager "$packager" --target "$out/" >"$stage/nfpm-$packager.log" 2>&1 ||
    { cat "$stage/nfpm-$packager.log" >&2; die "nfpm $packager"; }
done

# Fyne's tarball reads FyneApp.toml at the repository's root; it packages
# the app built above rather than building its own. The command line is
# then added beside it, with lines in the tarball's Makefile that install
# and remove it with the app.
say "packaging the tarball (fyne package)"
# fyne package counts builds in FyneApp.toml's Build: keep the tracked file
# as it was, so a build leaves the working tree clean.
cp "$root/FyneApp.toml" "$stage/FyneApp.toml.orig"
rc=0
(cd "$stage" && fyne package -os linux -release --src "$root" --exe "$stage/cairn-desktop" >"$stage/fyne.log" 2>&1) || rc=$?
cp "$stage/FyneApp.toml.orig" "$root/FyneApp.toml"
[ $rc -eq 0 ] || { cat "$stage/fyne.log" >&2; die "fyne package"; }
add_cli_to_tarball "$stage/Cairn.tar.xz"
mv "$stage/Cairn.tar.xz" "$out/cairn_${version}_linux_${arch}.tar.xz"

deb=$out/cairn_${version}-1_${arch}.deb
[ -f "$deb" ] || die "no $deb"
say "done:"
ls -l "$deb" "$out"/cairn-"$version"-*.rpm "$out/cairn_${version}_linux_${arch}.tar.xz"
