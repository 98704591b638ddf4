#!/usr/bin/env bats
# zc-sink wakes up to read once --wake bytes have arrived (256 KiB unless
# told), so a 64 MiB transfer takes a few hundred reads, not a thousand;
# a sender slower than that is not taken for an idle one; bad values are
# refused with the range, exit 2.

setup() {
	load test_helper/common-setup
	_common_setup
}

teardown() {
	sink_stop
}

reads_of() { # reads_of STRACE_LOG: the sink's reads that returned bytes
	grep -cE '^read\([0-9]+, .*\) = [1-9][0-9]*$' "$1" || true
}

@test "zc-sink reads a 64 MiB transfer in 256 KiB wake-ups: at most 300 reads" {
	command -v strace >/dev/null || skip "needs strace"
	local f="$BATS_TEST_TMPDIR/file" log="$BATS_TEST_TMPDIR/strace"
	make_file "$f" $((64 * 1024 * 1024))
	SINK_BOUND=60 sink_start 127.0.0.1 "" --once
	# strace attaches to the running sink (under SINK_BOUND's timeout)
	local pid tracer i
	pid=$(pgrep -P "$SINK_PID" -x zc-sink)
	strace -q -e trace=read -o "$log" -p "$pid" 2>/dev/null &
	tracer=$!
	for i in $(seq 50); do
		grep -q 'TracerPid:.*[1-9]' "/proc/$pid/status" && break
		sleep 0.05
	done
	run -0 zc-traditional --to "127.0.0.1:$SINK_PORT" "$f"
	assert_output --partial "receiver agrees"
	wait "$SINK_PID" || true
	SINK_PID=""
	wait "$tracer" || true
	local n
	n=$(reads_of "$log")
	[ "$n" -ge 256 ] || fail "only $n reads for 64 MiB with a 256 KiB buffer: did strace see them? $(head -3 "$log")"
	[ "$n" -le 300 ] || fail "$n reads for 64 MiB: the sink wakes for less than 256 KiB"
}

@test "a sender slower than --wake is not idle: 40000 bytes at 20 KB/s with --idle-timeout 1 arrive whole" {
	local f="$BATS_TEST_TMPDIR/file" rc=0
	make_file "$f" 40000
	SINK_BOUND=60 sink_start 127.0.0.1 "" --once --idle-timeout 1
	# 8 KiB every 0.4 s: never 256 KiB waiting, and 2 s in all
	run -0 zc-traditional --to "127.0.0.1:$SINK_PORT" --chunk 8K --rate 0.02 "$f"
	assert_output --partial "receiver agrees"
	wait "$SINK_PID" || rc=$?
	SINK_PID=""
	assert_equal "$rc" 0
	assert_equal "$(field bytes "$(cat "$SINK_OUT")")" 40000
}

@test "zc-sink --wake takes 1 to 16M bytes; anything else is refused with the range, exit 2" {
	local v
	for v in 0 -1 abc 17M 1.5K ""; do
		run -2 zc-sink --listen 127.0.0.1:0 --wake "$v"
		assert_output "zc-sink: --wake must be a number of bytes from 1 to 16M, not '$v'; see zc-sink --help"
	done
}
