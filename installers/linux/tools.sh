# Helpers for the installer scripts; sourced, not run. Needs $root (the
# repository). Tools go to $CAIRN_TOOLS (default .cache/tools), installed
# only when missing; Debian packages are installed only when missing.

tools=${CAIRN_TOOLS:-$root/.cache/tools}
export PATH="$tools:/usr/local/go/bin:$HOME/go/bin:$PATH"
export GOFLAGS=${GOFLAGS:--buildvcs=false}

# say prints a step; die a failure, and stops.
say() { printf '%s: %s\n' "${0##*/}" "$*"; }
die() { printf '%s: FAILED: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# go_tool NAME MODULE@VERSION installs a Go program into $tools unless it
# is there (the versions that install from our module mirror: BUILD-NOTES).
go_tool() {
  [ -x "$tools/$1" ] && return 0
  say "installing $2 into $tools"
  mkdir -p "$tools"
  GOBIN="$tools" go install "$2" || die "go install $2"
}

# apt_need PACKAGE... installs the Debian packages that are missing.
apt_need() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]} (apt)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq || die "apt-get update"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]}"
}

# dpkg_run ARGS... is dpkg, waiting (up to 10 minutes) while another apt
# or dpkg holds its lock (a CI machine installing something else).
dpkg_run() {
  local start=$SECONDS out rc
  while :; do
    rc=0
    out=$(dpkg "$@" 2>&1) || rc=$?
    case $out in
      *"locked by another process"*)
        if ((SECONDS - start < 600)); then sleep 2; continue; fi ;;
    esac
    printf '%s\n' "$out"
    return $rc
  done
}

# package_version turns VERSION into one dpkg and rpm accept and sort
# right: v1.2.3 is 1.2.3, v1.2.0-rc1 1.2.0~rc1 (before 1.2.0), git
# describe's v1.2.0-3-gabc1234 1.2.0+3.gabc1234 (after it), and a commit
# without a tag (2a9dfcc-dirty) 0.0.0~git.2a9dfcc.dirty (before any release).
package_version() {
  local v=${1#v}
  if [[ $v =~ ^[0-9]+(\.[0-9]+)*([~+.][0-9A-Za-z.~+]+)?$ ]]; then
    printf '%s' "$v"
  elif [[ $v =~ ^([0-9]+(\.[0-9]+)*)-([0-9]+-g[0-9a-f]+(-dirty)?)$ ]]; then
    printf '%s+%s' "${BASH_REMATCH[1]}" "$(printf '%s' "${BASH_REMATCH[3]}" | tr '-' '.')"
  elif [[ $v =~ ^[0-9]+(\.[0-9]+)*-[0-9A-Za-z.-]+$ ]]; then
    printf '%s' "${v%%-*}~${v#*-}" | tr '-' '.' # 1.2.0-rc1 sorts before 1.2.0
  else
    printf '0.0.0~git.%s' "$(printf '%s' "$v" | tr -c '0-9A-Za-z.\n' '.')"
  fi
}

# goarch is the architecture to package for (GOARCH or this machine's).
goarch() { go env GOARCH; }
