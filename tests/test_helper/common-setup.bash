# Loaded by every bats file: assertions, build/ and demos/ on PATH, helpers.

_common_setup() {
	bats_require_minimum_version 1.5.0
	bats_load_library bats-support
	bats_load_library bats-assert
	bats_load_library bats-file
	ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	PATH="$ROOT/build:$ROOT/demos:$PATH"
	# the demos, as the one table has them
	DEMOS=$(demos_list | cut -f1 | tr '\n' ' ')
	# where a user without root finds the programs (setup_suite)
	USER_ROOT=${USER_ROOT:-$ROOT}
}

# demos_list: zcviz --list-demos (name, program, scatter-gather, copies
# without and with it, title, brief; tab-separated)
demos_list() {
	"$ROOT/build/zcviz" --list-demos || echo "build/zcviz --list-demos failed: run make" >&2
}

# lang_of DEMO: what its row says it is written in (c, java)
lang_of() {
	demos_list | awk -F'\t' -v d="$1" '$1 == d { print $8 }'
}

# c_demos: the demos written in C, whose syscalls are the textbook's own
# (a JVM makes more of its own, around each call)
c_demos() {
	demos_list | awk -F'\t' '$8 == "c" { print $1 }' | tr '\n' ' '
}

# runnable_demos: the demos this machine has what they need for (their
# program's --check: a JVM, io_uring), in the table's order
runnable_demos() {
	demos_list | while IFS=$'\t' read -r name prog _; do
		if "$ROOT/build/$prog" --check >/dev/null 2>&1; then
			printf '%s ' "$name"
		fi
	done
}

# demo_choices: the names, then "or all or classic", as zcviz says them
demo_choices() {
	local names
	names=$(demos_list | cut -f1 | paste -sd, | sed 's/,/, /g')
	echo "$names or all or classic"
}

# classic_demos: the article's four, as the table marks them
classic_demos() {
	demos_list | awk -F'\t' '$10 == "classic" { print $1 }' | tr '\n' ' '
}

# as_nobody CMD...: CMD as a user without root. Give it programs and files
# under $USER_ROOT: the checkout itself may be one nobody cannot enter.
as_nobody() {
	runuser -u nobody -- "$@"
}

# user_root_make: sets USER_ROOT to the checkout, when a user without
# root can run its programs and read its lessons; otherwise to a copy of
# them that such a user can (a clone in a 0700 directory, or in a 0750
# home, is one nobody cannot enter).
user_root_make() {
	USER_ROOT=$ROOT
	[ "$(id -u)" = 0 ] || return 0
	if runuser -u nobody -- test -x "$ROOT/build/zcviz" -a -r "$ROOT/lessons/traces/mmap.trace" 2>/dev/null; then
		return 0
	fi
	USER_ROOT=$(mktemp -d /tmp/zc-user.XXXXXX)
	mkdir -p "$USER_ROOT/build"
	cp -a "$ROOT"/build/zc-* "$ROOT/build/zcviz" "$USER_ROOT/build/"
	[ ! -d "$ROOT/build/java" ] || cp -a "$ROOT/build/java" "$USER_ROOT/build/"
	cp -a "$ROOT/demos" "$ROOT/lessons" "$USER_ROOT/"
	# the benchmark's results, which lesson 10's exercise reads
	mkdir -p "$USER_ROOT/tests/bench"
	cp -a "$ROOT"/tests/bench/results-*.md "$USER_ROOT/tests/bench/"
	chmod -R a+rX "$USER_ROOT"
	ZC_USER_COPY=$USER_ROOT
}

require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, ethtool)"
}

# make_file PATH BYTES: random content, so that a checksum means something
make_file() {
	head -c "$2" /dev/urandom >"$1"
}

# odd_file_setup [NAME]: for a setup_file, ODD: a file of 50 MiB + 3 bytes
# (called NAME, odd by default), an odd size for the tests that want every
# byte counted exactly; made only for root, who runs them (each skips
# without root in its setup; bats 1.8 cannot skip from setup_file)
odd_file_setup() {
	[ "$(id -u)" = 0 ] || return 0
	export ODD="$BATS_FILE_TMPDIR/${1:-odd}"
	make_file "$ODD" $((50 * 1024 * 1024 + 3))
}

# two_senders ARGS...: tests/unit/two_senders.c, in place of the caller's
# (sub)shell. Built with the sanitizers (make SANITIZE=1), its
# LeakSanitizer checks it at exit from a clone of its own (not a thread:
# a process zcviz -p rightly follows); the tests count its processes, so
# the leak check is off for it (it is a test's tool, not the project's).
two_senders() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" exec "$ROOT/build/test-two-senders" "$@"
}

# Same sizes the acceptance names: 0, 1, 4095, 4096, 4097, 1 MiB + 1, 64 MiB
make_size_files() { # make_size_files DIR
	local s
	for s in 0 1 4095 4096 4097 1048577 67108864; do
		[ -f "$1/f$s" ] || make_file "$1/f$s" "$s"
	done
}

# sink_start ADDR [NETNS [OPTIONS...]]: a zc-sink serving connection after
# connection (or as OPTIONS say), its stdout in SINK_OUT and its stderr in
# SINK_OUT.err; sets SINK_PID, SINK_PORT, SINK_OUT. SINK_BOUND=SECONDS
# bounds its life, so that a sink that hangs fails the test instead.
sink_start() {
	local addr=$1 ns=${2:-} i run=()
	shift $(($# < 2 ? $# : 2))
	SINK_OUT=$(mktemp "${BATS_TEST_TMPDIR:-/tmp}/sink.XXXX")
	[ -z "$ns" ] || run+=(ip netns exec "$ns")
	[ -z "${SINK_BOUND:-}" ] || run+=(timeout "$SINK_BOUND")
	"${run[@]}" zc-sink --listen "$addr:0" "$@" >"$SINK_OUT" 2>"$SINK_OUT.err" 3>&- &
	SINK_PID=$!
	for i in $(seq 100); do
		SINK_PORT=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$SINK_OUT.err")
		[ -n "$SINK_PORT" ] && return 0
		sleep 0.05
	done
	echo "zc-sink did not start: $(cat "$SINK_OUT.err")" >&2
	return 1
}

sink_stop() {
	if [ -n "${SINK_PID:-}" ]; then
		kill "$SINK_PID" 2>/dev/null || true
		wait "$SINK_PID" 2>/dev/null || true
	fi
	SINK_PID=""
}

# sink_line N: waits for the sink's Nth line and prints it
sink_line() {
	local i
	for i in $(seq 600); do
		if [ "$(wc -l <"$SINK_OUT")" -ge "$1" ]; then
			sed -n "$1p" "$SINK_OUT"
			return 0
		fi
		sleep 0.05
	done
	echo "no line $1 from zc-sink: $(cat "$SINK_OUT.err")" >&2
	return 1
}

field() { # field NAME LINE: bytes or sum (the checksum) from a summary line
	case $1 in
	bytes) sed -n 's/.*\(sent\|received\) \([0-9]*\) bytes.*/\2/p' <<<"$2" ;;
	sum) sed -n 's/.*xxh3=\([0-9a-f]*\).*/\1/p' <<<"$2" ;;
	esac
}

# lab_up SG: a lab of our own for this test; sets LAB_ID and ZCLAB_*.
# lab_down removes every lab the test made.
lab_up() {
	LAB_ID=b$((RANDOM % 100000))
	LAB_IDS="${LAB_IDS:-} $LAB_ID"
	eval "$(lab.sh up --id "$LAB_ID" --owner $$ --sg "$1" 2>/dev/null)"
}

lab_down() {
	local id
	for id in ${LAB_IDS:-} ${LAB_ID:-}; do
		lab.sh down "$id" 2>/dev/null
	done
	LAB_IDS="" LAB_ID=""
	return 0
}

# require_bpf: zcviz needs root and a kernel with BTF
require_bpf() {
	require_root
	[ -r /sys/kernel/btf/vmlinux ] || skip "needs a kernel with BTF (/sys/kernel/btf/vmlinux)"
	! "$ROOT/build/zcviz" --help | grep -q "built replay-only" ||
		skip "zcviz was built replay-only (no BPF toolchain when it was built): sudo make deps, then make"
}

# no_bpf_left: no program of ours stays loaded once zcviz has exited
no_bpf_left() {
	local i
	for i in $(seq 20); do
		bpftool prog list 2>/dev/null | grep -q ' name zc_' || return 0
		sleep 0.1
	done
	echo "BPF programs left loaded:" >&2
	bpftool prog list | grep ' name zc_' >&2
	return 1
}

# our_labs: the labs this test suite made (lab.sh records ZCLAB_TAG,
# which setup_suite sets) that are still there, in part or whole; labs
# of anything else on the machine are not ours to judge
our_labs() {
	local f
	for f in /run/zclab/*; do
		[ -f "$f" ] || continue
		[ "$(awk '{ print $4 }' "$f")" = "${ZCLAB_TAG:-none}" ] && basename "$f"
	done
	return 0
}

no_lab_left() {
	local left
	left=$(our_labs)
	[ -z "$left" ] || { echo "left behind: the labs $(echo $left)" >&2; return 1; }
}

# ours_pids NAME: the processes running this build's NAME (zcviz,
# zc-sink, ...), not anyone else's
ours_pids() {
	ours_running | awk -v n="$1" '{ m = split($2, p, "/") } p[m] == n { print $1 }'
}

# ours_running: programs of this build that are still running
ours_running() {
	find /proc -mindepth 2 -maxdepth 2 -name exe \( -lname "$ROOT/build/zc*" \
		-o -lname "${USER_ROOT:-$ROOT}/build/zc*" \) -printf '%h %l\n' 2>/dev/null |
		sed 's|^/proc/||'
	return 0
}

# jget JSON FILTER: one value out of a zcviz --json line
jget() {
	jq -r "$2" <<<"$1"
}

# within VALUE WANT TOLERANCE: |value - want| <= tolerance
within() {
	awk -v v="$1" -v w="$2" -v t="$3" 'BEGIN { d = v - w; if (d < 0) d = -d; exit !(d <= t) }'
}

# ---- driving the dashboard in tmux (a server of our own: -L zctest) ----

# SHELL: tmux runs the window's command with it, and without it with the
# user's login shell, which for nobody is nologin (the window would close
# at once: "no server running")
tmx() {
	SHELL=/bin/bash tmux -u -L zctest -f /dev/null "$@"
}

# tmux_start WxH CMD...: a detached window running CMD; when CMD ends the
# window shows EXIT=<status> and stays, so that the test can read it.
tmux_start() {
	local size=$1
	shift
	tmx kill-session -t zc 2>/dev/null || true
	tmx new-session -d -s zc -x "${size%x*}" -y "${size#*x}" \
		"cd '$BATS_TEST_TMPDIR' && $*; echo EXIT=\$?; sleep 600"
}

# tmux_screen [OPTIONS]: what the window shows (HISTORY=1: and above)
tmux_screen() {
	if [ -n "${HISTORY:-}" ]; then
		tmx capture-pane -p -t zc -S -60 "$@"
	else
		tmx capture-pane -p -t zc "$@"
	fi
}

# tmux_wait REGEX [SECONDS]: until the screen shows REGEX
tmux_wait() {
	local i
	for i in $(seq $((${2:-20} * 10))); do
		tmux_screen | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	echo "timed out waiting for '$1'; the screen:" >&2
	tmux_screen >&2
	return 1
}

tmux_keys() {
	tmx send-keys -t zc "$@"
}

# tmux_stop: closes the windows, and waits for zcviz to clean up (SIGHUP)
tmux_stop() {
	local i
	tmx kill-server 2>/dev/null || true
	for i in $(seq 100); do
		[ -n "$(ours_pids zcviz)" ] || return 0
		sleep 0.1
	done
}

# screen_number LABEL: the number after LABEL on the screen ("syscalls 12")
screen_number() {
	tmux_screen | sed -n "s/.*$1 \([0-9][0-9]*\).*/\1/p" | head -n 1
}

# ---- an independent count of what the lab's devices send ----------------

# xmit_count_start: counts every packet any lab device hands on to its
# driver (net:net_dev_start_xmit on zclab-*-t), in ftrace's own ring
# buffer: the tracepoint's events, written by the kernel without BPF or
# perf, in a tracefs instance of this test's own. xmit_count_stop DEV
# prints how many DEV sent, and of them how many while a thread of PID 1
# was the current task (a softirq runs as the task it interrupted: on
# these machines no BPF program runs then, docs/measurement.md), and
# removes the instance; it fails when the buffer lost events.
xmit_count_start() {
	local t=/sys/kernel/tracing
	[ -d $t/instances ] || { mount -t tracefs nodev $t && XC_MOUNTED=1; }
	XC=$t/instances/zctest-$$-${BATS_TEST_NUMBER:-0}
	mkdir "$XC"
	echo 32768 >"$XC/buffer_size_kb"
	echo 'name ~ "zclab-*-t"' >"$XC/events/net/net_dev_start_xmit/filter"
	echo 1 >"$XC/events/net/net_dev_start_xmit/enable"
}

xmit_count_stop() {
	local n pid1 lost
	echo 0 >"$XC/events/net/net_dev_start_xmit/enable"
	n=$(grep -c " dev=$1 " "$XC/trace")
	# each event's task, COMM-TID before its [CPU], one of PID 1's?
	pid1=$(grep " dev=$1 " "$XC/trace" | awk -v tids="$(ls /proc/1/task | tr '\n' ' ')" '
		BEGIN { n = split(tids, t, " "); for (i = 1; i <= n; i++) one[t[i]] = 1 }
		match($0, /-[0-9]+ +\[[0-9]+\]/) {
			tid = substr($0, RSTART + 1, RLENGTH - 1); sub(/ .*/, "", tid)
			c += (tid in one)
		}
		END { print c + 0 }')
	lost=$(awk '$1 == "overrun:" { s += $2 } END { print s + 0 }' "$XC"/per_cpu/cpu*/stats)
	xmit_count_end
	[ "$lost" = 0 ] || { echo "ftrace's buffer lost $lost events" >&2; return 1; }
	echo "$n $pid1"
}

# xmit_count_end: removes the instance (teardown calls it too)
xmit_count_end() {
	[ -z "${XC:-}" ] || [ ! -d "$XC" ] || {
		echo 0 >"$XC/events/net/net_dev_start_xmit/enable"
		rmdir "$XC"
	}
	XC=""
	[ -z "${XC_MOUNTED:-}" ] || umount /sys/kernel/tracing
	XC_MOUNTED=""
}

# sources_copy: the project's sources as they are (changes and all) in
# $BATS_TEST_TMPDIR/src, as COPY, to break and build; skips where zcviz
# was built replay-only (no BPF toolchain to build them with)
sources_copy() {
	"$ROOT/build/zcviz" --help | grep -q "built replay-only" &&
		skip "zcviz here was built replay-only: sudo make deps installs clang, bpftool, libbpf"
	COPY="$BATS_TEST_TMPDIR/src"
	mkdir -p "$COPY"
	(cd "$ROOT" && git -c safe.directory='*' ls-files -z | xargs -0 cp --parents -t "$COPY")
}
