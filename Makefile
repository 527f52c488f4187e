# Cairn's build. `make run` sets up and starts Cairn; `make test` sets up and
# runs every test; `make bench` compares Cairn with restic, kopia and borg.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(HOME)/go/bin:$(PATH)
export GOFLAGS ?= -buildvcs=false
GO ?= go

GO_SOURCES := $(shell find . -name '*.go' -not -path './.bench/*' -not -path './dist/*' 2>/dev/null) go.mod go.sum

.PHONY: all build run screenshots bench-latency installers installers-windows test-installers check-installers-windows test test-unit test-e2e lint deps bench bench-scale bench-unit clean

all: build

deps:
	@scripts/deps.sh

build: bin/cairn bin/cairn-desktop bin/cairn-server

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

# Two binaries from ./app/cairn: bin/cairn, the command line, links no GUI
# toolkit (-tags cli: a command in a terminal starts no Fyne, and takes only
# the memory it needs); started without a command it hands over to
# bin/cairn-desktop, the desktop app, which also runs every command.
bin/cairn: $(GO_SOURCES)
	$(GO) build -tags cli -ldflags "-X main.version=$(VERSION)" -o bin/cairn ./app/cairn

bin/cairn-desktop: $(GO_SOURCES)
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/cairn-desktop ./app/cairn

# The server: a static binary, no cgo, no GUI.
bin/cairn-server: $(GO_SOURCES)
	CGO_ENABLED=0 $(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/cairn-server ./app/cairn-server

# Starts the desktop app. With no screen (a bare server, CI) it runs on a
# virtual one (Xvfb) with its own D-Bus session, so it still starts; the
# window is then only visible through `make screenshots`.
run: deps build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then exec bin/cairn; fi; \
	  echo "run: no screen here (DISPLAY is unset): starting Cairn on a virtual one (Xvfb); Ctrl-C stops it"; \
	  exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bin/cairn

# The real app under Xvfb, driven through every screen; the pictures go to
# docs/screenshots/ (or SHOTS=dir).
SHOTS ?= docs/screenshots
GUI_TOUR = LANG=en_US.UTF-8 dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
	$(GO) test -tags gui -count=1 -timeout 10m ./app/desktop
screenshots: deps
	mkdir -p $(SHOTS) $(SHOTS)/sv $(SHOTS)/de
	$(GUI_TOUR) -shots $(abspath $(SHOTS))
	$(GUI_TOUR) -lang sv -shots $(abspath $(SHOTS))/sv
	$(GUI_TOUR) -lang de -shots $(abspath $(SHOTS))/de

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "not gofmt-formatted:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags gui ./app/desktop
	$(GO) vet -tags cli ./app/cairn

# Everything CI runs. Long soaks and benchmarks have their own targets.
test: deps lint build
	# Every package and test also builds for Windows and macOS (issue 16).
	scripts/crossbuild.sh
	CAIRN_TEST_BROWSER=1 CAIRN_TEST_S3=1 CAIRN_TEST_POSTGRES=1 CAIRN_TEST_LDAP=1 $(GO) test -count=1 -timeout 20m ./...
	# The server's whole suite again, over a real PostgreSQL and a real S3.
	CAIRN_TEST_SERVER_STORES=shared CAIRN_TEST_S3=1 CAIRN_TEST_POSTGRES=1 $(GO) test -count=1 ./engine/server
	$(GUI_TOUR)
	$(GUI_TOUR) -lang sv
	$(KEYRING_TESTS)

# The keyring tests against a real Secret Service: gnome-keyring in a
# private D-Bus session, with a throwaway HOME (it writes its keyrings
# there). CAIRN_TEST_KEYRING=1 makes a missing keyring a failure.
KEYRING_TESTS = kh=$$(mktemp -d) && GOCACHE=$$($(GO) env GOCACHE) GOMODCACHE=$$($(GO) env GOMODCACHE) \
	GOPATH=$$($(GO) env GOPATH) HOME=$$kh dbus-run-session -- sh -c \
	'echo cairn-test | gnome-keyring-daemon --unlock >/dev/null && CAIRN_TEST_KEYRING=1 $(GO) test -count=1 ./engine/secrets ./engine/device'; \
	rc=$$?; rm -rf "$$kh"; exit $$rc

test-race: deps
	$(GO) test -race -count=1 -timeout 30m ./engine/...

# Side by side with restic, kopia and borg on the benchmark corpus; writes
# docs/PERFORMANCE.md. About 10 minutes on an idle 2-core machine.
# Example: make bench BENCHFLAGS='-runs 1'
bench: deps build
	bash bench/run.sh $(BENCHFLAGS)

# Side by side on trees of many small files (30,000, 300,000 and 1,000,000, like
# a home folder's), with a single-file restore too; writes its own section of
# docs/PERFORMANCE.md. Hours at full size; pick sizes with SCALE_SIZES, e.g.
# make bench-scale SCALE_SIZES=30000 BENCHFLAGS='-runs 1'
SCALE_SIZES ?= 30000 300000 1000000
bench-scale: deps build
	BENCH_VIA="make bench-scale SCALE_SIZES='$(SCALE_SIZES)'$(if $(BENCHFLAGS), BENCHFLAGS='$(BENCHFLAGS)')" \
	  bash bench/run.sh -files '$(SCALE_SIZES)' $(BENCHFLAGS)

# Save-to-safe time (median and worst of 100 saves) to a folder and to a
# server on loopback, and the idle service's CPU watching 100,000 files;
# writes docs/PERFORMANCE.md. About 10 minutes.
bench-latency: deps
	$(GO) run ./bench/latency -doc docs/PERFORMANCE.md $(LATENCYFLAGS)

bench-unit:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./engine/...

# Installers into dist/ (installers/README.md): Linux .deb/.rpm and the
# fyne tarball, the server's static binary, systemd unit and .deb, and the
# Windows setup (about 7 minutes cold). macOS: .github/workflows/macos.yml.
INSTALLER_VERSION ?= $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
installers: deps installers-windows
	bash installers/linux/build.sh $(INSTALLER_VERSION) dist
	bash installers/server/build.sh $(INSTALLER_VERSION) dist

# WINDOWS_CERT=cert.pfx (password in CAIRN_SIGN_PASSWORD) signs; without it, unsigned.
installers-windows:
	bash installers/windows/build.sh $(INSTALLER_VERSION) dist $(WINDOWS_CERT)

check-installers-windows: installers-windows
	bash installers/windows/check.sh dist

# As root on Debian/Ubuntu: installs the .deb packages for real, starts the
# installed app under Xvfb (screenshot in dist/), removes them cleanly.
# .ci/run calls it after make test.
test-installers: deps
	bash installers/linux/build.sh $(INSTALLER_VERSION) dist
	bash installers/server/build.sh $(INSTALLER_VERSION) dist
	bash installers/linux/test-deb.sh dist/installed-deb.png
	bash installers/server/test-deb.sh

clean:
	rm -rf bin dist
