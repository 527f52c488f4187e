#!/usr/bin/env bash
# build-dmg.sh VERSION OUTDIR: Cairn.app and Cairn-VERSION.dmg on a Mac.
#
# What .github/workflows/macos.yml runs; on a Mac with Xcode's command line
# tools and Go (the version in go.mod) it runs by hand the same way:
#
#   bash installers/macos/build-dmg.sh 0.1.0 dist
#
# 1. builds cairn with cgo for arm64 and x86_64 (macOS 11 or later) and
#    joins them with lipo: one universal program;
# 2. fyne package -os darwin -release (FyneApp.toml at the repository's root
#    gives the name, the ID org.cairnbackup.cairn and the icon) → Cairn.app,
#    and adds LSUIElement to its Info.plist (fyne package takes no plist of
#    our own): Cairn lives in the menu bar, with no Dock icon;
# 3. signs it: with $MACOS_SIGN_IDENTITY ("Developer ID Application: … (TEAMID)",
#    in the keychain) and the hardened runtime, else ad hoc (runs on this Mac;
#    elsewhere Gatekeeper refuses it until the person allows it);
# 4. when $APPLE_ID, $APPLE_TEAM_ID and $APPLE_APP_PASSWORD (an app-specific
#    password) are set and it is signed: notarizes Cairn.app and staples its
#    ticket to it, so the app copied out of the dmg (or deployed alone by an
#    MDM) opens offline without Gatekeeper asking Apple;
# 5. Cairn-VERSION.dmg with hdiutil: Cairn.app and a link to /Applications;
#    signs, notarizes and staples the dmg as well (same conditions).
#
# Start at login is the app's: app/autostart writes
# ~/Library/LaunchAgents/org.cairnbackup.cairn.plist (go-autostart), running
# Cairn.app/Contents/MacOS/cairn --hidden from where Cairn runs: the app must
# be started from /Applications, not from the dmg. For copies an MDM
# installs, org.cairnbackup.cairn.plist beside this script is a LaunchAgent
# for /Library/LaunchAgents (installers/README.md).
set -euo pipefail

usage() { echo "usage: $0 VERSION OUTDIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
version=$1
[[ $version =~ ^[0-9A-Za-z][0-9A-Za-z.+~_-]*$ ]] || { echo "build-dmg.sh: VERSION must be like 1.2.3, not '$version'" >&2; exit 2; }
[[ $(uname -s) == Darwin ]] || { echo "build-dmg.sh: this runs on macOS only (there is no macOS SDK on Linux)" >&2; exit 1; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$2"
outdir=$(cd "$2" && pwd)
stage=$root/.cache/macos
rm -rf "$stage"
mkdir -p "$stage"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export MACOSX_DEPLOYMENT_TARGET=11.0
fyne_version=v1.7.4
# CFBundleShortVersionString wants numbers: 0.1.0-rc1 → 0.1.0.
numeric=$(sed -E 's/^v//; s/^([0-9]+(\.[0-9]+){0,2}).*/\1/; t; s/.*/0.0.0/' <<<"$version")

start=$SECONDS
step() { printf '==> [%3ds] %s\n' $((SECONDS - start)) "$*"; }

gobin=$(go env GOPATH)/bin
export PATH="$gobin:$PATH"
if [[ $(go version -m "$gobin/fyne" 2>/dev/null | awk '$1 == "mod" {print $3}') != "$fyne_version" ]]; then
	step "installing the fyne tool $fyne_version"
	go install "fyne.io/tools/cmd/fyne@$fyne_version"
fi

for arch in arm64 amd64; do
	clang_arch=$arch
	[[ $arch == amd64 ]] && clang_arch=x86_64
	step "building cairn for $clang_arch (a few minutes the first time)"
	(cd "$root" && CGO_ENABLED=1 GOOS=darwin GOARCH=$arch \
		CGO_CFLAGS="-arch $clang_arch -mmacosx-version-min=$MACOSX_DEPLOYMENT_TARGET" \
		CGO_LDFLAGS="-arch $clang_arch -mmacosx-version-min=$MACOSX_DEPLOYMENT_TARGET" \
		go build -trimpath -ldflags="-s -w -X main.version=$version" -o "$stage/cairn-$arch" ./app/cairn)
done
lipo -create -output "$stage/cairn" "$stage/cairn-arm64" "$stage/cairn-amd64"
step "universal: $(lipo -archs "$stage/cairn")"

step "Cairn.app (fyne package)"
(cd "$stage" && fyne package -os darwin -release --src "$root" --exe "$stage/cairn" \
	--app-version "$numeric" >"$stage/fyne.log" 2>&1) || { cat "$stage/fyne.log" >&2; exit 1; }
app=$stage/Cairn.app
[[ -x $app/Contents/MacOS/cairn ]] || { echo "build-dmg.sh: fyne package made no $app/Contents/MacOS/cairn" >&2; exit 1; }
"$app/Contents/MacOS/cairn" version
# No Dock icon: Cairn is a menu-bar app whose window comes and goes. Before
# signing, which seals Info.plist.
plutil -replace LSUIElement -bool YES "$app/Contents/Info.plist"
[[ $(plutil -extract LSUIElement raw -o - "$app/Contents/Info.plist") == true ]] ||
	{ echo "build-dmg.sh: LSUIElement did not make it into Info.plist" >&2; exit 1; }
plutil -lint "$app/Contents/Info.plist"

identity=${MACOS_SIGN_IDENTITY:-}
if [[ -n $identity ]]; then
	step "signing with $identity (hardened runtime)"
	codesign --force --deep --options runtime --timestamp --sign "$identity" "$app"
else
	step "no MACOS_SIGN_IDENTITY: signing ad hoc (not for distribution; Gatekeeper will refuse it on other Macs)"
	codesign --force --deep --sign - "$app"
fi
codesign --verify --deep --strict --verbose=2 "$app"

notarize=
if [[ -n $identity && -n ${APPLE_ID:-} && -n ${APPLE_TEAM_ID:-} && -n ${APPLE_APP_PASSWORD:-} ]]; then
	notarize=1
fi

# notarize FILE: submits FILE (a .zip or .dmg) to Apple's notary service and
# waits; fails with the service's log unless it was accepted.
notarize() {
	local json status id
	json=$stage/notary-$(basename "$1").json
	xcrun notarytool submit "$1" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
		--password "$APPLE_APP_PASSWORD" --wait --output-format json >"$json"
	status=$(plutil -extract status raw -o - "$json")
	if [[ $status != Accepted ]]; then
		id=$(plutil -extract id raw -o - "$json")
		xcrun notarytool log "$id" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD" >&2 || true
		echo "build-dmg.sh: notarization of $(basename "$1"): $status" >&2
		exit 1
	fi
}

if [[ -n $notarize ]]; then
	# The notary service takes a zip, not a folder; the ticket is then
	# stapled to the app itself, before the dmg is made from it.
	step "notarizing Cairn.app (xcrun notarytool, usually a few minutes)"
	ditto -c -k --keepParent "$app" "$stage/Cairn.zip"
	notarize "$stage/Cairn.zip"
	xcrun stapler staple "$app"
	xcrun stapler validate "$app"
	spctl --assess --type execute --verbose=2 "$app"
fi

dmg=$outdir/Cairn-$version.dmg
step "$(basename "$dmg") (hdiutil)"
mkdir -p "$stage/dmg"
cp -R "$app" "$stage/dmg/"
ln -s /Applications "$stage/dmg/Applications"
rm -f "$dmg"
hdiutil create -volname Cairn -srcfolder "$stage/dmg" -fs HFS+ -format UDZO -ov "$dmg" >/dev/null
[[ -z $identity ]] || codesign --force --timestamp --sign "$identity" "$dmg"

if [[ -n $notarize ]]; then
	step "notarizing $(basename "$dmg") (xcrun notarytool, usually a few minutes)"
	notarize "$dmg"
	xcrun stapler staple "$dmg"
	spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
else
	step "not notarized (needs MACOS_SIGN_IDENTITY, APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD)"
fi

step "done in $((SECONDS - start)) s"
ls -l "$dmg"
