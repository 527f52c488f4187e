# Cairn's build. `make run` sets up and starts Cairn; `make test` sets up and
# runs every test; `make bench` compares Cairn with restic, kopia and borg.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(HOME)/go/bin:$(PATH)
export GOFLAGS ?= -buildvcs=false
GO ?= go

GO_SOURCES := $(shell find . -name '*.go' -not -path './.bench/*' -not -path './dist/*' 2>/dev/null) go.mod go.sum

.PHONY: all build run test test-unit test-e2e lint deps bench bench-unit clean

all: build

deps:
	@scripts/deps.sh

build: bin/cairn bin/cairn-server

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

bin/cairn: $(GO_SOURCES)
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/cairn ./app/cairn

# The server: a static binary, no cgo, no GUI.
bin/cairn-server: $(GO_SOURCES)
	CGO_ENABLED=0 $(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/cairn-server ./app/cairn-server

# The desktop app comes with the GUI issue; until then `make run` builds the
# command line and shows its status and usage.
run: deps build
	@bin/cairn status || true
	@echo
	@bin/cairn help

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "not gofmt-formatted:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

# Everything CI runs. Long soaks and benchmarks have their own targets.
test: deps lint build
	$(GO) test -count=1 -timeout 20m ./...

test-race: deps
	$(GO) test -race -count=1 -timeout 30m ./engine/...

# Side by side with restic, kopia and borg on the benchmark corpus; writes
# docs/PERFORMANCE.md. About 10 minutes on an idle 2-core machine.
# Example: make bench BENCHFLAGS='-runs 1'
bench: deps build
	bash bench/run.sh $(BENCHFLAGS)

bench-unit:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./engine/...

clean:
	rm -rf bin dist
