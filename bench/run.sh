#!/usr/bin/env bash
# run.sh is what `make bench` runs: install the peers that are missing, build the harness, and run it.
# Arguments go to the harness (bench/cmd/cairnbench), e.g. `bash bench/run.sh -runs 1 -tools cairn,kopia`.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

mkdir -p .bench/bin
# Everything under .bench is generated (peers, corpus, repositories, logs): keep it out of git.
[[ -f .bench/.gitignore ]] || echo '*' >.bench/.gitignore

bash bench/install-peers.sh
go build -o .bench/bin/cairnbench ./bench/cmd/cairnbench

# Say in the report how the run was started; make exports MAKELEVEL to its recipes.
if [[ -n ${MAKELEVEL:-} ]]; then
  via="make bench${*:+ BENCHFLAGS='$*'}"
else
  via="bash bench/run.sh${*:+ $*}"
fi
exec .bench/bin/cairnbench -command "$via" "$@"
