#!/usr/bin/env bash
# check.sh OUTDIR: checks what build.sh made, as far as Linux can.
#
# cairn-desktop.exe and cairn.exe are Go 1.26 programs, which Wine 8 cannot
# run, so they are checked as files: 64-bit PEs (the app a GUI program, the
# command line a console one) with Cairn's icon, version information and
# manifest. The setup is an NSIS program, which Wine runs: it is installed
# and uninstalled silently in a throwaway Wine prefix, for one person and for
# everyone, and what it leaves (files, shortcuts, registry, preset.json) is
# checked; the preset's JSON is checked on tricky command lines through
# test/preset-test.nsi, which runs preset.nsh's code the way the setup does.
# What only Windows can show is listed at the end.
#
# Installs what is missing: p7zip-full, and wine + wine64 (without
# recommends, no 32-bit libraries). CAIRN_CHECK_NO_WINE=1 skips the Wine
# part.
# Single quotes hold NSIS and Windows text, $ and \ as they are:
# shellcheck disable=SC2016,SC1003
set -uo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
outdir=$(cd "$1" && pwd) || exit 2
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
tools=$root/.cache/tools
winres_version=v0.3.3

passed=0
failed=0
ok() { printf '  ok    %s\n' "$*"; passed=$((passed + 1)); }
bad() { printf '  FAIL  %s\n' "$*"; failed=$((failed + 1)); }
note() { printf '  note  %s\n' "$*"; }
# expect DESCRIPTION COMMAND...: ok when COMMAND succeeds.
expect() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi
}
section() { printf '\n%s\n' "$*"; }

exe=$outdir/cairn-desktop.exe
cli=$outdir/cairn.exe
mapfile -t setups < <(ls -t "$outdir"/Cairn-Setup-*.exe 2>/dev/null)
if [[ ! -f $exe || ! -f $cli || ${#setups[@]} -eq 0 ]]; then
	echo "check.sh: no cairn-desktop.exe, cairn.exe or Cairn-Setup-*.exe in $outdir: run build.sh first" >&2
	exit 1
fi
setup=${setups[0]}
version=$(basename "$setup" .exe)
version=${version#Cairn-Setup-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

install_missing() {
	local -a pkgs=()
	command -v 7z >/dev/null || pkgs+=(p7zip-full)
	[[ -n ${CAIRN_CHECK_NO_WINE:-} ]] || command -v wine >/dev/null || pkgs+=(wine wine64)
	if [[ ${#pkgs[@]} -gt 0 ]]; then
		echo "installing ${pkgs[*]} with apt-get"
		local sudo=
		[[ $(id -u) -eq 0 ]] || sudo=sudo
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
	fi
	[[ -x $tools/go-winres ]] || GOBIN=$tools go install "github.com/tc-hib/go-winres@$winres_version"
}

# resource FILE KEY: a string from FILE's version information (go-winres
# extract writes it as JSON).
resource() {
	local dir
	dir=$work/res-$(basename "$1")
	[[ -d $dir ]] || "$tools/go-winres" extract --dir "$dir" "$1" >/dev/null 2>&1
	python3 - "$dir/winres.json" "$2" <<-'EOF'
		import json, sys
		res = json.load(open(sys.argv[1]))
		key = sys.argv[2]
		if key == "icon":
		    print(" ".join(sorted(res.get("RT_GROUP_ICON", {}))))
		elif key == "dpi":
		    for langs in res.get("RT_MANIFEST", {}).values():
		        for m in langs.values():
		            print(m.get("dpi-awareness", ""))
		else:
		    for langs in res.get("RT_VERSION", {}).values():
		        for v in langs.values():
		            for info in v.get("info", {}).values():
		                print(info.get(key, ""))
	EOF
}

# check_exe FILE SUBSYSTEM: a 64-bit program of that subsystem (GUI or
# console) with Cairn's resources.
check_exe() {
	local f=$1 subsystem=$2 kind name
	name=$(basename "$f")
	section "$name ($(du -h "$f" | cut -f1))"
	kind=$(file -b "$f")
	expect "a 64-bit Windows $subsystem program (file: ${kind%%,*})" grep -q "^PE32+ executable ($subsystem) x86-64" <<<"$kind"
	expect "version information: ProductName Cairn" test "$(resource "$f" ProductName)" = Cairn
	expect "version information: ProductVersion $version" test "$(resource "$f" ProductVersion)" = "$version"
	expect "version information: OriginalFilename $name" test "$(resource "$f" OriginalFilename)" = "$name"
	expect "an application icon" test -n "$(resource "$f" icon)"
	expect "a manifest (per-monitor DPI aware)" test "$(resource "$f" dpi)" = "per monitor v2"
	expect "main.version is $version" grep -qaF "$version" "$f"
	signature "$f"
}

# The command line links no GUI toolkit (-tags cli), the app does.
check_cli() {
	expect "cairn.exe links no Fyne (-tags cli)" bash -c "! grep -qaF fyne.io/fyne/v2/internal/driver '$cli'"
	expect "cairn-desktop.exe links Fyne" grep -qaF fyne.io/fyne/v2/internal/driver "$exe"
}

signature() {
	if osslsigncode verify -in "$1" >"$work/sig" 2>&1 || grep -q 'Signer.s certificate' "$work/sig"; then
		note "$(basename "$1") is signed: $(grep -m1 -i 'subject:' "$work/sig" | sed 's/^[[:space:]]*//')"
	else
		note "$(basename "$1") is not signed"
	fi
}

check_setup() {
	section "$(basename "$setup") ($(du -h "$setup" | cut -f1))"
	local kind
	kind=$(file -b "$setup")
	expect "a 64-bit Windows GUI program (file: ${kind%%,*})" grep -q '^PE32+ executable (GUI) x86-64' <<<"$kind"
	7z l "$setup" >"$work/7z.txt" 2>&1
	expect "an NSIS installer (7z: $(grep -m1 '^SubType' "$work/7z.txt"))" grep -q '^Type = Nsis' "$work/7z.txt"
	expect "holds cairn-desktop.exe" grep -qE ' cairn-desktop\.exe$' "$work/7z.txt"
	expect "holds cairn.exe" grep -qE ' cairn\.exe$' "$work/7z.txt"
	expect "holds the uninstaller" grep -qE ' uninstall\.exe$' "$work/7z.txt"
	7z e -y -o"$work/inner" "$setup" cairn-desktop.exe cairn.exe >/dev/null 2>&1
	expect "its cairn-desktop.exe is the one in $(basename "$outdir")/" cmp -s "$work/inner/cairn-desktop.exe" "$exe"
	expect "its cairn.exe is the one in $(basename "$outdir")/" cmp -s "$work/inner/cairn.exe" "$cli"
	expect "version information: ProductVersion $version" test "$(resource "$setup" ProductVersion)" = "$version"
	signature "$setup"
}

# The script's key lines, and that its Startup shortcut is the one
# app/autostart reads and go-autostart writes.
check_script() {
	section "cairn.nsi"
	local nsi=$here/cairn.nsi value
	for value in DisplayName DisplayVersion Publisher DisplayIcon InstallLocation UninstallString \
		QuietUninstallString EstimatedSize; do
		expect "writes $value in Add/Remove Programs' key" grep -qE "WriteReg(Str|DWORD) SHCTX \"\\\$\{UNINSTKEY\}\" \"$value\"" "$nsi"
	done
	expect 'the key is ...\Uninstall\Cairn' grep -qF '!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Cairn"' "$nsi"
	expect "per person by default (RequestExecutionLevel user)" grep -qx 'RequestExecutionLevel user' "$nsi"
	expect "writes the preset (preset.nsh, %ProgramData%\\Cairn)" grep -qF '${CairnWritePreset} "$0\Cairn" $Preset' "$nsi"
	local autostart=$root/app/autostart ours theirs gomod
	ours=$(sed -n 's/^!define STARTUP "\(.*\)"$/\1/p' "$nsi")
	theirs=$(tr -d '\n\t' <"$autostart/nocgo_windows.go" | grep -o 'os.Getenv("USERPROFILE"), [^)]*DisplayName+".lnk"' |
		grep -o '"[^"]*"' | sed -n '2,$p' | grep -vx '"\.lnk"' | tr -d '"' | paste -sd '\\')
	expect "the Startup folder is app/autostart's (%USERPROFILE%\\$ours)" test "$ours" = "$theirs"
	gomod=$(cd "$root" && go list -m -f '{{.Dir}}' github.com/emersion/go-autostart 2>/dev/null)
	if [[ -n $gomod ]]; then
		theirs=$(tr -d '\n\t' <"$gomod/autostart_windows.go" | grep -o 'os.Getenv("USERPROFILE"), [^)]*)' | grep -o '"[^"]*"' |
			sed -n '2,$p' | tr -d '"' | paste -sd '\\')
		expect "... and go-autostart's ($theirs)" test "$ours" = "$theirs"
	fi
	expect 'the shortcut is Cairn.lnk, as app/autostart names it (DisplayName "Cairn")' \
		grep -qF 'const DisplayName = "Cairn"' "$autostart/autostart.go"
	expect "the shortcut starts cairn-desktop.exe --hidden, as app/autostart does (the running app's own path)" grep -qF \
		'CreateShortcut "$0" "$INSTDIR\cairn-desktop.exe" "--hidden"' "$nsi"
	expect "the Start menu entry starts cairn-desktop.exe" grep -qF \
		'CreateShortcut "$SMPROGRAMS\Cairn.lnk" "$INSTDIR\cairn-desktop.exe"' "$nsi"
	expect "both shortcuts get the AppUserModelID" test "$(grep -c '${CairnSetAppID} .* "${APPID}"' "$nsi")" -eq 2
	expect "the AppUserModelID is the app's ID (app/desktop AppID)" test \
		"$(sed -n 's/^!define APPID "\(.*\)"$/\1/p' "$nsi")" = \
		"$(sed -n 's/^const AppID = "\(.*\)"$/\1/p' "$root/app/desktop/desktop.go")"
	# taskkill runs with $1, which is set once, to this person's processes.
	expect "an update closes only the installing person's Cairn (taskkill /FI USERNAME)" \
		grep -qF "StrCpy \$1 '/FI \"USERNAME eq \$1\" /IM cairn-desktop.exe /IM cairn.exe'" "$nsi"
	expect "... and every taskkill uses that filter" test "$(grep -c 'taskkill\.exe' "$nsi")" -eq "$(grep -c 'taskkill\.exe" \(/F \)\?\$1'"'"'$' "$nsi")"
	expect "other people's running Cairn are moved aside in an install for everyone" grep -qF 'Call ${un}MoveAside' "$nsi"
	expect "app/autostart's --hidden" grep -qF 'const HiddenArg = "--hidden"' "$autostart/autostart.go"
}

# ------------------------------------------------------------------ Wine

export WINEDEBUG=-all
wine_init() {
	export WINEPREFIX=$work/wine
	# A new prefix says Windows 7; the setup wants 10.
	wine reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null 2>&1
	wineserver -w
	cdrive=$WINEPREFIX/drive_c
	userdir=$(find "$cdrive/users" -mindepth 1 -maxdepth 1 -type d ! -name Public | head -1)
}

# run LINE: runs a Windows command line through a batch file (so quotes
# reach the program as typed), waits for every Wine process, and returns
# the command's exit code.
run() {
	local -a words
	if [[ $1 != *'"'* ]]; then # no quotes: Wine passes the words as they are, in any script
		read -ra words <<<"$1"
		wine "${words[@]}" >/dev/null 2>&1
		local rc=$?
		wineserver -w
		return $rc
	fi
	printf '@echo off\r\n%s\r\nexit %%ERRORLEVEL%%\r\n' "$1" | iconv -f UTF-8 -t CP437 >"$work/run.bat"
	wine cmd /c "Z:${work//\//\\}\\run.bat" >/dev/null 2>&1
	local rc=$?
	wineserver -w
	return $rc
}

regvalue() { wine reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' | awk -v n="$2" '$1 == n {$1 = ""; $2 = ""; sub(/^  /, ""); print}'; }

# lnk_has FILE TEXT...: the shortcut holds every TEXT (in UTF-16 or ANSI,
# as Windows may store them).
lnk_has() {
	python3 - "$@" <<-'EOF'
		import sys
		b = open(sys.argv[1], "rb").read()
		has = lambda s: s.encode("utf-16-le") in b or s.encode() in b
		sys.exit(not all(has(s) for s in sys.argv[2:]))
	EOF
}

# appid FILE WHAT: the shortcut carries Cairn's AppUserModelID (appid.nsh).
# Wine's shell link does not store it (check_appid tests the calls instead).
appid() {
	if lnk_has "$1" org.cairnbackup.cairn; then
		ok "$2 carries the AppUserModelID org.cairnbackup.cairn"
	else
		note "$2: Wine does not store the AppUserModelID in the .lnk (only Windows can show it)"
	fi
}

json_is() { python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.loads(sys.argv[2]))' "$1" "$2"; }

check_preset_json() {
	section "the preset's JSON (test/preset-test.nsi under Wine)"
	makensis -V1 -INPUTCHARSET UTF8 -DOUTFILE="$work/preset-test.exe" "$here/test/preset-test.nsi" >/dev/null || {
		bad "makensis test/preset-test.nsi"
		return
	}
	local t=0 line want out
	while IFS=$'\t' read -r line want; do
		[[ -n $line && $line != \#* ]] || continue
		t=$((t + 1))
		out=$work/p$t
		run "Z:${work//\//\\}\\preset-test.exe /OUT=Z:${out//\//\\} $line"
		case $want in
		error*) expect "$line → refused" test -s "$out/error.txt" -a ! -e "$out/preset.json" ;;
		none) expect "$line → no preset" test -e "$out/none.txt" ;;
		*) expect "$line → $want" json_is "$out/preset.json" "$want" ;;
		esac
	done <<-'EOF'
		/S /SERVER=https://backup.example.org:8443 /FINGERPRINT=3f:a1:00 /KEY=account /ESCROW=1	{"server": "https://backup.example.org:8443", "fingerprint": "3f:a1:00", "key": "account", "escrow": true}
		/KEY=Password /escrow	{"key": "password", "escrow": true}
		/ESCROW=0 /KEY=custom	{"key": "custom", "escrow": false}
		"/SERVER=https://h/a b" /EXCLUDE="~/My Videos;*.iso;;C:\Temp\x\"	{"server": "https://h/a b", "exclude": ["~/My Videos", "*.iso", "C:\\Temp\\x\\"]}
		/EXCLUDE=Vidéos\**;日本	{"exclude": ["Vidéos\\**", "日本"]}
		/S /D=C:\Program Files\Cairn	none
		/SERVERS=x /KEYS=y	none
		/KEY=secret	error
		/SERVER=	error
		/ESCROW=maybe	error
	EOF
}

check_appid() {
	section "the AppUserModelID (test/appid-test.nsi under Wine)"
	makensis -V1 -INPUTCHARSET UTF8 -DOUTFILE="$work/appid-test.exe" "$here/test/appid-test.nsi" >/dev/null || {
		bad "makensis test/appid-test.nsi"
		return
	}
	run "Z:${work//\//\\}\\appid-test.exe /OUT=Z:${work//\//\\}\\appid"
	expect "appid.nsh's calls (ShellLink, IPersistFile::Load, IPropertyStore::SetValue and Commit, IPersistFile::Save) succeed" \
		test -e "$work/appid/ok.txt" -a ! -e "$work/appid/error.txt"
	expect "... and leave a shortcut" test -s "$work/appid/Cairn.lnk"
}

check_install() {
	section "silent install and uninstall under Wine"
	wine_init
	local setupwin="Z:${setup//\//\\}" me=HKCU mach=HKLM key='Software\Microsoft\Windows\CurrentVersion\Uninstall\Cairn'
	local dir=$userdir/AppData/Local/Programs/Cairn
	local preset=$cdrive/ProgramData/Cairn/preset.json

	run "$setupwin /S /KEY=nope"
	local rc=$?
	if [[ $rc -eq 2 && ! -e $dir ]]; then ok "/KEY=nope: exit code 2, nothing installed"; else bad "/KEY=nope: exit code $rc"; fi

	run "$setupwin /S /SERVER=https://backup.example.org:8443 /FINGERPRINT=3f:a1 /KEY=custom /ESCROW=1"
	rc=$?
	expect "for one person: exit code $rc (want 0)" test $rc -eq 0
	expect "cairn-desktop.exe in %LOCALAPPDATA%\\Programs\\Cairn" cmp -s "$dir/cairn-desktop.exe" "$exe"
	expect "cairn.exe beside it" cmp -s "$dir/cairn.exe" "$cli"
	expect "the uninstaller beside it" test -f "$dir/uninstall.exe"
	local menu="$userdir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Cairn.lnk" startup
	startup=$(find "$userdir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs" -maxdepth 2 -ipath '*/startup/cairn.lnk' | head -1)
	expect "a Start menu entry" test -f "$menu"
	expect "... which runs cairn-desktop.exe" lnk_has "$menu" cairn-desktop.exe
	appid "$menu" "the Start menu entry"
	expect "start at login: Startup\\Cairn.lnk" test -f "$startup"
	expect "... which runs cairn-desktop.exe --hidden" lnk_has "$startup" cairn-desktop.exe --hidden
	appid "$startup" "the Startup shortcut"
	expect "Add/Remove Programs: DisplayName Cairn" test "$(regvalue "$me\\$key" DisplayName)" = Cairn
	expect "Add/Remove Programs: DisplayVersion $version" test "$(regvalue "$me\\$key" DisplayVersion)" = "$version"
	expect "Add/Remove Programs: Publisher" test -n "$(regvalue "$me\\$key" Publisher)"
	expect "Add/Remove Programs: DisplayIcon" test "$(regvalue "$me\\$key" DisplayIcon)" = 'C:\users\'"$(basename "$userdir")"'\AppData\Local\Programs\Cairn\cairn-desktop.exe,0'
	expect "Add/Remove Programs: QuietUninstallString ends in /S" grep -q 'uninstall.exe" /S$' <<<"$(regvalue "$me\\$key" QuietUninstallString)"
	expect "Add/Remove Programs: EstimatedSize (KB) about the program's size" \
		test $(($(regvalue "$me\\$key" EstimatedSize))) -ge $(($(stat -c %s "$exe") / 1024))
	expect 'preset.json in %ProgramData%\Cairn' json_is "$preset" \
		'{"server": "https://backup.example.org:8443", "fingerprint": "3f:a1", "key": "custom", "escrow": true}'

	# An update keeps start at login off when the person turned it off.
	find "$userdir" -ipath '*/startup/cairn.lnk' -delete
	run "$setupwin /S"
	expect "an update: exit code 0" test $? -eq 0
	expect "an update does not turn start at login back on" test -z "$(find "$userdir" -ipath '*/startup/cairn.lnk')"
	expect "an update without preset options leaves the preset" test -f "$preset"

	mkdir -p "$userdir/AppData/Roaming/cairn" "$userdir/AppData/Local/cairn"
	echo '{}' >"$userdir/AppData/Roaming/cairn/config.json"
	echo '{}' >"$userdir/AppData/Local/cairn/config.json"
	run "\"C:\\users\\$(basename "$userdir")\\AppData\\Local\\Programs\\Cairn\\uninstall.exe\" /S"
	sleep 2
	wineserver -w
	expect "uninstall: the program folder is gone" test ! -e "$dir"
	expect "uninstall: the Start menu entry is gone" test ! -e "$userdir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Cairn.lnk"
	expect "uninstall: the Add/Remove Programs key is gone" test -z "$(regvalue "$me\\$key" DisplayName)"
	expect "uninstall: the preset it wrote is gone" test ! -e "$preset"
	expect "uninstall: the person's settings stay (%LOCALAPPDATA%\\cairn, and %APPDATA%\\cairn from before)" \
		test -f "$userdir/AppData/Local/cairn/config.json" -a -f "$userdir/AppData/Roaming/cairn/config.json"

	run "$setupwin /S"
	run "\"C:\\users\\$(basename "$userdir")\\AppData\\Local\\Programs\\Cairn\\uninstall.exe\" /S /REMOVESETTINGS"
	sleep 2
	wineserver -w
	expect "uninstall /REMOVESETTINGS: the settings are gone too (both folders)" \
		test ! -e "$userdir/AppData/Roaming/cairn" -a ! -e "$userdir/AppData/Local/cairn"

	# For everyone (Wine's user is an administrator).
	run "$setupwin /S /ALLUSERS /SERVER=https://b.example.org"
	rc=$?
	expect "for everyone: exit code $rc (want 0)" test $rc -eq 0
	expect "cairn-desktop.exe in Program Files\\Cairn" \
		cmp -s "$cdrive/Program Files/Cairn/cairn-desktop.exe" "$exe"
	expect "... the same cairn.exe" cmp -s "$cdrive/Program Files/Cairn/cairn.exe" "$cli"
	expect "the Start menu entry for everyone" test -f "$cdrive/ProgramData/Microsoft/Windows/Start Menu/Programs/Cairn.lnk"
	expect "Add/Remove Programs in HKLM" test "$(regvalue "$mach\\$key" DisplayName)" = Cairn
	expect "start at login for everyone: Active Setup runs cairn-desktop.exe --hidden once per person" \
		grep -q 'cairn-desktop.exe" --hidden$' <<<"$(regvalue 'HKLM\Software\Microsoft\Active Setup\Installed Components\org.cairnbackup.cairn' StubPath)"
	expect "no Startup shortcut for the administrator who installed it" test -z "$(find "$userdir" -ipath '*/startup/cairn.lnk')"
	expect "preset.json" json_is "$preset" '{"server": "https://b.example.org"}'
	run '"C:\Program Files\Cairn\uninstall.exe" /S'
	sleep 2
	wineserver -w
	expect "uninstall for everyone: the program folder is gone" test ! -e "$cdrive/Program Files/Cairn"
	expect "uninstall for everyone: HKLM's key and Active Setup are gone" \
		test -z "$(regvalue "$mach\\$key" DisplayName)$(regvalue 'HKLM\Software\Microsoft\Active Setup\Installed Components\org.cairnbackup.cairn' StubPath)"
	wineserver -k 2>/dev/null
}

install_missing
check_exe "$exe" GUI
check_exe "$cli" console
check_cli
check_setup
check_script
if [[ -n ${CAIRN_CHECK_NO_WINE:-} ]]; then
	note "CAIRN_CHECK_NO_WINE is set: the setup was not run"
else
	check_preset_json
	check_appid
	check_install
fi

cat <<EOF

Only Windows can check (see installers/README.md, Windows):
  - that cairn-desktop.exe and cairn.exe start (Wine cannot run Go 1.26 programs), the icon, and the tray;
  - the setup's pages, the administrator prompt for "Everyone", SmartScreen and the signature;
  - closing this person's running Cairn before an update or uninstall (taskkill /FI USERNAME; Cairn does not
    quit on WM_CLOSE), and in an install for everyone renaming the programs other people still run;
  - the AppUserModelID in the shortcuts (Wine does not store it) and Cairn's notifications showing;
  - Active Setup starting Cairn at each person's next login, and icacls on %ProgramData%\\Cairn;
  - that Cairn's own "start at login" setting turns the installer's shortcut off and on.

$passed passed, $failed failed
EOF
[[ $failed -eq 0 ]]
