# The two set-up commands of the README:
#   make demo   synthetic statewide data -> ingest -> indicators -> published site (embedded PostgreSQL)
#   make test   the whole test suite, against throwaway PostgreSQL clusters it starts and removes
# Both install missing Debian packages first (deploy/install-debian.sh).

SHELL := /bin/bash
SWIFT ?= swift
RELEASE_BIN := .build/release/outcomes
export OUTCOMES_HOME ?= $(CURDIR)/.outcomes

.PHONY: all deps test-deps build release demo test bench format lint clean-test-clusters

all: build

deps:
	@deploy/install-debian.sh

test-deps:
	@deploy/install-debian.sh --test

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: release
	$(RELEASE_BIN) demo

# The suite is XCTest only; its summary is repeated as one plain closing line.
test: test-deps
	@$(MAKE) --no-print-directory clean-test-clusters
	$(SWIFT) build --build-tests
	@set -o pipefail; status=0; $(SWIFT) test --skip-build --disable-swift-testing 2>&1 | tee .build/test.log || status=$$?; \
	  $(MAKE) --no-print-directory clean-test-clusters; \
	  summary=$$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with [0-9]+ failures?" .build/test.log | tail -1); \
	  total=$$(echo "$$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/'); \
	  failed=$$(echo "$$summary" | sed -E 's/.*with ([0-9]+) failures?.*/\1/'); \
	  if [ -n "$$summary" ]; then echo "tests: $$((total - failed)) passed, $$failed failed"; fi; \
	  exit $$status

# Stops and removes clusters a crashed test run may have left (the harness removes its own on exit).
clean-test-clusters:
	@for dir in /tmp/oc-*; do \
	  [ -d "$$dir" ] || continue; \
	  if [ -f "$$dir/pgdata/postmaster.pid" ]; then kill -9 "$$(head -1 "$$dir/pgdata/postmaster.pid")" 2>/dev/null || true; fi; \
	  rm -rf "$$dir"; \
	done

bench: release
	$(RELEASE_BIN) bench ingest --youth 100000
	$(RELEASE_BIN) bench compute --youth 100000
	$(RELEASE_BIN) bench publish --youth 100000

format:
	$(SWIFT) format --in-place --recursive --parallel Sources Tests Package.swift

lint:
	$(SWIFT) format lint --recursive --strict Sources Tests Package.swift
