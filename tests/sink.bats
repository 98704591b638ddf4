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

# received_by_sink: the bytes the sink's connections have received so far
# (ss -ti's bytes_received), all of them added up
received_by_sink() {
	ss -Htin src "127.0.0.1:$SINK_PORT" | awk '{
		for (i = 1; i <= NF; i++)
			if (split($i, kv, ":") == 2 && kv[1] == "bytes_received")
				n += kv[2]
	} END { print n + 0 }'
}

@test "zc-sink --once: a sender killed mid-transfer is a cut transfer, not one received, exit 1" {
	local f="$BATS_TEST_TMPDIR/file" sender i rc=0
	make_file "$f" $((64 * 1024 * 1024))
	SINK_BOUND=60 sink_start 127.0.0.1 "" --once
	# 16 MB/s: 4 s for the whole file; killed once 10 MB have arrived
	zc-traditional --to "127.0.0.1:$SINK_PORT" --rate 16 "$f" >/dev/null 2>&1 3>&- &
	sender=$!
	for i in $(seq 200); do
		[ "$(received_by_sink)" -ge 10000000 ] && break
		sleep 0.05
	done
	[ "$(received_by_sink)" -ge 10000000 ] || fail "the sink did not get 10 MB within 10 s"
	kill -9 "$sender"
	wait "$sender" 2>/dev/null || true
	wait "$SINK_PID" || rc=$?
	SINK_PID=""
	assert_equal "$rc" 1
	run cat "$SINK_OUT"
	refute_output --partial "received"
	run cat "$SINK_OUT.err"
	assert_line --regexp "^zc-sink: the connection from 127\.0\.0\.1:[0-9]+ failed after [0-9]+ bytes: the sender went away without taking the verdict \(killed, or failed before its end\): a cut transfer$"
	local n
	n=$(sed -n 's/.* failed after \([0-9]*\) bytes.*/\1/p' "$SINK_OUT.err")
	[ "$n" -ge 10000000 ] && [ "$n" -lt $((64 * 1024 * 1024)) ] || fail "the sink says $n bytes of a transfer cut after 10 MB of 64 MiB"
}

@test "zc-sink --once: a sender that took the verdict and then died is a transfer received, exit 0" {
	command -v python3 >/dev/null || skip "needs python3 for a sender that dies"
	local rc=0
	SINK_BOUND=60 sink_start 127.0.0.1 "" --once
	# 4097 bytes, our side shut down, the verdict waited for (peeked at,
	# left unread), then SIGKILL: a socket closed with unread data resets
	run -137 python3 -c '
import os, signal, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"x" * 4097)
s.shutdown(socket.SHUT_WR)
while b"\n" not in s.recv(128, socket.MSG_PEEK):
    pass
os.kill(os.getpid(), signal.SIGKILL)
' "$SINK_PORT"
	wait "$SINK_PID" || rc=$?
	SINK_PID=""
	assert_equal "$rc" 0
	assert_equal "$(field bytes "$(cat "$SINK_OUT")")" 4097
}

@test "a sender that closes without reading the answer is cut, or with zc-sink --trust-eof received" {
	command -v python3 >/dev/null || skip "needs python3 for a sender that does not read"
	local rc opt
	for opt in "" --trust-eof; do
		SINK_BOUND=60 sink_start 127.0.0.1 "" --once $opt
		# all 4097 bytes, then close(): as bash's /dev/tcp does
		run -0 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"x" * 4097)
s.close()
' "$SINK_PORT"
		rc=0
		wait "$SINK_PID" || rc=$?
		SINK_PID=""
		if [ -z "$opt" ]; then
			assert_equal "$rc" 1
			run cat "$SINK_OUT.err"
			assert_line --regexp "^zc-sink: the connection from 127\.0\.0\.1:[0-9]+ failed after 4097 bytes: the sender went away without taking the verdict"
		else
			assert_equal "$rc" 0
			assert_equal "$(field bytes "$(cat "$SINK_OUT")")" 4097
		fi
	done
}
