#!/usr/bin/env bash
# sign.sh CERT.pfx FILE: signs FILE in place with osslsigncode (Authenticode,
# SHA-256). The certificate's password is read from $CAIRN_SIGN_PASSWORD
# (empty when unset) and handed over in a private file, never on a command
# line; the signature is time-stamped by $CAIRN_SIGN_TIMESTAMP_URL (default
# http://timestamp.digicert.com; empty: no time stamp, e.g. offline). Used by
# build.sh, and by makensis (!uninstfinalize) for the uninstaller.
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 CERT.pfx FILE" >&2; exit 2; }
cert=$1
file=$2
tsurl=${CAIRN_SIGN_TIMESTAMP_URL-http://timestamp.digicert.com}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=$tmp/pass
signed=$tmp/signed.exe # osslsigncode will not overwrite a file
(umask 077 && printf '%s' "${CAIRN_SIGN_PASSWORD:-}" >"$pass")
args=(sign -pkcs12 "$cert" -readpass "$pass" -h sha256 -n Cairn -i https://github.com/cairnbackup/cairn)
[[ -z $tsurl ]] || args+=(-ts "$tsurl")
if ! osslsigncode "${args[@]}" -in "$file" -out "$signed" >/dev/null; then
	echo "sign.sh: signing $file failed" >&2
	exit 1
fi
cat "$signed" >"$file"
