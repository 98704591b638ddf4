#!/usr/bin/env bats
# zcviz -p PID: a program already running, anyone's, on any device (here
# loopback), watched until it exits or Ctrl-C: bytes by arrow and kind,
# per file and per flow, from its threads at once, nothing lost or counted
# twice; unverified, and it says so. Bad input: one line, the right exit
# status, nothing left. Needs root and BTF.

setup() {
	load test_helper/common-setup
	_common_setup
	require_bpf
}

teardown() {
	[ -z "${SHARED:-}" ] || rm -rf "$SHARED"
	[ -z "${SENDER:-}" ] || kill "$SENDER" 2>/dev/null || true
	sink_stop
	no_bpf_left
	assert_equal "$(ours_pids zcviz)" ""
}

# watch_start PID [ARGS...]: zcviz -p PID in the background, its stdout in
# WATCH_OUT; returns once it says it is watching
watch_start() {
	local pid=$1 i
	shift
	WATCH_OUT=$BATS_TEST_TMPDIR/watch.out
	zcviz "$@" -p "$pid" >"$WATCH_OUT" 2>"$WATCH_OUT.err" 3>&- &
	WATCHER=$!
	for i in $(seq 100); do
		grep -q "^zcviz: watching " "$WATCH_OUT.err" && return 0
		sleep 0.05
	done
	fail "zcviz -p did not start: $(cat "$WATCH_OUT.err")"
}

# two_senders_watched A_BYTES B_BYTES [ZCVIZ ARGS...]: test-two-senders
# sends a file of A_BYTES (read and written) and one of B_BYTES
# (sendfile) to a sink on loopback from two threads, watched by zcviz -p
# with ARGS; returns once both have been sent and the watch has ended
# (its JSON in WATCH_OUT, the senders' lines in SENDERS_OUT)
two_senders_watched() {
	local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b i
	SENDERS_OUT=$BATS_TEST_TMPDIR/senders.out
	make_file "$a" "$1"
	make_file "$b" "$2"
	shift 2
	sink_start 127.0.0.1
	"$ROOT/build/test-two-senders" 127.0.0.1 "$SINK_PORT" "$a" "$b" >"$SENDERS_OUT" 3>&- &
	SENDER=$!
	# it has exec()ed and waits (zcviz would follow it from before the
	# exec too; its name would then be the shell's until the end)
	for i in $(seq 100); do
		grep -q "^ready$" "$SENDERS_OUT" && break
		sleep 0.05
	done
	watch_start "$SENDER" "$@"
	kill -USR1 "$SENDER"
	wait "$SENDER"
	SENDER=""
	wait "$WATCHER"
}

@test "two threads sending two files on two sockets: counted per file and per flow, nothing lost or twice" {
	local j
	two_senders_watched $((30 * 1024 * 1024 + 1)) $((20 * 1024 * 1024 + 3)) --json
	j=$(cat "$WATCH_OUT")
	# the receiver got both, whole (as the sink says: zcviz does not check)
	assert_equal "$(grep -c ": received .* bytes xxh3=" "$SENDERS_OUT")" 2
	assert_equal "$(jget "$j" .verified)" false
	assert_equal "$(jget "$j" .watched.comm)" test-two-sender
	# every byte its sockets took, once
	assert_equal "$(jget "$j" .file_bytes)" $((50 * 1024 * 1024 + 4))
	# file a read() and write()n: two copies; file b sendfile()d: none
	assert_equal "$(jget "$j" '.files[] | select(.name == "a") | .read_bytes')" $((30 * 1024 * 1024 + 1))
	assert_equal "$(jget "$j" '.files[] | select(.name == "a") | .sendfile_bytes')" 0
	assert_equal "$(jget "$j" '.files[] | select(.name == "b") | .sendfile_bytes')" $((20 * 1024 * 1024 + 3))
	assert_equal "$(jget "$j" '.files[] | select(.name == "b") | .read_bytes')" 0
	assert_equal "$(jget "$j" .cpu_copy_bytes)" $((2 * (30 * 1024 * 1024 + 1)))
	# one flow a file: copied, or by reference; and so many bytes on the device
	assert_equal "$(jget "$j" '.flows | length')" 2
	assert_equal "$(jget "$j" '[.flows[] | .copied_bytes] | sort | join(" ")')" "0 $((30 * 1024 * 1024 + 1))"
	assert_equal "$(jget "$j" '[.flows[] | .referenced_bytes] | sort | join(" ")')" "0 $((20 * 1024 * 1024 + 3))"
	assert_equal "$(jget "$j" '[.flows[] | .device_bytes - .retransmitted_bytes] | add')" $((50 * 1024 * 1024 + 4))
	assert_equal "$(jget "$j" '.edges.socket_to_nic.bytes - .retransmitted_bytes')" $((50 * 1024 * 1024 + 4))
	# the totals are the flows' sums
	assert_equal "$(jget "$j" '[.flows[] | .taken_bytes] | add')" "$(jget "$j" .file_bytes)"
}

@test "--record keeps a watched program's run, and its replay without root prints the same JSON" {
	local trace
	# a place a user without root may read
	SHARED=$(mktemp -d /tmp/zc-rec.XXXX)
	chmod 755 "$SHARED"
	trace=$SHARED/watched.trace
	two_senders_watched $((3 * 1024 * 1024 + 1)) $((2 * 1024 * 1024 + 3)) --json --record "$trace"
	chmod 644 "$trace"
	run -0 as_nobody "$ROOT/build/zcviz" --replay "$trace" --json
	# the same object, but that a replay says what it replays
	assert_equal "$(jq -cS 'del(.replay_of)' <<<"$output")" "$(jq -cS 'del(.hooks)' "$WATCH_OUT")"
	assert_equal "$(jq -r '.flows | length' <<<"$output")" 2
}

@test "Ctrl-C ends the watch of a program that goes on: the report, exit 0, nothing left" {
	sleep 30 3>&- &
	SENDER=$!
	watch_start "$SENDER" --report
	kill -INT "$WATCHER"
	local rc=0
	wait "$WATCHER" || rc=$?
	assert_equal "exit $rc" "exit 0"
	run cat "$WATCH_OUT"
	assert_line --regexp "^sleep \(pid $SENDER\): watched [0-9.]+ s; its sockets took 0 bytes$"
	assert_line --regexp "^  sender CPU +user [0-9.]+ ms, sys [0-9.]+ ms \(while watched; /proc counts 10 ms ticks\)$"
	assert_line --regexp "^  checksum +not verified: the receivers are not zcviz's$"
	refute_output --partial "stopped by signal"
}

@test "-p of a pid that does not exist, of a kernel thread, of zcviz's options: one line, exit 2, nothing left" {
	local gone
	sh -c 'exit 0' 3>&- &
	gone=$!
	wait "$gone" || true
	run -2 zcviz -p "$gone"
	assert_output "zcviz: no process $gone here: give the PID of a running program (pgrep NAME finds it)"
	run -2 zcviz -p 2
	assert_output "zcviz: 2 is a kernel thread: it sends nothing zcviz could watch"
	run -2 zcviz -p 1x
	assert_output "zcviz: -p takes the PID of a running program, like 1234, not '1x'; see zcviz --help"
	run -2 zcviz -p 1 traditional
	assert_output "zcviz: -p PID watches a running program: give no DEMO or command; see zcviz --help"
	run -2 zcviz --size 1M -p 1
	assert_output "zcviz: -p PID watches what the program does: --size does not apply; see zcviz --help"
	run -2 zcviz --sg off --size 1M --chunk 4K -p 1
	assert_output "zcviz: -p PID watches what the program does: --size, --chunk, --sg do not apply; see zcviz --help"
	assert_equal "$(our_labs)" ""
}

@test "-p of a program that exits at once is a clear error or an empty report, never a hang" {
	local pid
	sh -c 'sleep 0.2' 3>&- &
	pid=$!
	run --separate-stderr timeout 20 zcviz --json -p "$pid"
	# gone before zcviz looked (2), before it attached (1), or watched to
	# its exit (0): each in a line of its own
	case $status in
	0) assert_equal "$(jget "$output" .file_bytes)" 0 ;;
	1 | 2) assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1 ;;
	*) fail "exit $status: $output" ;;
	esac
}

@test "zcviz -p inside a PID namespace of its own says it cannot match the kernel's PIDs, exit 3" {
	command -v unshare >/dev/null || skip "needs unshare (util-linux)"
	run -3 unshare --pid --fork --mount-proc "$ROOT/build/zcviz" -p 1
	assert_output "zcviz: zcviz runs in a PID namespace of its own (a container?), and BPF sees the host's PIDs: run zcviz -p on the host, with the PID the host sees"
}
