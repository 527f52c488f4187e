#!/usr/bin/env bash
# build.sh VERSION OUTDIR [CERT.pfx]: the Windows setup, cross-built on Debian.
#
# Writes, all 64-bit with Cairn's icon and version information:
#   OUTDIR/cairn-desktop.exe  the desktop app (GUI subsystem: no console window)
#   OUTDIR/cairn.exe          the command line (-tags cli, console subsystem:
#                             it prints where it is typed and asks for
#                             passwords there; without a command it starts
#                             cairn-desktop.exe)
#   OUTDIR/cairn-vss.exe      the open-file helper, a Windows service the
#                             setup installs for everyone only (app/cairn-vss:
#                             Volume Shadow Copies for files in use)
#   OUTDIR/Cairn-Setup-VERSION.exe  the NSIS setup made from cairn.nsi
# With CERT.pfx all four, and the uninstaller inside the setup, are signed
# with osslsigncode: the certificate's password is read from
# $CAIRN_SIGN_PASSWORD (empty when unset), the signature is time-stamped by
# $CAIRN_SIGN_TIMESTAMP_URL (default http://timestamp.digicert.com; set it
# empty to sign without a time stamp, e.g. offline).
#
# Installs what is missing (mingw-w64, NSIS, osslsigncode with apt; go-winres
# into .cache/tools). The first build takes about 6 minutes on 2 cores (GLFW
# and go-gl in C); the Go build cache is kept, so later builds take seconds.
set -euo pipefail

usage() { echo "usage: $0 VERSION OUTDIR [CERT.pfx]" >&2; exit 2; }
[[ $# -eq 2 || $# -eq 3 ]] || usage
version=$1
outdir=$2
cert=${3:-}
# The version goes into a file name, a linker flag and the setup script.
[[ $version =~ ^[0-9A-Za-z][0-9A-Za-z.+~_-]*$ ]] || { echo "build.sh: VERSION must be like 1.2.3 or 1.2.3-rc1, not '$version'" >&2; exit 2; }
if [[ -n $cert && ! -r $cert ]]; then echo "build.sh: cannot read the certificate $cert" >&2; exit 2; fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
[[ -z $cert ]] || cert=$(cd "$(dirname "$cert")" && pwd)/$(basename "$cert")
work=$root/.cache/windows
tools=$root/.cache/tools
mkdir -p "$work" "$tools"

# go-winres: the icon, version information and manifest as a .syso object.
winres_version=v0.3.3

start=$SECONDS
step() { printf '==> [%3ds] %s\n' $((SECONDS - start)) "$*"; }

# numeric is VERSION's leading numbers as the four parts Windows wants
# (0.1.0-rc1 → 0.1.0.0); a version without them gets 0.0.0.0.
numeric_version() {
	local n
	n=$(sed -E 's/^v//; s/^([0-9]+(\.[0-9]+){0,3}).*/\1/; t; s/.*/0/' <<<"$1")
	while [[ $(tr -cd . <<<"$n" | wc -c) -lt 3 ]]; do n=$n.0; done
	echo "$n"
}

install_missing() {
	local -a pkgs=()
	command -v x86_64-w64-mingw32-gcc >/dev/null || pkgs+=(gcc-mingw-w64-x86-64)
	command -v makensis >/dev/null || pkgs+=(nsis)
	[[ -z $cert ]] || command -v osslsigncode >/dev/null || pkgs+=(osslsigncode)
	if [[ ${#pkgs[@]} -gt 0 ]]; then
		step "installing ${pkgs[*]} with apt-get"
		local sudo=
		[[ $(id -u) -eq 0 ]] || sudo=sudo
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${pkgs[@]}" >/dev/null
	fi
	if ! "$tools/go-winres" help >/dev/null 2>&1 || [[ $(go version -m "$tools/go-winres" | awk '$1 == "mod" {print $3}') != "$winres_version" ]]; then
		step "installing go-winres $winres_version into .cache/tools"
		GOBIN=$tools go install "github.com/tc-hib/go-winres@$winres_version"
	fi
}

# resources NUMERIC NAME DESCRIPTION writes $work/NAME/rsrc_windows_amd64.syso:
# the icon (assets/icon.png, resized by go-winres to 256…16 px), the version
# information and a manifest (common controls v6, per-monitor DPI awareness).
resources() {
	local numeric=$1 name=$2 description=$3 year dir=$work/$2
	year=$(date +%Y)
	mkdir -p "$dir"
	cp "$root/assets/icon.png" "$dir/icon.png" # go-winres reads paths relative to winres.json
	cat >"$dir/winres.json" <<-EOF
		{
		  "RT_GROUP_ICON": {"APP": {"0000": "icon.png"}},
		  "RT_MANIFEST": {"#1": {"0409": {
		    "identity": {"name": "org.cairnbackup.cairn", "version": "$numeric"},
		    "description": "Cairn backup", "minimum-os": "win10",
		    "execution-level": "as invoker", "dpi-awareness": "per monitor v2",
		    "use-common-controls-v6": true}}},
		  "RT_VERSION": {"#1": {"0000": {
		    "fixed": {"file_version": "$numeric", "product_version": "$numeric"},
		    "info": {"0409": {
		      "CompanyName": "The Cairn authors",
		      "FileDescription": "$description",
		      "FileVersion": "$version",
		      "InternalName": "$name",
		      "LegalCopyright": "© $year The Cairn authors",
		      "OriginalFilename": "$name.exe",
		      "ProductName": "Cairn",
		      "ProductVersion": "$version"}}}}}
		}
	EOF
	(cd "$dir" && "$tools/go-winres" make --in winres.json --arch amd64 --out rsrc)
}

# build NAME TAGS LDFLAGS [PACKAGE] cross-compiles $work/NAME.exe from
# PACKAGE (default ./app/cairn). The .syso is handed to the external linker
# (mingw's gcc: cgo packages outside the standard library make Go link
# externally) instead of being put into app/cairn, so the source tree is
# never touched. check.sh verifies the resources made it in. cairn-desktop
# and cairn use cgo (libzstd, as on Linux); cairn-vss does not, so it asks
# for the external linker (-linkmode=external) to get its resources too.
build() {
	local name=$1 tags=$2 ldflags=$3 pkg=${4:-./app/cairn} log=$work/go-build-$1.log ticker rc=0
	step "building $name.exe (about 6 minutes the first time on 2 cores, seconds after)"
	(
		while sleep 30; do
			printf '    … %ds, %d packages compiled so far\n' $((SECONDS - start)) "$(grep -vc '^#' "$log" 2>/dev/null || echo 0)"
		done
	) &
	ticker=$!
	(cd "$root" && CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
		go build -v -trimpath -tags "$tags" -o "$work/$name.exe" \
		-ldflags="-s -w $ldflags -X main.version=$version -extldflags=$work/$name/rsrc_windows_amd64.syso" \
		"$pkg") >"$log" 2>&1 || rc=$?
	kill "$ticker" 2>/dev/null || true
	wait "$ticker" 2>/dev/null || true
	if [[ $rc -ne 0 ]]; then
		cat "$log" >&2
		echo "build.sh: go build failed" >&2
		exit 1
	fi
}

# sign signs $1 in place with $cert, when there is one (sign.sh).
sign() {
	[[ -z $cert ]] || "$here/sign.sh" "$cert" "$1"
}

main() {
	local numeric setup exe
	numeric=$(numeric_version "$version")
	setup=$outdir/Cairn-Setup-$version.exe
	install_missing
	step "resources: icon, version $version ($numeric), manifest"
	resources "$numeric" cairn-desktop "Cairn backup"
	resources "$numeric" cairn "Cairn backup, command line"
	resources "$numeric" cairn-vss "Cairn open-file helper (service)"
	build cairn-desktop "" "-H=windowsgui"
	build cairn cli ""
	build cairn-vss "" "-linkmode=external" ./app/cairn-vss
	if [[ -n $cert ]]; then
		step "signing cairn-desktop.exe, cairn.exe and cairn-vss.exe with $(basename "$cert")"
	else
		step "no certificate given: the programs and the setup are NOT signed (Windows SmartScreen will warn)"
	fi
	# Copies are signed: go build leaves an .exe it finds up to date.
	for exe in cairn-desktop cairn cairn-vss; do
		cp "$work/$exe.exe" "$outdir/$exe.exe"
		sign "$outdir/$exe.exe"
	done
	# The setup's icon: the one go-winres put into the programs.
	rm -rf "$work/extract"
	"$tools/go-winres" extract --dir "$work/extract" "$work/cairn-desktop.exe" >/dev/null
	cp "$work/extract/APP_0000.ico" "$work/cairn.ico"
	step "making $(basename "$setup") with makensis"
	local -a defs=(-DVERSION="$version" -DNUMERIC_VERSION="$numeric" -DDESKTOP="$outdir/cairn-desktop.exe"
		-DCLI="$outdir/cairn.exe" -DVSS="$outdir/cairn-vss.exe" -DICON="$work/cairn.ico" -DOUTFILE="$setup")
	# The uninstaller is written while makensis runs: sign.sh signs it then.
	[[ -z $cert ]] || defs+=(-DSIGN="\"$here/sign.sh\" \"$cert\"")
	makensis -V2 -INPUTCHARSET UTF8 "${defs[@]}" "$here/cairn.nsi"
	sign "$setup"
	step "done in $((SECONDS - start)) s"
	ls -l "$outdir/cairn-desktop.exe" "$outdir/cairn.exe" "$outdir/cairn-vss.exe" "$setup"
}

main
