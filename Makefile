# harden - Makefile
#   make            build ./harden
#   make run        install missing Debian packages, build, harden examples/
#   make test       unit, golden, CLI and sampled corpus tests (installs
#                   what they need, as root); a line per test file as it ends
#   make test-full  the same on the whole corpus (every corpus-wide loop), CI
#   make check      the tests under ASan+UBSan
#   make bench      benchmarks (bench/RESULTS.md)
#   make install PREFIX=/usr/local

PREFIX  ?= /usr/local
CC      ?= cc
SHARED  ?= ../shared
# libcurl: --pin-images asks registries for digests (OCI distribution API);
# its header here, the library loaded at run time (src/core/pin.c says why)
DEBPKGS  = gcc libc6-dev libfyaml-dev libyaml-dev libpcre2-dev libcmocka-dev libcurl4-openssl-dev
# what the end-to-end tests run: the oracles (Python), patch, GNU time,
# pre-commit, the man page linters, git (the GitOps example), a local
# registry and skopeo to push to it (--pin-images)
TESTPKGS = python3 python3-yaml python3-jsonschema python3-markdown time patch \
           pre-commit mandoc groff-base git util-linux clang-format-14 \
           docker-registry skopeo
# make test: the corpus-wide loops on every HD_SAMPLE-th corpus file
HD_SAMPLE ?= 4
WARN     = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla -Wwrite-strings -Wundef -Wimplicit-fallthrough
CFLAGS  ?= -O2 -g
ifdef WERROR
WARN    += -Werror
endif
ifdef SANITIZE
CFLAGS  += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1
LDFLAGS += -fsanitize=address,undefined
endif
# One header folder per layer (docs/DESIGN.md): an object sees the headers
# of its own layer and those below it only, so an upward #include does not
# compile; `make check-layers` says the same in words and checks the links.
# Every #include "x.h" is spelled without its folder.
INC_YAML = -Iinclude/yaml
INC_DOCKER = -Iinclude/yaml -Iinclude/docker
INC_CORE = $(INC_DOCKER) -Iinclude/core
INC_CLI  = $(INC_CORE) -Iinclude/cli
CPPFLAGS += -std=c11 -D_GNU_SOURCE
LIBS     = -lfyaml -lyaml -lpcre2-8 -lm -pthread

BUILD   ?= build
# the layers, lowest first: the YAML engine, the models and driver, the
# transforms, the command line (main.c is linked on its own)
ENGINE   = $(sort $(wildcard src/yaml/*.c src/docker/*.c))
CORE     = $(sort $(wildcard src/core/*.c))
TRANSFORMS = $(sort $(wildcard transforms/*.c))
CLI      = $(sort $(wildcard src/cli/*.c))
LIBSRC   = $(ENGINE) $(CORE) $(TRANSFORMS)
LIBOBJ   = $(LIBSRC:%.c=$(BUILD)/%.o)
CLIOBJ   = $(CLI:%.c=$(BUILD)/%.o)
UNIT     = $(wildcard tests/unit/test_*.c)
UNITBIN  = $(UNIT:tests/unit/%.c=$(BUILD)/tests/%)

all: harden

deps:
	@$(MAKE) --no-print-directory apt-install PKGS="$(DEBPKGS)"

deps-test:
	@$(MAKE) --no-print-directory apt-install PKGS="$(DEBPKGS) $(TESTPKGS)"

apt-install:
	@missing=""; for p in $(PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing Debian packages; run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

# -MMD -MP: each object's .d file lists the headers it really includes
# (transforms/tr.h too), so a header change rebuilds exactly its users.
DEPFLAGS = -MMD -MP
COMPILE  = $(CC) $(CPPFLAGS) $(DEPFLAGS) $(CFLAGS) $(WARN)
$(BUILD)/src/yaml/%.o: src/yaml/%.c
	@mkdir -p $(dir $@)
	$(COMPILE) $(INC_YAML) -c $< -o $@
$(BUILD)/src/docker/%.o: src/docker/%.c
	@mkdir -p $(dir $@)
	$(COMPILE) $(INC_DOCKER) -c $< -o $@
$(BUILD)/src/core/%.o: src/core/%.c
	@mkdir -p $(dir $@)
	$(COMPILE) $(INC_CORE) -c $< -o $@
$(BUILD)/transforms/%.o: transforms/%.c
	@mkdir -p $(dir $@)
	$(COMPILE) $(INC_CORE) -c $< -o $@
$(BUILD)/src/cli/%.o: src/cli/%.c
	@mkdir -p $(dir $@)
	$(COMPILE) $(INC_CLI) -c $< -o $@

$(BUILD)/libharden.a: $(LIBOBJ)
	ar rcs $@ $^

ifeq ($(BUILD),build)
BIN      = harden
else
BIN      = $(BUILD)/harden
harden: $(BIN)
.PHONY: harden
endif

$(BIN): $(CLIOBJ) $(BUILD)/libharden.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libharden.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC_CLI) $(DEPFLAGS) $(CFLAGS) $(WARN) -Wno-missing-prototypes $(LDFLAGS) -o $@ $< $(BUILD)/libharden.a $(LIBS) -lcmocka

golden-update: harden
	UPDATE=1 H=./harden TMP=$$(mktemp -d) bash -c 't_pass() { :; }; t_fail() { :; }; . tests/golden.sh'

$(BUILD)/bench/floor: bench/floor.c $(BUILD)/libharden.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC_CLI) $(DEPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(BUILD)/libharden.a $(LIBS)
$(BUILD)/bench/dffloor: bench/dffloor.c $(BUILD)/libharden.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC_CLI) $(DEPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(BUILD)/libharden.a $(LIBS)

# ---- fuzzing (clang libFuzzer) -----------------------------------------------
FUZZ_TIME ?= 30
# FUZZ_RUNS=N: a reproducible run instead (fixed FUZZ_SEED, N inputs, same
# verdict on every machine); CI uses it so a clean clone passes or fails
# alike: 200,000 inputs per target, the seed taken from the commit
# (CI_FUZZ_SEED), so successive commits explore other inputs.
FUZZ_RUNS ?=
FUZZ_SEED ?= 1
FUZZ_BOUND = $(if $(FUZZ_RUNS),-seed=$(FUZZ_SEED) -runs=$(FUZZ_RUNS) -max_total_time=600,-max_total_time=$(FUZZ_TIME))
FUZZCC    ?= clang
FUZZFLAGS  = -std=c11 -D_GNU_SOURCE $(INC_CLI) -g -O1 -fsanitize=fuzzer,address,undefined \
             -fno-sanitize-recover=all
FUZZ_TARGETS = parse edit harden dockerfile
FUZZ_BINS  = $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIBSRC) $(wildcard include/*/*.h src/*/*.h)
	@mkdir -p build-fuzz
	$(FUZZCC) $(FUZZFLAGS) -o $@ $< $(LIBSRC) $(LIBS)

build-fuzz/seeds: $(wildcard examples/*/*.in.yaml examples/*/*.in.Dockerfile)
	@mkdir -p $@
	@for f in examples/*/*.in.yaml examples/*/*.in.Dockerfile tests/data/dockerfiles/[0-9]*; do \
	  cp "$$f" "$@/$$(echo "$$f" | tr '/' '_')"; done
	@if [ -d "$(SHARED)/yaml-test-suite/data" ]; then \
	  find "$(SHARED)/yaml-test-suite/data" -name in.yaml | while read f; do \
	    cp "$$f" "$@/suite-$$(echo "$$f" | tr '/' '_')"; done; \
	else echo "fuzz: $(SHARED)/yaml-test-suite missing, seeding from examples only" >&2; fi
	@touch $@

# Bounded run of every target (FUZZ_TIME seconds or FUZZ_RUNS inputs each); crashes land in
# build-fuzz/crash-* and must become tests/fuzz/regressions/ cases. Each
# target is its own make goal (fuzz-parse, ...): `make -j2 fuzz` runs two at
# a time, as `make test` does in CI.
fuzz: $(FUZZ_TARGETS:%=fuzz-%)
.PRECIOUS: build-fuzz/fuzz_%

fuzz-%: build-fuzz/fuzz_% build-fuzz/seeds
	@mkdir -p build-fuzz/corpus-$*
	@supp=; [ $* = harden ] || supp=suppressions=$(CURDIR)/tests/fuzz/lsan-libfyaml.supp; \
	  LSAN_OPTIONS=$$supp ./build-fuzz/fuzz_$* tests/fuzz/regressions/* >build-fuzz/fuzz_$*.log 2>&1 || \
	    { tail -30 build-fuzz/fuzz_$*.log; echo "fuzz_$*: a regression input fails"; exit 1; }; \
	  LSAN_OPTIONS=$$supp ./build-fuzz/fuzz_$* $(FUZZ_BOUND) -max_len=65536 -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build-fuzz/ \
	    build-fuzz/corpus-$* build-fuzz/seeds 2>build-fuzz/fuzz_$*.log || \
	    { tail -30 build-fuzz/fuzz_$*.log; exit 1; }; \
	  echo "== fuzz_$* $(if $(FUZZ_RUNS),seed $(FUZZ_SEED) for $(FUZZ_RUNS) runs,for $(FUZZ_TIME)s)"; \
	  grep -E 'stat::number_of_executed_units|cov:' build-fuzz/fuzz_$*.log | tail -2

readme: harden
	python3 -c 'import re,subprocess; t=subprocess.run(["./harden","--list-transforms"],capture_output=True,text=True).stdout; s=open("README.md").read(); s=re.sub(r"(<!-- transforms:begin -->\n```\n).*?(```\n<!-- transforms:end -->)", lambda m: m.group(1)+t+m.group(2), s, flags=re.S); open("README.md","w").write(s)'

run: deps harden
	@for f in examples/*/*.in.yaml examples/*/*.in.Dockerfile; do ./harden "$$f" || true; done

$(BUILD)/tests/dump_scalars: tests/tools/dump_scalars.c $(BUILD)/libharden.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC_CLI) $(DEPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(BUILD)/libharden.a $(LIBS)

# the Dockerfile parser's instruction list, for tests/t26-i20-dockerfile-corpus.sh
$(BUILD)/tests/df_dump: tests/tools/df_dump.c $(BUILD)/libharden.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC_CLI) $(DEPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(BUILD)/libharden.a $(LIBS)

# hd_secret_credential()'s verdicts for tests/t46-secret-detector.sh
$(BUILD)/tests/secret_verdict: tests/tools/secret_verdict.c $(BUILD)/libharden.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC_CLI) $(DEPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(BUILD)/libharden.a $(LIBS)

# random edits over the shared corpus (tests/t24-i21-05-edit-props.sh): not a
# unit test, as it needs $(SHARED)
$(BUILD)/tests/props: tests/tools/props.c $(BUILD)/libharden.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC_CLI) -Itests/unit $(DEPFLAGS) $(CFLAGS) $(WARN) -Wno-missing-prototypes $(LDFLAGS) -o $@ $< $(BUILD)/libharden.a $(LIBS) -lcmocka

$(BUILD)/tests/libinject.so: tests/fault/inject.c
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC -O1 -o $@ $< -ldl

# No two modules of src/ and transforms/ include each other (directly or in
# a longer cycle); tests/t05-i21-01-include-cycles.sh runs it too.
check-includes:
	@bash tests/tools/check-includes.sh

# Every C file as .clang-format writes it (clang-format -i FILE mends one);
# tests/t08-i21-format.sh runs it too.
format-check:
	@bash tests/tools/format-check.sh .

# No layer includes a higher layer's header or calls a function defined in a
# higher one (yaml < core < transforms < cli: docs/DESIGN.md), checked on the
# sources and with nm on the objects; tests/t07-i21-01-layers.sh runs it too.
check-layers: $(LIBOBJ) $(CLIOBJ)
	@bash tests/tools/check-layers.sh . $(BUILD)

unit: $(UNITBIN)
	@for t in $(UNITBIN); do echo "== $$t"; $$t || exit 1; done

test: deps-test
	@$(MAKE) --no-print-directory test-run

test-full: deps-test
	@$(MAKE) --no-print-directory test-run HD_SAMPLE=1

test-run: harden unit $(BUILD)/tests/libinject.so $(BUILD)/tests/dump_scalars $(BUILD)/tests/secret_verdict \
		$(BUILD)/tests/props $(BUILD)/tests/df_dump
	HARDEN=./$(BIN) INJECT=$(BUILD)/tests/libinject.so DUMP=$(BUILD)/tests/dump_scalars \
	  DFDUMP=$(BUILD)/tests/df_dump \
	  VERDICT=$(BUILD)/tests/secret_verdict PROPS=$(BUILD)/tests/props DATA=$(BUILD)/tests/test_data \
	  BUILD_DIR=$(BUILD) SHARED=$(SHARED) HD_SAMPLE=$(HD_SAMPLE) bash tests/run.sh
	@if [ -n "$$CI" ] && [ "$(HD_SAMPLE)" = 1 ] && command -v $(FUZZCC) >/dev/null; then \
	  $(MAKE) --no-print-directory -j$$(nproc) -Otarget fuzz FUZZ_RUNS=$${CI_FUZZ_RUNS:-200000} FUZZ_SEED=$${CI_FUZZ_SEED:-1}; fi

check:
	$(MAKE) BUILD=build-san SANITIZE=1 WERROR=1 CI= test

# Unit tests and every example (plus in-place, --check and the corpus'
# hardest files) under valgrind memcheck: leaks and invalid accesses fail.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
valgrind-unit: deps $(UNITBIN)
	@command -v valgrind >/dev/null || { echo "valgrind: not installed (apt-get install valgrind)" >&2; exit 1; }
	@for t in $(UNITBIN); do $(VALGRIND) $$t >/dev/null 2>$(BUILD)/vg.log || \
	  { cat $(BUILD)/vg.log; echo "valgrind: $$t failed"; exit 1; }; done

valgrind: valgrind-unit harden
	@n=0; for f in examples/*/*.in.yaml; do n=$$((n+1)); \
	  $(VALGRIND) ./$(BIN) "$$f" >/dev/null 2>$(BUILD)/vg.log; rc=$$?; \
	  want=$$(cat "$${f%.in.yaml}.rc" 2>/dev/null || echo 1); \
	  [ $$rc -le $$want ] || { cat $(BUILD)/vg.log; echo "valgrind: harden $$f exit $$rc"; exit 1; }; done; \
	d=$$(mktemp -d); cp -r examples "$$d"/; \
	for r in "$$d"/examples/*/*.rc; do [ -f "$$r" ] && rm -f "$${r%.rc}.in.yaml"; done; \
	$(VALGRIND) ./$(BIN) -j2 -i --format=sarif "$$d" >/dev/null 2>$(BUILD)/vg.log; rc=$$?; rm -rf "$$d"; \
	[ $$rc -le 1 ] || { cat $(BUILD)/vg.log; echo "valgrind: harden -j2 -i exit $$rc"; exit 1; }; \
	if [ -d "$(SHARED)/corpus" ]; then \
	  $(VALGRIND) ./$(BIN) --check -j2 "$(SHARED)/corpus" >/dev/null 2>$(BUILD)/vg.log; rc=$$?; \
	  [ $$rc -le 1 ] || { cat $(BUILD)/vg.log; echo "valgrind: harden --check corpus exit $$rc"; exit 1; }; \
	else echo "valgrind: $(SHARED)/corpus missing, corpus run skipped" >&2; fi; \
	echo "valgrind: $(words $(UNITBIN)) unit binaries, $$n examples, -j2 -i, corpus --check: clean"

# The unit binaries and the whole end-to-end suite with every harden process
# under valgrind memcheck (tests/vg-harden): about 7 minutes on 2 CPUs.
# Each process logs to $(BUILD)/vg-suite/PID.log: any non-empty log fails
# the target. The corpus-wide loops visit every HD_SAMPLE-th corpus file
# (4, as in make test; from HD_SAMPLE_OFFSET on): make test-full has run
# them on every file, and the processes left out of valgrind's sample ran
# the same code as there. VG_EVERY=N samples the corpus-wide tests and the
# two with hundreds of processes, the golden examples and the pre-commit
# gate (VG_SAMPLED): only every Nth of their processes, from VG_OFFSET on,
# runs under valgrind; all other tests keep every process under it. CI
# runs VG_EVERY=32 with both offsets taken from the commit, so successive
# commits cover other files and processes (on 2026-12-03 the golden
# examples and the gate took 13 of the suite's 19 minutes unsampled, and
# the corpus loops' processes outside the sample 7 of 10 minutes with every
# file visited; ASan+UBSan's make check runs all of their processes).
HD_SAMPLE_OFFSET ?= 0
VG_EVERY   ?= 1
VG_OFFSET  ?= 0
VG_SAMPLED ?= t10-identity t20-corpus-edit t22-restyled t60-k8s t70-compose t80-reports \
              t41-streams-edit t47-secret-props t36-fuzz-regressions t26-i20-dockerfile-corpus \
              t50-golden t41-gate
valgrind-suite: valgrind-unit harden $(BUILD)/tests/libinject.so $(BUILD)/tests/dump_scalars \
		$(BUILD)/tests/secret_verdict $(BUILD)/tests/props $(BUILD)/tests/df_dump
	@rm -rf $(BUILD)/vg-suite; mkdir -p $(BUILD)/vg-suite; chmod 1777 $(BUILD)/vg-suite
	@[ $(VG_EVERY) -le 1 ] || echo "valgrind-suite: sampling 1 in $(VG_EVERY) processes (offset $(VG_OFFSET)) of: $(VG_SAMPLED)"
	@HARDEN=tests/vg-harden VG_LOGDIR=$(CURDIR)/$(BUILD)/vg-suite HD_UNDER_VALGRIND=1 \
	  VG_EVERY=$(VG_EVERY) VG_OFFSET=$(VG_OFFSET) VG_SAMPLED="$(VG_SAMPLED)" \
	  HD_SAMPLE=$(HD_SAMPLE) HD_SAMPLE_OFFSET=$(HD_SAMPLE_OFFSET) \
	  INJECT=$(BUILD)/tests/libinject.so DUMP=$(BUILD)/tests/dump_scalars SHARED=$(SHARED) \
	  DFDUMP=$(BUILD)/tests/df_dump \
	  VERDICT=$(BUILD)/tests/secret_verdict PROPS=$(BUILD)/tests/props DATA=$(BUILD)/tests/test_data \
	  BUILD_DIR=$(BUILD) bash tests/run.sh; rc=$$?; \
	  n=$$(ls $(BUILD)/vg-suite | wc -l); bad=$$(find $(BUILD)/vg-suite -name '*.log' -size +0); \
	  if [ -n "$$bad" ]; then head -40 $$bad; \
	    echo "valgrind-suite: memcheck errors in $$(echo $$bad | wc -w) of $$n harden processes"; exit 1; fi; \
	  echo "valgrind-suite: $(words $(UNITBIN)) unit binaries and $$n harden processes under memcheck, no error or leak"; exit $$rc

bench: deps harden
	SHARED=$(SHARED) bash bench/run.sh

# The runtime proof (tests/runtime/run.sh): start real containers with podman
# as written and after harden; images are built locally (no registry) and
# cached in /var/cache/harden-runtime and podman's store, keyed by what
# built them. runtime-table adds the run with the image profiles off.
# runtime-dockerfiles (tests/runtime/dockerfiles.sh) builds the Dockerfiles
# of tests/runtime/dockerfiles/ as written and hardened and runs them;
# runtime-test runs both parts, and fails if either does.
RTPKGS = podman runc podman-compose debootstrap python3 python3-yaml dpkg-dev
runtime-test: harden
	@$(MAKE) --no-print-directory apt-install PKGS="$(RTPKGS)"
	@rc=0; \
	HARDEN=./harden bash tests/runtime/run.sh || rc=1; \
	HARDEN=./harden bash tests/runtime/dockerfiles.sh || rc=1; \
	exit $$rc

runtime-dockerfiles: harden
	@$(MAKE) --no-print-directory apt-install PKGS="$(RTPKGS)"
	HARDEN=./harden bash tests/runtime/dockerfiles.sh

runtime-table: harden
	@$(MAKE) --no-print-directory apt-install PKGS="$(RTPKGS)"
	HARDEN=./harden RUNTIME_PROFILES_OFF=1 bash tests/runtime/run.sh || :

install: harden
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 harden $(DESTDIR)$(PREFIX)/bin/harden
	install -d $(DESTDIR)$(PREFIX)/share/harden
	install -m 644 data/images.yaml $(DESTDIR)$(PREFIX)/share/harden/images.yaml
	if [ -f docs/harden.1 ]; then install -m 644 docs/harden.1 $(DESTDIR)$(PREFIX)/share/man/man1/; fi

clean:
	rm -rf build build-san build-fuzz harden

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/*/*/*.d)

.PHONY: all deps deps-test apt-install test-full test-run run unit test check valgrind valgrind-unit valgrind-suite bench install clean readme golden-update fuzz check-includes check-layers format-check runtime-test runtime-table runtime-dockerfiles
