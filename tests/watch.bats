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
	[ -z "${SENDER:-}" ] || kill $SENDER 2>/dev/null || true
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

# senders_start OUT A B [--fork]: test-two-senders, to the sink, to send
# files A and B once told (SIGUSR1); its lines in OUT, its PID in STARTED,
# once it has exec()ed and waits (zcviz would follow it from before the
# exec too; its name would then be the shell's until the end)
senders_start() {
	local out=$1 a=$2 b=$3 i
	shift 3
	two_senders "$@" 127.0.0.1 "$SINK_PORT" "$a" "$b" >"$out" 3>&- &
	STARTED=$!
	for i in $(seq 100); do
		grep -q "^ready$" "$out" && return 0
		sleep 0.05
	done
	fail "test-two-senders did not start: $(cat "$out")"
}

# two_senders_watched A_BYTES B_BYTES [ZCVIZ ARGS...]: test-two-senders
# sends a file of A_BYTES (read and written) and one of B_BYTES
# (sendfile) to a sink on loopback from two threads (two processes it
# forks once watched, with SENDERS_FORK=1), watched by zcviz -p with
# ARGS; returns once both have been sent and the watch has ended (its
# JSON in WATCH_OUT, the senders' lines in SENDERS_OUT, its PID in
# SENDERS_PID)
two_senders_watched() {
	local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b
	SENDERS_OUT=$BATS_TEST_TMPDIR/senders.out
	make_file "$a" "$1"
	make_file "$b" "$2"
	shift 2
	sink_start 127.0.0.1
	senders_start "$SENDERS_OUT" "$a" "$b" ${SENDERS_FORK:+--fork}
	SENDER=$STARTED SENDERS_PID=$STARTED
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

@test "-p follows the processes a program starts once watched: each on its own, the totals their sums, as with threads" {
	local j a=$((30 * 1024 * 1024 + 1)) b=$((20 * 1024 * 1024 + 3)) p
	SENDERS_FORK=1 two_senders_watched $a $b --json
	j=$(cat "$WATCH_OUT")
	assert_equal "$(grep -c ": received .* bytes xxh3=" "$SENDERS_OUT")" 2
	# the program, and the two senders it forked after the watch began
	assert_equal "$(jget "$j" '.processes | length')" 3
	assert_equal "$(jget "$j" '.processes[0] | [.pid, .ppid] | join(" ")')" "$SENDERS_PID 0"
	assert_equal "$(jget "$j" "[.processes[] | select(.ppid == $SENDERS_PID)] | length")" 2
	assert_equal "$(jget "$j" '[.processes[] | .exited] | all')" true
	# one read() and write()s, the other sendfile()s: each its own bytes
	assert_equal "$(jget "$j" '.processes[] | select(.read_bytes > 0) | [.read_bytes, .copied_bytes, .referenced_bytes, .sendfile_bytes] | join(" ")')" "$a $a 0 0"
	assert_equal "$(jget "$j" '.processes[] | select(.sendfile_bytes > 0) | [.sendfile_bytes, .referenced_bytes, .copied_bytes, .read_bytes] | join(" ")')" "$b $b 0 0"
	# each flow is the process's that sent on it
	p=$(jget "$j" '.processes[] | select(.read_bytes > 0) | .pid')
	assert_equal "$(jget "$j" ".flows[] | select(.pid == $p) | .copied_bytes")" $a
	# the totals are the processes' sums
	assert_equal "$(jget "$j" '[.processes[] | .syscalls] | add')" "$(jget "$j" .syscalls.total)"
	assert_equal "$(jget "$j" '[.processes[] | .read_bytes] | add')" "$(jget "$j" '[.files[] | .read_bytes] | add')"
	# the CPU time: the processes' run times, exact, split as the ticks
	assert_equal "$(jget "$j" '[.processes[] | .cpu_ns] | add')" "$(jget "$j" '.sender_cpu_ns.user + .sender_cpu_ns.sys')"
	assert_equal "$(jget "$j" '[.processes[] | .cpu_ns] | add > 0')" true
	# and the copies the same as two threads': the file read, written
	assert_equal "$(jget "$j" .cpu_copy_bytes)" $((2 * a))
	assert_equal "$(jget "$j" .file_bytes)" $((a + b))
	assert_equal "$(jget "$j" '.edges.socket_to_nic.bytes - .retransmitted_bytes')" $((a + b))
}

@test "-p A,B watches two programs at once: each a process of the report, the totals their sums" {
	local j a1=$((3 * 1024 * 1024 + 1)) b1=$((2 * 1024 * 1024 + 3)) a2=$((1024 * 1024 + 5)) b2=7
	local d=$BATS_TEST_TMPDIR A B
	make_file "$d/a1" $a1
	make_file "$d/b1" $b1
	make_file "$d/a2" $a2
	make_file "$d/b2" $b2
	sink_start 127.0.0.1
	senders_start "$d/1.out" "$d/a1" "$d/b1"
	A=$STARTED
	senders_start "$d/2.out" "$d/a2" "$d/b2"
	B=$STARTED
	SENDER="$A $B"
	watch_start "$A,$B" --json
	kill -USR1 $A $B
	wait $A $B
	SENDER=""
	wait "$WATCHER"
	j=$(cat "$WATCH_OUT")
	assert_equal "$(cat "$d/1.out" "$d/2.out" | grep -c ": received .* bytes xxh3=")" 4
	assert_equal "$(jget "$j" '[.processes[] | "\(.pid) \(.ppid)"] | join(",")')" "$A 0,$B 0"
	assert_equal "$(jget "$j" ".processes[] | select(.pid == $A) | .copied_bytes")" $a1
	assert_equal "$(jget "$j" ".processes[] | select(.pid == $B) | .copied_bytes")" $a2
	assert_equal "$(jget "$j" .file_bytes)" $((a1 + b1 + a2 + b2))
	assert_equal "$(jget "$j" .cpu_copy_bytes)" $((2 * (a1 + a2)))
	assert_equal "$(jget "$j" '.flows | length')" 4
	assert_equal "$(jget "$j" '[.processes[] | .syscalls] | add')" "$(jget "$j" .syscalls.total)"
}

@test "processes started beyond the slots zcviz keeps are said, never silent" {
	local go=$BATS_TEST_TMPDIR/go pid
	mkfifo "$go"
	# it forks nothing until told (bash reads the fifo, and counts itself)
	bash -c 'read -r _ <"$1"; for ((i = 0; i < 40; i++)); do /bin/true; done' - "$go" 3>&- &
	SENDER=$! pid=$!
	watch_start "$SENDER" --report
	echo go >"$go"
	wait "$SENDER"
	SENDER=""
	wait "$WATCHER"
	run cat "$WATCH_OUT"
	# 40 processes, 31 slots beside bash's: 9 not watched
	assert_line "  note: 9 processes started beyond the 32 zcviz watches: not watched, not counted"
	assert_equal "$(grep -c "^  process [0-9]* true (started by $pid): " "$WATCH_OUT")" 31
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
	assert_line --regexp "^  sender CPU +user [0-9.]+ ms, sys [0-9.]+ ms \(while watched; split as /proc's ticks\)$"
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
	assert_output "zcviz: -p takes the PIDs of running programs, like 1234 or 1234,1240, not '1x'; see zcviz --help"
	run -2 zcviz -p 1,
	assert_output "zcviz: -p takes the PIDs of running programs, like 1234 or 1234,1240, not '1,'; see zcviz --help"
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
