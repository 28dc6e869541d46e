# Femto-Containers: the commands a person types. Each target first makes
# sure the Debian packages are installed (scripts/deps.sh, quick when they are).
#
#   make demo       set up, build, and run the demo
#   make test       set up, build, run every test, then check that every test group of
#                   tests/groups.txt was registered (scripts/check-test-groups.sh)
#   make tools      build only femto and femtod ($(BUILD)/femto, $(BUILD)/femtod)
#   make build      configure and build into $(BUILD)/
#   make footprint  flash/RAM of the freestanding layers and of the whole firmware per layer
#                   (Cortex-M0+/M4, RV32)
#   make bench      instructions per run of the bench fixtures: host (callgrind) and Cortex-M4 /
#                   RV32 in QEMU (native vs VM, hook, install, RAM, energy; $(BUILD)/bench/),
#                   and the chart $(BUILD)/bench/bench.svg (bench/chart.py)
#   make format     clang-format our sources in place (format-check: only report; .clang-format
#                   decides the style, braces included)
#   make lint       cppcheck and clang-tidy over src/, format-check over every C source, and
#                   no call cycle between the files of a layer (scripts/check-cycles.sh)
#   make docs       API reference of include/femto (Doxygen; fails on an undocumented symbol)
#   make prove      Frama-C WP proofs and Eva over the VM (proofs/run.sh, docs/assurance.md)
#   make clean      remove $(BUILD)/

BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
CTEST_JOBS ?= 2
export FC_BUILD := $(BUILD)

MAKEFLAGS += --no-print-directory
SHELL := /bin/bash

# Our C sources (scripts/c-sources.sh: the one list, also used by lint.sh).
C_SOURCES = $(shell scripts/c-sources.sh)

.PHONY: all deps configure tools build test demo footprint bench format format-check lint prove docs clean

all: build

deps:
	@scripts/deps.sh

configure: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: configure
	cmake --build $(BUILD)

tools: configure
	cmake --build $(BUILD) --target femto femtod
	@echo "tools: $(BUILD)/femto $(BUILD)/femtod (export PATH=\"$(abspath $(BUILD)):\$$PATH\")"

# After ctest, every test group of tests/groups.txt must have been registered
# (a missing tool must not shrink the suite quietly): both must pass.
test: build
	@rc=0; ctest --test-dir $(BUILD) --output-on-failure -j$(CTEST_JOBS) --no-label-summary \
	    --no-tests=error || rc=1; scripts/check-test-groups.sh $(BUILD) || rc=1; exit $$rc

demo: build
	@scripts/demo.sh

footprint: deps
	@scripts/footprint.sh

bench: build
	@FEMTO=$(BUILD)/femto OUT=$(BUILD)/bench bench/callgrind.sh
	@bench/mcu/run.sh -o $(BUILD)/bench/mcu
	@python3 bench/chart.py -o $(BUILD)/bench/bench.svg $(BUILD)/bench
	@echo "bench: chart $(BUILD)/bench/bench.svg (copy it to docs/bench.svg to update the README's)"

format: deps
	clang-format -i $(C_SOURCES)

format-check: deps
	clang-format --dry-run -Werror $(C_SOURCES)

# check-cycles reads the layer objects: build the layer libraries first.
lint: configure
	@cmake --build $(BUILD) --target femto_vm femto_image femto_engine femto_suit femto_port_posix
	@scripts/lint.sh

# API reference: docs/api/Doxyfile, output in $(BUILD)/docs/api/html/index.html.
docs: deps
	@mkdir -p $(BUILD)/docs/api
	FC_DOCS_OUT=$(abspath $(BUILD))/docs/api doxygen docs/api/Doxyfile
	@echo "docs: $(BUILD)/docs/api/html/index.html"

prove: deps
	@FC_BUILD=$(BUILD) proofs/run.sh

clean:
	rm -rf $(BUILD)
