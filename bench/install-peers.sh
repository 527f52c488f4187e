#!/usr/bin/env bash
# install-peers.sh installs the programs `make bench` compares Cairn with, skipping whatever is already there:
#   /usr/bin/time, restic 0.14 and borg 1.2   from Debian (apt-get)
#   .bench/bin/restic-0.19.1                  built from the Go module mirror
#   .bench/bin/kopia (0.21.1)                 built from its downloaded module (it does not `go install`)
# Everything built lands under <repo>/.bench, which git ignores. Safe to run again: it only does what is missing.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bench=$repo/.bench
bin=$bench/bin
mkdir -p "$bin"

say() { printf 'install-peers: %s\n' "$*"; }

# has_version CMD WANT: true when CMD exists and its version (`CMD version`, or kopia's `CMD --version`) says WANT.
has_version() {
  local cmd=$1 want=$2
  [[ -x $cmd ]] || return 1
  { "$cmd" version 2>/dev/null || "$cmd" --version 2>/dev/null; } | grep -q -- "$want"
}

install_debian() {
  local missing=()
  [[ -x /usr/bin/time ]] || missing+=(time)
  [[ -x /usr/bin/restic ]] || missing+=(restic)
  [[ -x /usr/bin/borg ]] || missing+=(borgbackup)
  if ((${#missing[@]} == 0)); then
    say "Debian packages present: $(/usr/bin/restic version | cut -d' ' -f1-2), $(/usr/bin/borg --version), time"
    return
  fi
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  say "${sudo[*]:+${sudo[*]} }apt-get install -y ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get install -y "${missing[@]}"; then
    say "apt-get install failed; running apt-get update and trying again"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y "${missing[@]}"
  fi
}

install_restic() {
  local want=0.19.1 out=$bin/restic-0.19.1
  if has_version "$out" "restic $want"; then
    say "restic $want present: $out"
    return
  fi
  say "go install github.com/restic/restic/cmd/restic@v$want, as $out"
  local tmp
  tmp=$(mktemp -d "$bench/gobin.XXXXXX")
  (cd "${TMPDIR:-/tmp}" && GOBIN=$tmp GOFLAGS=-buildvcs=false go install "github.com/restic/restic/cmd/restic@v$want") ||
    { rm -rf "$tmp"; exit 1; }
  mv "$tmp/restic" "$out"
  rmdir "$tmp"
  say "built $("$out" version)"
}

install_kopia() {
  local want=0.21.1 out=$bin/kopia
  if has_version "$out" "$want"; then
    say "kopia $want present: $out"
    return
  fi
  say "go mod download -json github.com/kopia/kopia@v$want"
  local dir src
  # Outside the repository, so that nothing can touch Cairn's go.mod or go.sum.
  dir=$(cd "${TMPDIR:-/tmp}" && go mod download -json "github.com/kopia/kopia@v$want" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -n $dir && -d $dir ]] || { say "kopia module folder not found"; exit 1; }
  src=$bench/src/kopia-$want
  rm -rf "$src"
  mkdir -p "$bench/src"
  cp -r "$dir" "$src"
  chmod -R u+w "$src"
  say "building kopia in $src (a few minutes)"
  # kopia prints its version from linker variables; without them `kopia --version` says "v0-unofficial".
  local x=github.com/kopia/kopia/repo
  (cd "$src" && GOFLAGS='-mod=mod -buildvcs=false' go build \
    -ldflags "-X $x.BuildVersion=$want -X $x.BuildInfo=module-v$want -X $x.BuildGitHubRepo=kopia/kopia" \
    -o "$out" .)
  say "built kopia $("$out" --version 2>&1 | head -1)"
}

install_debian
install_restic
install_kopia
say "done; binaries in $bin"
