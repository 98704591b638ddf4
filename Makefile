# zerocopy-lab: `make help` lists the targets. `make V=1` shows full commands.

.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDARY:
comma := ,
space := $(subst ,, )
.DEFAULT_GOAL := all

BUILD := build
CFLAGS ?= -O2 -g
# make SANITIZE=1 test: everything built with ASan, UBSan and LeakSanitizer
# (in build/, which a plain make then rebuilds), and the suite fails on any
# report they write.
ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
CFLAGS := -O1 -g $(SAN_FLAGS)
LDFLAGS += $(SAN_FLAGS)
endif
# messages may be cut short on purpose: snprintf truncation is not a bug
# here (GCC's warning; clang has none, and must not stop at its name: CI
# builds make SANITIZE=1 CC=clang, for clang's UBSan)
ZC_CFLAGS := $(CFLAGS) -std=gnu11 -Wall -Wextra -Werror -Wno-format-truncation \
	$(if $(findstring clang,$(CC)),-Wno-unknown-warning-option) -D_GNU_SOURCE \
	-D_FILE_OFFSET_BITS=64 -MMD -MP
BATS ?= bats

# io-uring-zc uses liburing where it is installed; without it, its program
# only says what to install (make LIBURING_H=/none builds it so).
LIBURING_H ?= /usr/include/liburing.h
HAVE_LIBURING := $(if $(wildcard $(LIBURING_H)),1)

# zcviz's live modes need clang, bpftool, libbpf and the kernel's BTF;
# without any of them zcviz is built replay-only (viz/trace_none.c for
# viz/trace.c): --replay works, the live modes exit 3 and say what is
# missing. $(BUILD)/.bpf-state says which, looked at on every build, after
# the build's packages are installed. Pretend with make CLANG=/none,
# BPFTOOL=/none or VMLINUX_BTF=/none.
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

# The flags the objects were built with: when they change (SANITIZE=1 and
# back, liburing installed, the BPF toolchain), everything is built again;
# a build its user may only read stays as it is.
FLAGS_STAMP := $(BUILD)/.flags
FLAGS_NOW := $(ZC_CFLAGS) | $(LDFLAGS) | liburing $(HAVE_LIBURING)
ifneq ($(FLAGS_NOW),$(shell cat $(FLAGS_STAMP) 2>/dev/null))
$(shell { mkdir -p $(BUILD) && printf '%s\n' '$(FLAGS_NOW)' >$(FLAGS_STAMP); } 2>/dev/null)
endif

# What the senders, zc-sink and zcviz share, in lib/ (lib/*.h say what
# each is), the demo table among it. The demos themselves are rows in
# lib/demos.c, and zcviz --list-demos names them.
LIB_OBJS := $(patsubst lib/%.c,$(BUILD)/lib/%.o,$(wildcard lib/*.c))
# The senders' framework: the command line, the run, the summary
# (demos/common.c), and the file with its checksum (demos/file.c)
SENDER_OBJS := $(BUILD)/demos/common.o $(BUILD)/demos/file.o
# The senders, the programs the rows name, one a line: zc-NAME is built
# from demos/NAME.c (an underscore for each dash) and the framework;
# zc-java plays every Java row, under the row's
# program name (below). tests/demos.bats holds this list to the table.
SENDERS := \
	dma-gather \
	io-uring-zc \
	java \
	mmap \
	msg-zerocopy \
	sendfile \
	splice \
	traditional
BINS := $(SENDERS:%=$(BUILD)/zc-%) $(BUILD)/zc-sink $(BUILD)/zcviz
# the loader (trace.c, or trace_none.c): the zcviz rule picks one
VIZ_OBJS := $(filter-out $(BUILD)/viz/trace.o $(BUILD)/viz/trace_none.o,\
	$(patsubst viz/%.c,$(BUILD)/viz/%.o,$(wildcard viz/*.c)))
# the demos' names, in the table's order, once zcviz is built
demo_names = $(shell $(BUILD)/zcviz --list-demos 2>/dev/null | cut -f1)

# the BPF side: clang for the program, bpftool for vmlinux.h and the skeleton
CLANG ?= clang
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
	-e 's/ppc64le/powerpc/' -e 's/riscv64/riscv/' -e 's/s390x/s390/')
LIBBPF_CFLAGS = $(shell pkg-config --cflags libbpf 2>/dev/null)
LIBBPF_LIBS = $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
CURSES_CFLAGS = $(shell pkg-config --cflags ncursesw 2>/dev/null) -DNCURSES_WIDECHAR=1
CURSES_LIBS = $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)
SAMPLE := $(BUILD)/sample-64M.bin

ifneq ($(V),1)
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(2)';
endif

# ---- dependencies ---------------------------------------------------------
# The Debian/Ubuntu packages, in groups, are scripts/deps.sh's (its --help
# says which): make deps installs them, the build checks its own and
# names what is missing, and nothing else installs anything. Optional
# extras (a JDK, the servers, curl, liburing, iperf3, gnuplot, Maven and kcat)
# and Apache Kafka (fetched with Maven into $(BUILD)/kafka/lib, for
# demos/kafka.sh): make deps installs them too, but not with EXTRAS=no,
# and does not fail for them; without them the demos that need them are
# left out and say what to install.
EXTRAS ?= yes
DEPS_SH = ZC_BUILD=$(BUILD) CLANG=$(CLANG) LIBURING_H=$(LIBURING_H) scripts/deps.sh

# GIVE_BACK: a recipe line. Run by root through sudo, a build is the
# invoking user's again once it is done (build/ and what is in it), so that
# their own make and make clean work after sudo make.
GIVE_BACK = $(if $(filter-out 0,$(SUDO_UID)),[ "$$(id -u)" != 0 ] || [ ! -d $(BUILD) ] || \
	chown -R $(SUDO_UID):$(or $(SUDO_GID),$(SUDO_UID)) $(BUILD),true)

# make deps: everything, for building and for testing (CI runs it first),
# and the optional extras; make deps EXTRAS=no leaves those out.
.PHONY: deps
deps:
	$(Q)$(DEPS_SH) install $(if $(filter no,$(EXTRAS)),--no-extras)
	$(Q)$(GIVE_BACK)

# The README's first command, make demo-NAME, installs what the demos and
# the tests need when it is missing (root only), and says so: make deps
# without the extras. Nothing else installs anything.
ifneq ($(filter demo demo-%,$(MAKECMDGOALS)),)
$(BUILD)/.deps-ok: | quickstart-deps
endif
.PHONY: quickstart-deps
quickstart-deps:
	$(Q)[ "$$(id -u)" = 0 ] && [ -n "$$($(DEPS_SH) missing all)" ] || exit 0; \
	echo "make $(firstword $(MAKECMDGOALS)): first what the demos and the tests need (make deps EXTRAS=no; the optional extras: make deps)"; \
	$(MAKE) --no-print-directory deps EXTRAS=no

# The stamp says the build's packages were there; without them the build
# says which to install, and how.
$(BUILD)/.deps-ok: | $(BUILD)
	$(Q)$(DEPS_SH) check build
	$(Q)touch $@

# What zcviz's live modes lack here, if anything (see VMLINUX_BTF above;
# make deps installs their packages); the file is written only when the
# answer changes (a build a user may only read stays as it is), and zcviz
# is linked again then.
$(BUILD)/.bpf-state: $(BUILD)/.deps-ok FORCE
	$(Q)why=; \
	command -v "$(CLANG)" >/dev/null 2>&1 || why="$$why, clang"; \
	command -v "$(BPFTOOL)" >/dev/null 2>&1 || why="$$why, bpftool"; \
	[ -r /usr/include/bpf/libbpf.h ] || why="$$why, libbpf-dev"; \
	[ -r "$(VMLINUX_BTF)" ] || why="$$why, BTF ($(VMLINUX_BTF))"; \
	[ -f $@ ] && [ "$$(cat $@)" = "$${why#, }" ] || printf '%s\n' "$${why#, }" >$@

.PHONY: FORCE
FORCE:

$(BUILD):
	$(Q)mkdir -p $@

# ---- the demos --------------------------------------------------------------

.PHONY: all
all: $(BINS)
	$(Q)$(GIVE_BACK)

$(BUILD)/demos/%.o: demos/%.c $(BUILD)/.deps-ok $(FLAGS_STAMP)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ZC_CFLAGS) -DZC_PROG='"zc-$(subst _,-,$*)"' -c $< -o $@

$(BUILD)/lib/%.o: lib/%.c $(BUILD)/.deps-ok $(FLAGS_STAMP)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ZC_CFLAGS) -c $< -o $@

$(BUILD)/zc-sink: $(BUILD)/demos/sink.o $(BUILD)/demos/recv.o $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -lxxhash -o $@

# a sender: its loop and the senders' framework; zc-dma-gather is built
# from demos/dma_gather.c
.SECONDEXPANSION:
$(BUILD)/zc-%: $(BUILD)/demos/$$(subst -,_,$$*).o $(SENDER_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(SENDER_LIBS) -lxxhash -o $@

ifeq ($(HAVE_LIBURING),1)
$(BUILD)/demos/io_uring_zc.o: ZC_CFLAGS += -DZC_HAVE_LIBURING
$(BUILD)/zc-io-uring-zc: SENDER_LIBS := -luring
endif

# ---- the Java demos -----------------------------------------------------------

# A Java demo is a row with a class in demos/java/; its program is a link to
# zc-java (demos/java.c) under the row's program name, and zc-java
# --programs names them. Without javac the classes are not built, and the
# Java demos say what to install when they are run.
JAVAC ?= $(shell command -v javac 2>/dev/null)
JAVA_SRCS := $(wildcard demos/java/*.java)
JAVA_CLASSES := $(BUILD)/java/.built
JAVA_LINKS := $(BUILD)/.java-links

$(JAVA_CLASSES): $(JAVA_SRCS) | $(BUILD)
	$(call msg,JAVAC,$(@D))
	$(Q)mkdir -p $(@D)
	$(Q)$(JAVAC) --release 11 -Xlint:all -Werror -d $(@D) $^
	$(Q)touch $@

$(JAVA_LINKS): $(BUILD)/zc-java
	$(call msg,LN,$(BUILD)/zc-java-*)
	$(Q)for p in $$($< --programs); do ln -sfn zc-java $(BUILD)/$$p || exit; done
	$(Q)touch $@

.PHONY: java-skipped
java-skipped:
	@echo "  SKIP     the Java demos: no javac here; sudo make deps installs openjdk-17-jdk-headless"

all: $(JAVA_LINKS) $(if $(JAVAC),$(JAVA_CLASSES),java-skipped)

# ---- the man pages --------------------------------------------------------------

# help2man makes them from each program's --help and --version, so that
# nothing is kept in step by hand (man/*.h2m adds the sections --help has
# not); a sender's NAME line is its row's title. Read one with
# man -l build/man/zcviz.1. Without help2man (make deps installs it) they
# are left out, and say so.
HELP2MAN ?= $(shell command -v help2man 2>/dev/null)
MAN_DIR := $(BUILD)/man
MAN_STAMP := $(MAN_DIR)/.built

$(MAN_STAMP): $(BINS) $(JAVA_LINKS) $(wildcard man/*.h2m)
	$(call msg,MAN,$(MAN_DIR)/*.1)
	$(Q)mkdir -p $(MAN_DIR)
	$(Q)$(HELP2MAN) -N -i man/zcviz.h2m -o $(MAN_DIR)/zcviz.1 \
		-n "see every copy a file takes to the network, measured with eBPF" $(BUILD)/zcviz
	$(Q)$(HELP2MAN) -N -i man/sink.h2m -o $(MAN_DIR)/zc-sink.1 \
		-n "receive, count and checksum what the zerocopy-lab demos send" $(BUILD)/zc-sink
	$(Q)$(BUILD)/zcviz --list-demos | while IFS='	' read -r name prog _ _ _ title _; do \
		$(HELP2MAN) -N -i man/sender.h2m -n "$$title" -o $(MAN_DIR)/$$prog.1 $(BUILD)/$$prog || exit; \
	done
	$(Q)touch $@

.PHONY: man-skipped
man-skipped:
	@echo "  SKIP     the man pages: no help2man here; sudo make deps installs it"

all: $(if $(HELP2MAN),$(MAN_STAMP),man-skipped)

# ---- the instrument -----------------------------------------------------------

# The kernel's own types, for CO-RE: from the running kernel's BTF.
$(BUILD)/vmlinux.h: $(BUILD)/.deps-ok
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c >$@

$(BUILD)/zc.bpf.o: bpf/zc.bpf.c bpf/zc.h $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
		-I$(BUILD) $(LIBBPF_CFLAGS) -c $< -o $@

$(BUILD)/zc.skel.h: $(BUILD)/zc.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name zc_bpf >$@

# Only the loader needs the skeleton: the model, the reports and the rest
# build without clang, bpftool or BTF (and so does a replay-only zcviz).
$(BUILD)/viz/trace.o: $(BUILD)/zc.skel.h
$(BUILD)/viz/%.o: viz/%.c $(BUILD)/.deps-ok $(FLAGS_STAMP)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ZC_CFLAGS) -I$(BUILD) $(LIBBPF_CFLAGS) $(CURSES_CFLAGS) -c $< -o $@

# zcviz, live or replay-only as $(BUILD)/.bpf-state says: a make of its
# own builds the loader, so that what the build installed counts
ZCVIZ_LINK = $(CC) $(LDFLAGS) $(VIZ_OBJS) $(LIB_OBJS)

$(BUILD)/zcviz: $(VIZ_OBJS) $(LIB_OBJS) $(BUILD)/.bpf-state viz/trace.c viz/trace_none.c \
		viz/trace.h bpf/zc.bpf.c bpf/zc.h
	$(call msg,LINK,$@)
	$(Q)why=$$(cat $(BUILD)/.bpf-state); \
	if [ -z "$$why" ]; then \
		{ $(MAKE) -q --no-print-directory $(BUILD)/viz/trace.o 2>/dev/null || \
		  $(MAKE) --no-print-directory $(BUILD)/viz/trace.o; } && \
		$(ZCVIZ_LINK) $(BUILD)/viz/trace.o $(LIBBPF_LIBS) $(CURSES_LIBS) -lxxhash -lz -lm -o $@; \
	else \
		echo "  SKIP     zcviz's live modes: no $$why; building a replay-only zcviz (sudo make deps installs them)" >&2; \
		$(CC) $(ZC_CFLAGS) -DZC_BPF_MISSING="\"$$why\"" -c viz/trace_none.c \
			-o $(BUILD)/viz/trace_none.o && \
		$(ZCVIZ_LINK) $(BUILD)/viz/trace_none.o $(CURSES_LIBS) -lxxhash -lz -lm -o $@; \
	fi

# the model's unit tests (tests/model.bats runs them)
$(BUILD)/test-model: tests/unit/test_model.c $(BUILD)/viz/model.o $(BUILD)/viz/verdict.o $(BUILD)/viz/syscalls.o \
		$(BUILD)/viz/counts.o $(BUILD)/lib/demos.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ZC_CFLAGS) -I$(BUILD) $^ -lm -o $@

# the many-threaded sender tests/watch.bats watches
# a machine without io_uring, for tests/zerocopy.bats: a seccomp filter
$(BUILD)/test-no-io-uring: tests/unit/no_io_uring.c $(FLAGS_STAMP)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ZC_CFLAGS) $< -o $@

$(BUILD)/test-two-senders: tests/unit/two_senders.c $(FLAGS_STAMP)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ZC_CFLAGS) -pthread $< -o $@

# ---- fuzzing the trace reader ---------------------------------------------------

# Everything of zcviz under libFuzzer with ASan and UBSan but what needs
# libbpf (trace.c: trace_none.c stands in) or curses (the dashboard's
# terminal and loop): the reader, the model, the session and every output.
FUZZ_SRCS := tests/fuzz/fuzz_trace.c $(filter-out viz/main.c viz/trace.c \
	viz/ui.c viz/dash.c viz/dashkeys.c,$(wildcard viz/*.c)) $(wildcard lib/*.c)
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= -1
FUZZ_CORPUS := $(BUILD)/fuzz/corpus
FUZZ_REGRESSIONS := tests/fuzz/regressions

$(BUILD)/fuzz-trace: $(FUZZ_SRCS) $(wildcard viz/*.h) $(BUILD)/.deps-ok
	$(Q)$(DEPS_SH) check fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) -g -O1 -std=gnu11 -Wall -Wextra -Werror -Wno-unknown-warning-option \
		-D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -fno-sanitize-recover=undefined \
		-fsanitize=fuzzer,address,undefined $(FUZZ_SRCS) -lxxhash -lz -lm -o $@

# make fuzz: FUZZ_SECONDS (default 60) or FUZZ_RUNS executions, seeded with
# the lessons' traces and every input that ever crashed it, which it keeps
# in tests/fuzz/regressions/ (make test replays them; commit them).
.PHONY: fuzz
fuzz: $(BUILD)/fuzz-trace
	$(Q)mkdir -p $(FUZZ_CORPUS) $(FUZZ_REGRESSIONS)
	$(Q)cp lessons/traces/*.trace tests/fixtures/traces/*.trace $(FUZZ_CORPUS)/
	$(Q)for f in $(FUZZ_REGRESSIONS)/*; do [ ! -f "$$f" ] || cp "$$f" $(FUZZ_CORPUS)/; done
	$(Q)$(BUILD)/fuzz-trace -dict=tests/fuzz/trace.dict -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) \
		-print_final_stats=1 -artifact_prefix=$(FUZZ_REGRESSIONS)/ $(FUZZ_CORPUS)

# ---- the samples ----------------------------------------------------------------

# A 64 MiB file of random bytes, so that a checksum means something. Its
# temporary is a new file (mktemp: O_EXCL), never a link someone planted.
$(SAMPLE): | $(BUILD)
	$(call msg,GEN,$@)
	$(Q)tmp=$$(mktemp "$@.XXXXXX") && chmod 644 "$$tmp" && \
		{ head -c 64M /dev/urandom >"$$tmp" && mv -f "$$tmp" "$@" || { rm -f "$$tmp"; exit 1; }; }

# ---- running ----------------------------------------------------------------

# The demo under the dashboard; without root, the demo alone over loopback.
# make demo-foo: one line naming the demos, exit 2, rather than make's "No
# rule" (expanded once zcviz, which knows them, is built).
ZCVIZ_FLAGS ?=
count_word = $(word $(1),one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen)
define demo_run
	$(if $(filter demo $(demo_names:%=demo-%),$@),,$(error no demo '$*'; choose \
		$(subst $(space)demo-,$(comma) demo-,$(demo_names:%=demo-%)) or demo \
		(all $(call count_word,$(words $(demo_names))))))
	$(Q)$(GIVE_BACK)
	$(Q)demo=$(patsubst demo-%,%,$(patsubst demo,demo-all,$@)); \
	if [ "$$(id -u)" = 0 ]; then exec $(BUILD)/zcviz $(ZCVIZ_FLAGS) $$demo; fi; \
	echo "zcviz needs root to load its BPF programs: sudo make $@. Without root, the demo alone, over loopback:" >&2; \
	for d in $$( [ $$demo = all ] && echo $(demo_names) || echo $$demo); do \
		demos/lab.sh run --loopback $$d $(SAMPLE) || exit; done
endef
.PHONY: demo
demo: all $(SAMPLE)
	$(demo_run)
demo-%: all $(SAMPLE)
	$(demo_run)

# The servers people run, each set to copy and not, measured (root; the
# servers are optional extras: make deps installs them, none as a service)
.PHONY: servers
servers: all $(SAMPLE)
	$(Q)demos/servers.sh --table $(SAMPLE)

# ---- lessons --------------------------------------------------------------------

LESSONS := $(sort $(wildcard lessons/en/*.md))

.PHONY: lessons traces
lessons:
	@echo "Lessons (English in lessons/en/, Korean in lessons/ko/):"
	@for f in $(LESSONS) $(subst /en/,/ko/,$(LESSONS)); do \
		printf '  %-32s %s\n' "$$f" "$$(sed -n 's/^# //p' $$f | head -n 1)"; done
	@echo "Recorded runs to watch without root: build/zcviz --replay lessons/traces/DEMO.trace"

# Re-records the traces the lessons replay (root: it runs the demos, with
# the optional extras): each demo's, then the variants the exercises ask
# for, a name and zcviz's options a line in lessons/traces/variants.
# make traces-demos and make traces-variants record either part alone.
TRACE_VARIANTS := lessons/traces/variants
record_traces = while read -r name args; do \
		$(BUILD)/zcviz --report --size 2M --record lessons/traces/$$name.trace $$args >/dev/null </dev/null || exit; \
		echo "  TRACE    lessons/traces/$$name.trace"; done
.PHONY: traces-demos traces-variants traces-servers
traces: traces-demos traces-variants traces-servers
traces-demos: all
	$(Q)for d in $(demo_names); do echo "$$d $$d"; done | $(record_traces)
traces-variants: all
	$(Q)sed -e 's/#.*//' -e '/^[[:space:]]*$$/d' $(TRACE_VARIANTS) | $(record_traces)

# The servers' runs lesson 13 reads (NAME:PROGRAM:SETTING of servers.sh):
# zcviz's JSON and what servers.sh said beside it, in lessons/outputs/;
# the nginx ones recorded too, in lessons/traces/ (the servers: make deps)
SERVER_RUNS := server-nginx-on:nginx:on server-nginx-off:nginx:off \
	server-apache2-mmap:apache2:mmap server-python3:python3:http.server \
	server-haproxy-off:haproxy:off server-haproxy-splice:haproxy:splice \
	server-caddy-gzip:caddy:gzip server-vsftpd-sendfile:vsftpd:sendfile
traces-servers: all $(SAMPLE)
	$(Q)for r in $(SERVER_RUNS); do n=$${r%%:*} r=$${r#*:}; p=$${r%%:*} s=$${r#*:}; \
		case $$n in server-nginx-*) set -- --record lessons/traces/$$n.trace ;; *) set -- ;; esac; \
		demos/servers.sh --json "$$@" $$p $$s $(SAMPLE) >lessons/outputs/$$n.json \
			2>lessons/outputs/$$n.log || exit; \
		echo "  OUTPUT   lessons/outputs/$$n.json"; done

# The test tools, checked before anything is built for the tests; after the
# build's own packages, so that two apt-gets never run at once (make -j).
.PHONY: test-deps
test-deps: $(BUILD)/.deps-ok
	$(Q)$(DEPS_SH) check test

# The classic table, peers and overhead: build/bench/results.{csv,md,svg}.
.PHONY: bench
bench: test-deps all
	$(Q)tests/bench/bench.sh; rc=$$?; $(GIVE_BACK); exit $$rc

# The tables and chart again from the data the last make bench left in
# build/bench, measuring nothing (no root): a chart redrawn, say.
.PHONY: bench-render
bench-render:
	$(Q)tests/bench/render.sh $(BUILD)/bench; rc=$$?; $(GIVE_BACK); exit $$rc

.PHONY: test test-slow
SAN_LOGS := $(abspath $(BUILD))/sanitizers
SAN_ENV := ASAN_OPTIONS=log_path=$(SAN_LOGS)/asan:detect_leaks=1 \
	UBSAN_OPTIONS=log_path=$(SAN_LOGS)/ubsan:print_stacktrace=1

# make test replays the fuzzer's finds with its harness where libFuzzer is
# installed (make deps installs it); tests/fuzz.bats says when it is not.
.PHONY: fuzz-harness-if-possible
fuzz-harness-if-possible: $(BUILD)/.deps-ok
	$(Q)[ -z "$$($(DEPS_SH) missing fuzz)" ] || exit 0; \
		$(MAKE) --no-print-directory $(BUILD)/fuzz-trace

test: test-deps all $(BUILD)/test-model $(BUILD)/test-two-senders \
	$(BUILD)/test-no-io-uring fuzz-harness-if-possible $(SAMPLE)
ifeq ($(SANITIZE),1)
	$(Q)rm -rf $(SAN_LOGS) && mkdir -p $(SAN_LOGS) && chmod 1777 $(SAN_LOGS)
	$(Q)$(SAN_ENV) $(BATS) $(BATS_FLAGS) tests; rc=$$?; \
	found=$$(grep -lE 'ERROR: [A-Za-z]+Sanitizer|runtime error:' $(SAN_LOGS)/* 2>/dev/null); \
	other=$$(grep -LE 'ERROR: [A-Za-z]+Sanitizer|runtime error:' $(SAN_LOGS)/* 2>/dev/null); \
	[ -z "$$other" ] || { echo "sanitizers: the tools' own words, no finding (a process killed while LeakSanitizer checked it):"; \
		cat $$other; }; \
	if [ -n "$$found" ]; then cat $$found >&2; \
		echo "sanitizers: $$(echo $$found | wc -w) report(s), above and in $(SAN_LOGS)" >&2; exit 1; fi; \
	echo "sanitizers: no reports"; $(GIVE_BACK); exit $$rc
else
	$(Q)$(BATS) $(BATS_FLAGS) tests; rc=$$?; $(GIVE_BACK); exit $$rc
endif

# adds the runs that take minutes: 64 MiB one byte per call, a 2 GiB file
test-slow:
	$(Q)ZC_SLOW=1 $(MAKE) --no-print-directory test

# ---- installing ---------------------------------------------------------------

# make install, as packagers expect it: PREFIX (default /usr/local) and
# DESTDIR. zcviz in bin/; the programs it runs (zc-sink, the senders, the
# Java demos' classes), the lab script, servers.sh, nginx.sh and kafka.sh, and Apache
# Kafka's jars where make deps fetched them, in libexec/zerocopy-lab/, as
# build/ and demos/ hold them, where an installed zcviz and the scripts
# look (../libexec/zerocopy-lab from bin/: viz/paths.h); zc-sink also in
# bin/, a link; the man pages in share/man/man1/; the lessons' traces in
# share/zerocopy-lab/traces/. make uninstall removes them again.
PREFIX ?= /usr/local
BINDIR := $(PREFIX)/bin
LIBEXECDIR := $(PREFIX)/libexec/zerocopy-lab
MANDIR := $(PREFIX)/share/man/man1
DATADIR := $(PREFIX)/share/zerocopy-lab
INSTALL ?= install

.PHONY: install uninstall
install: all
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR)/traces
	$(Q)$(INSTALL) -m 755 $(BUILD)/zcviz $(DESTDIR)$(BINDIR)/
	$(Q)$(INSTALL) -m 755 $(BUILD)/zc-sink $(SENDERS:%=$(BUILD)/zc-%) \
		demos/lab.sh demos/nginx.sh demos/servers.sh demos/kafka.sh $(DESTDIR)$(LIBEXECDIR)/
	$(Q)$(INSTALL) -m 644 demos/common.sh demos/servers.conf.sh $(DESTDIR)$(LIBEXECDIR)/
	$(Q)ln -sfn ../libexec/zerocopy-lab/zc-sink $(DESTDIR)$(BINDIR)/zc-sink
	$(Q)for p in $$($(BUILD)/zc-java --programs); do \
		ln -sfn zc-java $(DESTDIR)$(LIBEXECDIR)/$$p || exit; done
	$(Q)[ ! -f $(JAVA_CLASSES) ] || { $(INSTALL) -d $(DESTDIR)$(LIBEXECDIR)/java && \
		$(INSTALL) -m 644 $(BUILD)/java/*.class $(DESTDIR)$(LIBEXECDIR)/java/; }
	$(Q)[ ! -d $(BUILD)/kafka/lib ] || { $(INSTALL) -d $(DESTDIR)$(LIBEXECDIR)/kafka/lib && \
		$(INSTALL) -m 644 $(BUILD)/kafka/lib/*.jar $(DESTDIR)$(LIBEXECDIR)/kafka/lib/; }
	$(Q)$(INSTALL) -m 644 lessons/traces/*.trace $(DESTDIR)$(DATADIR)/traces/
# the man pages, where make built them (without help2man, all said why not)
ifneq ($(HELP2MAN),)
	$(Q)$(INSTALL) -d $(DESTDIR)$(MANDIR)
	$(Q)for p in zcviz zc-sink $$($(BUILD)/zcviz --list-demos | cut -f2); do \
		$(INSTALL) -m 644 $(MAN_DIR)/$$p.1 $(DESTDIR)$(MANDIR)/ || exit; done
endif
	$(Q)$(GIVE_BACK)

# a man page for zcviz and each program that is installed, as make
# install left them; then the directories that are ours alone
uninstall:
	$(call msg,RM,$(DESTDIR)$(PREFIX))
	$(Q)for p in zcviz $$(cd $(DESTDIR)$(LIBEXECDIR) 2>/dev/null && ls -d zc-*); do \
		rm -f $(DESTDIR)$(MANDIR)/$$p.1 || exit; done
	$(Q)rm -f $(DESTDIR)$(BINDIR)/zcviz $(DESTDIR)$(BINDIR)/zc-sink
	$(Q)rm -rf $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR)

# ---- housekeeping -----------------------------------------------------------

.PHONY: format clean help
format:
	$(Q)clang-format -i demos/*.c demos/*.h lib/*.c lib/*.h viz/*.c viz/*.h bpf/*.c bpf/*.h

clean:
	$(Q)rm -rf $(BUILD)

help:
	@echo "zerocopy-lab targets:"
	@echo "  make                  build the demos into $(BUILD)/ (names missing packages: make deps),"
	@echo "                        and their man pages: man -l $(BUILD)/man/zcviz.1"
	@echo "  make deps             install every missing Debian/Ubuntu package (build, test, extras;"
	@echo "                        EXTRAS=no: not the extras), or name them; fetches Apache Kafka"
	@echo "                        (an extra, for demos/kafka.sh) with Maven into $(BUILD)/kafka/lib"
	@echo "  make demo-NAME        a demo in the lab, under the dashboard (root)$$([ -x $(BUILD)/zcviz ] && echo : || echo '; once built, make help names them')"
	@[ ! -x $(BUILD)/zcviz ] || $(BUILD)/zcviz --list-demos | \
		awk -F'\t' '{ printf "    %-20s %s\n", "demo-" $$1, $$6 }'
	@echo "  make demo             every demo, one after the other (zcviz all)"
	@echo "  make servers          nginx, apache2, lighttpd, haproxy, caddy, python3, node, vsftpd:"
	@echo "                        do they copy? (root; the servers: make deps)"
	@echo "  make lessons          list the lessons (English and Korean)"
	@echo "  make traces           re-record the runs the lessons replay (root)"
	@echo "  make test             run every test (bats; as root for the lab tests)"
	@echo "  make test-slow        the same, plus the runs that take minutes (chaos, load, 1000 runs)"
	@echo "  make SANITIZE=1 test  the suite with ASan, UBSan and LeakSanitizer; fails on any report"
	@echo "  make fuzz             fuzz the trace reader (FUZZ_SECONDS=60 or FUZZ_RUNS=N)"
	@echo "  make bench            the classic table, iperf3, overhead (root; BENCH_QUICK=1)"
	@echo "  make bench-render     results.md and the chart again from make bench's data"
	@echo "  make install          install zcviz, the programs, man pages and traces into"
	@echo "                        PREFIX (/usr/local; DESTDIR for a package); make uninstall"
	@echo "  make format           clang-format the C sources"
	@echo "  make clean            remove $(BUILD)/"
	@echo "Variables: V=1 shows full commands; BATS_FLAGS=... is passed to bats;"
	@echo "  ZCVIZ_FLAGS=... is passed to zcviz (e.g. ZCVIZ_FLAGS=--step)."

-include $(wildcard $(BUILD)/demos/*.d $(BUILD)/lib/*.d $(BUILD)/viz/*.d)
