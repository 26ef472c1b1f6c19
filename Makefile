# subid-toolkit: build, test, demo, install, bench.
# `make demo` and `make test` install the Debian packages they need (as root).

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
# lxc-user-nic lives where liblxc looks for it, under its own libexec directory (Debian's LXC:
# /usr/libexec/lxc); with the default PREFIX ours goes beside, not over, Debian's (see README).
LXC_LIBEXECDIR = $(PREFIX)/libexec/lxc

# Release builds carry the Swift stdlib inside (setuid ignores $ORIGIN rpaths; the toolchain
# directory must not become part of a setuid binary's trust base).
SWIFT_BUILD = swift build -c release --static-swift-stdlib --disable-local-rpath
# Every binary, whichever way it was built, is staged here; tests, demo, bench and install use it.
BIN = .build/stage

# PAM modules live where the distribution's libpam looks (Debian: /lib/x86_64-linux-gnu/security).
PAM_MODULE_DIR ?= $(shell pkg-config --variable=libdir pam 2>/dev/null || echo /usr/lib/x86_64-linux-gnu)/security

# Helpers that are setuid root once installed.
SETUID_HELPERS = newuidmap newgidmap
TOOLS = subid getsubids usernsexec userbox

DEBIAN_PACKAGES = acl attr busybox-static iproute2 pamtester g++ libcap2-bin libcap-dev libseccomp-dev libpam0g-dev libaudit-dev pkg-config uidmap lxc passwd util-linux podman buildah rootlesskit valgrind
BENCH_PACKAGES = hyperfine

SHELL = /bin/bash

.PHONY: graph all build cxx-links deps bench-deps test unit integration fuzz fuzz-smoke demo install bench clean

all: build

deps:
	@scripts/ensure-packages $(DEBIAN_PACKAGES)

bench-deps:
	@scripts/ensure-packages $(DEBIAN_PACKAGES) $(BENCH_PACKAGES)

# The setuid helpers (newuidmap, newgidmap, lxc-user-nic) and userbox's start/attach/stop binary in
# Embedded Swift (no runtime start-up; see Embedded/README.md), from the same sources as SwiftPM's
# targets; rebuilt when any of them changes.
EMBEDDED_BIN = .build/embedded-bin
EMBEDDED_SOURCES = $(wildcard Embedded/*.swift Sources/*/*.swift Sources/*/*/*.swift Sources/*/*.c Sources/*/include/*.h) \
    Package.swift scripts/build-embedded-helpers scripts/module-graph

$(EMBEDDED_BIN)/newuidmap: $(EMBEDDED_SOURCES) | cxx-links
	scripts/build-embedded-helpers $(EMBEDDED_BIN)

cxx-links: deps
	mkdir -p .build-cxx && ln -sf "$$(g++ -print-file-name=libstdc++.a)" .build-cxx/libstdc++.a \
	    && ln -sf "$$(g++ -print-file-name=libcap.a)" .build-cxx/libcap.a \
	    && ln -sf "$$(g++ -print-file-name=libseccomp.a)" .build-cxx/libseccomp.a

build: deps cxx-links $(EMBEDDED_BIN)/newuidmap
	$(SWIFT_BUILD)
	rm -rf $(BIN) && mkdir -p $(BIN)
	cp $$($(SWIFT_BUILD) --show-bin-path)/{subid,getsubids,usernsexec,userbox-cli} $(BIN)/
	cp $$($(SWIFT_BUILD) --show-bin-path)/libpam_subid.so $(BIN)/pam_subid.so
	cp $(EMBEDDED_BIN)/{newuidmap,newgidmap,lxc-user-nic,userbox} $(BIN)/
	mkdir -p $(BIN)/test-support && cp $$($(SWIFT_BUILD) --show-bin-path)/netlink-check $(BIN)/test-support/

unit: deps
	swift test

integration: build
	tests/integration/run $(BIN)

# Package.swift's dependencies are exactly what each module imports, and README's Layout says so.
graph:
	scripts/module-graph check

test: graph fuzz-smoke unit integration

# libFuzzer over every byte parser, each with a property beyond "no crash": 0 subuid, 1 login.defs,
# 2 lxc-usernet, 3 nic database, 4 newuidmap triples, 5 usernsexec options, 6 netlink replies,
# 7 LXC config, 8 seccomp policy, 9 userbox's fast-path arguments, 10 pam_subid arguments.
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 2
FUZZ_TARGETS = 0 1 2 3 4 5 6 7 8 9 10
FUZZ_RT = $(shell ls /opt/swift/usr/lib/swift/clang/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null || \
            find / -name libclang_rt.fuzzer_no_main-x86_64.a -path '*swift*' 2>/dev/null | head -1)
FUZZ_BUILD = swift build --scratch-path .build-fuzz -c release -Xswiftc -sanitize=address \
             -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
             -Xlinker --undefined=LLVMFuzzerRunDriver -Xlinker $(FUZZ_RT) -Xlinker -lstdc++ --product fuzz-parsers

fuzz-build: deps
	$(FUZZ_BUILD)

# Each parser on its own (FUZZ_TARGET pins it) for FUZZ_SECONDS, with its own corpus.
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p .build-fuzz/corpus/$$t && cp -n Fuzz/corpus/* .build-fuzz/corpus/$$t/ 2>/dev/null; \
	    echo "== parser $$t, $(FUZZ_SECONDS) s"; \
	    FUZZ_TARGET=$$t SWIFT_BACKTRACE=enable=no .build-fuzz/release/fuzz-parsers -max_total_time=$(FUZZ_SECONDS) \
	        -artifact_prefix=.build-fuzz/crash-$$t- -print_final_stats=1 .build-fuzz/corpus/$$t 2>&1 \
	        | grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec|ERROR|crash-' || exit 1; \
	done

# make test: every parser a few seconds, so the targets keep building and their properties hold.
fuzz-smoke: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    rm -rf .build-fuzz/smoke && mkdir -p .build-fuzz/smoke && cp Fuzz/corpus/* .build-fuzz/smoke/; \
	    FUZZ_TARGET=$$t SWIFT_BACKTRACE=enable=no .build-fuzz/release/fuzz-parsers -max_total_time=$(FUZZ_SMOKE_SECONDS) \
	        -artifact_prefix=.build-fuzz/crash-$$t- .build-fuzz/smoke >.build-fuzz/smoke-$$t.log 2>&1 \
	        || { tail -30 .build-fuzz/smoke-$$t.log; exit 1; }; \
	    echo "fuzz smoke: parser $$t $$(grep -o 'exec/s: [0-9]*' .build-fuzz/smoke-$$t.log | tail -1)"; \
	done

demo: build
	scripts/demo $(BIN)

install: build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LXC_LIBEXECDIR)
	for t in $(TOOLS); do install -s -m 0755 $(BIN)/$$t $(DESTDIR)$(BINDIR)/$$t; done
	for t in $(SETUID_HELPERS); do \
	    install -s -o root -g root -m 4755 $(BIN)/$$t $(DESTDIR)$(BINDIR)/$$t; done
	install -s -o root -g root -m 4755 $(BIN)/lxc-user-nic $(DESTDIR)$(LXC_LIBEXECDIR)/lxc-user-nic
	install -d $(DESTDIR)$(PREFIX)/libexec/userbox
	install -s -m 0755 $(BIN)/userbox-cli $(DESTDIR)$(PREFIX)/libexec/userbox/userbox-cli
	install -d $(DESTDIR)$(PAM_MODULE_DIR)
	install -s -o root -g root -m 0644 $(BIN)/pam_subid.so $(DESTDIR)$(PAM_MODULE_DIR)/pam_subid.so

bench: bench-deps build
	bench/run $(BIN)

clean:
	rm -rf .build
