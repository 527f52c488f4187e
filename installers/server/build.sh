#!/usr/bin/env bash
# Builds Cairn's server for Linux and packages it:
#   OUTDIR/cairn-server_<version>-1_<arch>.deb   (nfpm)
#   OUTDIR/cairn-server_<version>_linux_<arch>   (the static binary alone)
# The .deb installs /usr/bin/cairn-server, the systemd unit
# cairn-server.service, its options in /etc/default/cairn-server (a
# conffile), and makes the system user cairn and /var/lib/cairn-server. It
# does not start the service: see installers/README.md.
#
# Usage: installers/server/build.sh VERSION OUTDIR
# Installs nfpm into .cache/tools when it is missing (go install).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 VERSION OUTDIR" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/installers/server
# shellcheck source=../linux/tools.sh
source "$root/installers/linux/tools.sh"

version=$(package_version "$1")
mkdir -p "$2"
out=$(cd "$2" && pwd)
arch=$(goarch)
stage=$out/.build/server
rm -rf "$stage"
mkdir -p "$stage"

go_tool nfpm github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2 # newer ones do not install from our mirror

say "building cairn-server $version for linux/$arch (no cgo)"
(cd "$root" && CGO_ENABLED=0 go build -ldflags "-s -w -X main.version=$version" -o "$stage/cairn-server" ./app/cairn-server) ||
  die "go build ./app/cairn-server"
# It must run on any Linux: no dynamic section, no interpreter.
file "$stage/cairn-server" | grep -q 'statically linked' || die "not static: $(file "$stage/cairn-server")"
! objdump -p "$stage/cairn-server" | grep -q NEEDED || die "the server links shared libraries"
usage=$("$stage/cairn-server" 2>&1 || true)
[[ $usage == *"cairn-server serve --data DIR"* ]] || die "the binary does not run: $usage"
cp "$stage/cairn-server" "$out/cairn-server_${version}_linux_${arch}"

cat >"$stage/nfpm.yaml" <<YAML
name: cairn-server
arch: $arch
platform: linux
version: "$version"
version_schema: none
release: "1"
section: net
priority: optional
maintainer: ${CAIRN_MAINTAINER:-Cairn maintainers <cairn@cairnbackup.org>}
vendor: Cairn
homepage: https://github.com/cairnbackup/cairn
description: |-
  Cairn's backup server for an organisation
  Keeps the encrypted backups of the computers running Cairn: accounts,
  devices, quotas, TLS, and a history a device cannot destroy. It stores only
  ciphertext. Installed as the systemd service cairn-server, not started
  until configured (/etc/default/cairn-server).
depends:
  - passwd # useradd, groupadd
contents:
  - src: $stage/cairn-server
    dst: /usr/bin/cairn-server
    file_info: {mode: 0755}
  - src: $here/cairn-server.service
    dst: /lib/systemd/system/cairn-server.service
    file_info: {mode: 0644}
  - src: $here/cairn-server.default
    dst: /etc/default/cairn-server
    type: config|noreplace
    file_info: {mode: 0644}
scripts:
  postinstall: $here/postinst.sh
  preremove: $here/prerm.sh
  postremove: $here/postrm.sh
YAML

say "packaging the .deb"
nfpm package --config "$stage/nfpm.yaml" --packager deb --target "$out/" >"$stage/nfpm.log" 2>&1 ||
  { cat "$stage/nfpm.log" >&2; die "nfpm deb"; }
deb=$out/cairn-server_${version}-1_${arch}.deb
[ -f "$deb" ] || die "no $deb"
say "done:"
ls -l "$deb" "$out/cairn-server_${version}_linux_${arch}"
