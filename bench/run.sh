#!/usr/bin/env bash
# run.sh is what `make bench` and `make bench-scale` run: install the peers that are missing, build the corpus
# generator and the harness, and run it. Everything comes from this repository and the Go module proxy.
# Arguments go to the harness (bench/cmd/cairnbench), e.g. `bash bench/run.sh -runs 1 -tools cairn,kopia`, or
# `bash bench/run.sh -files 30000,300000` for the small-file trees of bench-scale.
# BENCH_VIA, when set, is how the report says the run was started.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

mkdir -p .bench/bin
# Everything under .bench is generated (peers, corpus, repositories, logs): keep it out of git.
[[ -f .bench/.gitignore ]] || echo '*' >.bench/.gitignore

bash bench/install-peers.sh
go build -o .bench/bin/mkcorpus ./bench/cmd/mkcorpus
go build -o .bench/bin/cairnbench ./bench/cmd/cairnbench

# Say in the report how the run was started; make exports MAKELEVEL to its recipes.
if [[ -n ${BENCH_VIA:-} ]]; then
  via=$BENCH_VIA
elif [[ -n ${MAKELEVEL:-} ]]; then
  via="make bench${*:+ BENCHFLAGS='$*'}"
else
  via="bash bench/run.sh${*:+ $*}"
fi
exec .bench/bin/cairnbench -command "$via" "$@"
