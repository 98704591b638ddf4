#!/usr/bin/env bats
# zcviz as a command: clear refusals with the contract's exit statuses,
# tracefs mounted when missing (and unmounted again), and nothing left
# behind when a run is interrupted or killed.

setup() {
	load test_helper/common-setup
	_common_setup
}

teardown() {
	# a test that failed half-way: let zcviz clean up, as it must
	[ -z "${VIZ_PID:-}" ] || { kill -TERM "$VIZ_PID" 2>/dev/null; wait "$VIZ_PID" 2>/dev/null; }
	if [ "$(id -u)" = 0 ]; then
		no_bpf_left
		no_lab_left
	fi
}

@test "bad usage is one line and exit 2" {
	run -2 zcviz
	assert_output "zcviz: give a DEMO: $(demo_choices); see zcviz --help"
	run -2 zcviz scp
	assert_output --partial "unknown demo 'scp'"
	run -2 zcviz --chunk 0 traditional
	assert_output --partial "--chunk must be a size from 1 to 1G"
	run -2 zcviz --sg maybe traditional
	assert_output --partial "--sg takes on or off, not 'maybe'"
	run -2 zcviz --size 1M --file /etc/hostname traditional
	assert_output --partial "give --file or --size, not both"
	run -2 zcviz --bogus traditional
	assert_output --partial "unknown option '--bogus'"
	run -0 zcviz --help
	assert_line --partial "Usage: zcviz [options] DEMO"
	assert_line --partial "Examples:"
}

@test "a missing or odd --file is exit 2" {
	require_bpf
	run -2 zcviz --file /nonexistent traditional
	assert_output --partial "cannot use --file '/nonexistent': No such file or directory"
	run -2 zcviz --file /tmp traditional
	assert_output --partial "--file '/tmp' is not a regular file"
}

@test "without root zcviz says what to do, exit 3" {
	if [ "$(id -u)" = 0 ]; then
		run -3 as_nobody "$USER_ROOT/build/zcviz" --json traditional
	else
		run -3 zcviz --json traditional
	fi
	assert_output "zcviz: loading BPF programs needs root; run it with sudo, or watch a recorded run with --replay FILE"
}

@test "zcviz mounts tracefs when it is missing, and unmounts it again" {
	require_bpf
	if mountpoint -q /sys/kernel/tracing; then
		umount /sys/kernel/tracing || skip "tracefs is busy"
	fi
	run -0 --separate-stderr zcviz --json --size 1M traditional
	assert_equal "$(jget "$output" .verified)" true
	run mountpoint -q /sys/kernel/tracing
	assert_failure
	mount -t tracefs nodev /sys/kernel/tracing
}

# interrupt SIGNAL STATUS: a slow run, stopped once the demo is sending
interrupt() {
	local i
	zcviz --report --rate 2 --size 16M traditional >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	VIZ_PID=$!
	for i in $(seq 100); do
		[ -n "$(ours_pids zc-traditional)" ] && break
		sleep 0.1
	done
	sleep 0.5
	kill -"$1" "$VIZ_PID"
	local rc=0
	wait "$VIZ_PID" || rc=$?
	VIZ_PID=""
	assert_equal "$rc" "$2"
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output --partial "zcviz: stopped by signal"
	assert_equal "$(ours_running)" ""
}

@test "SIGINT (Ctrl-C) mid-run: no lab, no BPF program, no demo left" {
	require_bpf
	interrupt INT 130
}

@test "SIGTERM mid-run: no lab, no BPF program, no demo left" {
	require_bpf
	interrupt TERM 143
}

@test "after a SIGKILL, the next zcviz removes the stale lab" {
	require_bpf
	local i id
	zcviz --report --rate 2 --size 16M traditional >/dev/null 2>&1 3>&- &
	VIZ_PID=$!
	id=$VIZ_PID
	for i in $(seq 100); do
		[ -n "$(ours_pids zc-traditional)" ] && break
		sleep 0.1
	done
	kill -9 "$VIZ_PID"
	wait "$VIZ_PID" 2>/dev/null || true
	VIZ_PID=""
	ip netns list | grep -q "zclab-$id-tx" || fail "the killed run left no lab to clean"
	run -0 --separate-stderr zcviz --json --size 1M mmap
	! ip netns list | grep -q "zclab-$id-" || fail "the stale lab zclab-$id is still there"
}

@test "--to HOST:PORT measures a transfer to a zc-sink outside the lab" {
	require_bpf
	sink_start 127.0.0.1
	run -0 --separate-stderr zcviz --json --size 4M --to "127.0.0.1:$SINK_PORT" sendfile
	sink_stop
	assert_equal "$(jget "$output" .verified)" true
	assert_equal "$(jget "$output" .egress)" lo
	assert_equal "$(jget "$output" .receiver)" remote
	# lo can gather: sendfile costs no copy there
	assert_equal "$(jget "$output" .sg)" true
	assert_equal "$(jget "$output" .cpu_copy_bytes)" 0
	assert_equal "$(jget "$output" .edges.pagecache_to_socket.bytes)" 4194304
	assert_equal "$(jget "$output" '.edges.socket_to_nic.bytes - .retransmitted_bytes')" 4194304
}

# signal_in_setup SIGNAL STATUS: the signal while lab.sh builds the lab
signal_in_setup() {
	local i rc=0
	zcviz --report --size 1M traditional >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	VIZ_PID=$!
	# the lab's state file is written first, before anything is built
	for i in $(seq 200); do
		[ -e "/run/zclab/$VIZ_PID" ] && break
		sleep 0.01
	done
	kill -"$1" "$VIZ_PID"
	wait "$VIZ_PID" || rc=$?
	VIZ_PID=""
	assert_equal "$rc" "$2"
	run cat "$BATS_TEST_TMPDIR/out"
	assert_line --regexp "^zcviz: stopped by signal [0-9]+; the lab is down$"
	no_lab_left
}

@test "a signal while the lab is set up: the lab goes, and the message says so" {
	require_bpf
	signal_in_setup INT 130
	signal_in_setup TERM 143
	signal_in_setup HUP 129
}

@test "after a SIGKILL of zcviz, its sink and demo do not run on" {
	require_bpf
	local i
	# half a megabyte a second: the demo would send for half a minute
	zcviz --report --rate 0.5 --size 16M traditional >/dev/null 2>&1 3>&- &
	VIZ_PID=$!
	for i in $(seq 100); do
		[ -n "$(ours_pids zc-traditional)" ] && break
		sleep 0.1
	done
	[ -n "$(ours_pids zc-sink)" ] || fail "the sink is not running"
	kill -9 "$VIZ_PID"
	wait "$VIZ_PID" 2>/dev/null || true
	VIZ_PID=""
	for i in $(seq 50); do
		[ -z "$(ours_running)" ] && break
		sleep 0.1
	done
	assert_equal "$(ours_running)" ""
	# the lab itself goes with the next run
	run -0 --separate-stderr zcviz --json --size 1M mmap
}

@test "zcviz --json all | head: it stops when its reader has gone" {
	require_bpf
	local t="$BATS_TEST_TMPDIR/t.trace"
	run bash -c "set -o pipefail; '$ROOT/build/zcviz' --json --size 1M --record '$t' all 2>'$BATS_TEST_TMPDIR/err' | head -c 100"
	assert_equal "$status" 141
	# it ran the first demo, maybe the second, never all four
	[ "$(grep -c '^end-run$' "$t")" -le 2 ] || fail "it ran $(grep -c '^end-run$' "$t") demos"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output ""
}
