#!/usr/bin/env bash
# Checks that every package and every test builds for Windows and macOS,
# which no machine of ours runs (issue 16): `go vet` with GOOS/GOARCH set
# type-checks each package together with its tests (both the package's own
# and its _test package) and runs vet's checks, so a unix-only call in a
# test fails here and not first on a Windows or Mac CI runner.
#
# Why vet and not `go test -c`: vet finds every compile error of packages and
# tests, and its results are cached, so a second run costs seconds; linking
# ~50 test binaries per system costs a minute or more each run and finds
# only linker problems. --link adds that step (go test -exec true), for
# when a dependency or an assembly file changes.
#
# Cgo is off (no Windows or macOS C toolchain here), so the parts that need
# it are left out, each with its reason below; when the MinGW compiler is
# installed (installers/windows), the desktop app is built for Windows with
# cgo too.
#
# Usage: scripts/crossbuild.sh [--link]
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
link=0
[ "${1:-}" = "--link" ] && link=1

targets=(windows/amd64 darwin/arm64 darwin/amd64)

# skipped TARGET prints the packages (regular expressions on import paths)
# that cannot build for TARGET without cgo, or are not meant to.
skipped() {
  # The desktop app: Fyne's OpenGL driver (go-gl, GLFW) is cgo.
  echo '/app/cairn$'
  echo '/app/desktop$'
  case "$1" in
  windows/*)
    # The benchmark drivers measure on Linux (du, rusage, /proc).
    echo '/bench/'
    ;;
  darwin/*)
    # Fyne's widgets call into AppKit through cgo on macOS; the macOS
    # workflow builds and tests ui/ natively.
    echo '/ui$'
    echo '/ui/'
    ;;
  esac
}

# packages TARGET lists the module's packages checked for TARGET.
packages() {
  local pats
  pats=$(skipped "$1" | paste -sd'|')
  $GO list ./... | grep -Ev "$pats"
}

check() {
  local target=$1 goos=${1%/*} goarch=${1#*/}
  local pkgs
  mapfile -t pkgs < <(packages "$target")
  echo "crossbuild: $target: go vet of ${#pkgs[@]} packages and their tests (cgo off)"
  GOOS=$goos GOARCH=$goarch CGO_ENABLED=0 $GO vet "${pkgs[@]}" || return 1
  # The command line alone (-tags cli) links no GUI, so it builds without
  # cgo. Its tests are Linux end-to-end runs of the binaries (signals,
  # credentials, openat): not checked here yet.
  if grep -qs '^//go:build cli' app/cairn/*.go; then
    echo "crossbuild: $target: go build -tags cli ./app/cairn (the command line)"
    GOOS=$goos GOARCH=$goarch CGO_ENABLED=0 $GO build -tags cli -o /dev/null ./app/cairn || return 1
  fi
  if [ $link = 1 ]; then
    echo "crossbuild: $target: linking the test binaries"
    GOOS=$goos GOARCH=$goarch CGO_ENABLED=0 $GO test -exec true -run '^$' "${pkgs[@]}" >/dev/null || return 1
  fi
}

fail=0
for t in "${targets[@]}"; do
  if ! check "$t"; then
    echo "crossbuild: $t: FAILED: fix the errors above (a unix-only call wants a build tag or a portable helper)" >&2
    fail=1
  fi
done

if command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
  # go build, not vet: app/cairn's tests are Linux end-to-end runs (above).
  echo "crossbuild: windows/amd64: go build of the desktop app with cgo (MinGW)"
  GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc $GO build ./app/cairn ./app/desktop || fail=1
fi
[ $fail = 0 ] && echo "crossbuild: every checked package and test builds for ${targets[*]}"
exit $fail
