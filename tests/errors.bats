#!/usr/bin/env bats
# Bad input gets one clear line naming the problem, and the exit status of
# the contract: 2 for usage or bad input, 1 for a failed transfer.

setup() {
	load test_helper/common-setup
	_common_setup
	F="$BATS_TEST_TMPDIR/file"
	make_file "$F" 4097
}

teardown() {
	local p
	for p in ${RECV_PID:-} ${SENDER:-} ${CROWD_PID:-}; do
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	sink_stop
	lab_down
}

# one_line: the output is a single line (no usage dump, no noise)
one_line() {
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 1
}

each_demo() { # each_demo STATUS PATTERN ARGS...: every sender fails alike
	local want=$1 pattern=$2 d
	shift 2
	for d in $(runnable_demos); do
		run -"$want" zc-"$d" "$@"
		assert_output --regexp "^zc-$d: $pattern"
		one_line
	done
}

@test "a missing file is named, exit 2" {
	each_demo 2 "cannot open '.*/nope': No such file or directory" --to 127.0.0.1:9 "$BATS_TEST_TMPDIR/nope"
}

@test "a directory is refused, exit 2" {
	each_demo 2 "'.*' is a directory, not a regular file" --to 127.0.0.1:9 "$BATS_TEST_TMPDIR"
}

@test "a FIFO is refused without hanging, exit 2" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	each_demo 2 "'.*/fifo' is a FIFO, not a regular file" --to 127.0.0.1:9 "$BATS_TEST_TMPDIR/fifo"
}

@test "an unreadable file is refused for a non-root user, exit 2" {
	local dir d
	dir=$(mktemp -d /tmp/zc-unreadable.XXXX)
	chmod 755 "$dir"
	make_file "$dir/secret" 10
	chmod 000 "$dir/secret"
	for d in $(runnable_demos); do
		if [ "$(id -u)" = 0 ]; then
			run -2 as_nobody "$USER_ROOT/build/zc-$d" --to 127.0.0.1:9 "$dir/secret"
		else
			run -2 zc-"$d" --to 127.0.0.1:9 "$dir/secret"
		fi
		assert_output --regexp "^zc-$d: cannot open '.*/secret': Permission denied; check its permissions"
		one_line
	done
	rm -rf "$dir"
}

@test "a bad port is refused, exit 2" {
	local port
	for port in abc 70000 0 -1 ""; do
		each_demo 2 "(bad port|'127.0.0.1:.*' needs a host and a port)" --to "127.0.0.1:$port" "$F"
	done
	each_demo 2 "'127.0.0.1' has no port" --to 127.0.0.1 "$F"
}

@test "an unresolvable host is named, exit 2" {
	each_demo 2 "cannot resolve host 'no-such-host.invalid'" --to no-such-host.invalid:5201 "$F"
}

@test "a refused connection says where, exit 1" {
	# port 1 on loopback: nothing listens there
	each_demo 1 "cannot connect to 127.0.0.1:1: Connection refused; is zc-sink --listen" --to 127.0.0.1:1 "$F"
}

@test "a zero, negative or malformed chunk is refused, exit 2" {
	local c
	for c in 0 -1 -4096 abc 12Q 2G ""; do
		each_demo 2 "--chunk must be a size from 1 to 1G" --chunk "$c" --to 127.0.0.1:9 "$F"
	done
}

@test "a missing --to, FILE or option value is a usage error, exit 2" {
	each_demo 2 "--to HOST:PORT is required" "$F"
	each_demo 2 "give the FILE to send" --to 127.0.0.1:9
	each_demo 2 "give exactly one FILE" --to 127.0.0.1:9 "$F" "$F"
	each_demo 2 "unknown option '--bogus'" --bogus --to 127.0.0.1:9 "$F"
	each_demo 2 "--rate must be a number of megabytes a second from 0.001 to 1000000, not '0'" --rate 0 --to 127.0.0.1:9 "$F"
	each_demo 2 "--to needs a value" "$F" --to
}

@test "--help shows usage with an example, exit 0" {
	local d
	for d in $(runnable_demos); do
		run -0 zc-"$d" --help
		assert_line --regexp "^Usage: zc-$d --to HOST:PORT"
		assert_line --partial "Example:"
	done
	run -0 zc-sink --help
	assert_line --regexp "^Usage: zc-sink --listen ADDR:PORT"
}

@test "a receiver that dies mid-transfer is an error, exit 1" {
	local d
	make_file "$F" $((8 * 1024 * 1024))
	for d in $(runnable_demos); do
		sink_start 127.0.0.1
		# 2 MB/s: the transfer takes seconds, the sink dies after 0.3
		zc-"$d" --rate 2 --chunk 64K --to "127.0.0.1:$SINK_PORT" "$F" >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
		local pid=$!
		sleep 0.3
		kill -9 "$SINK_PID"
		local rc=0
		wait "$pid" || rc=$?
		assert_equal "$rc" 1
		run cat "$BATS_TEST_TMPDIR/out"
		assert_output --regexp "^zc-$d: the receiver closed the connection after [0-9]+ of 8388608 bytes"
		one_line
		SINK_PID=""
	done
}

@test "zc-sink refuses a bad or busy address, exit 2" {
	run -2 zc-sink --listen 127.0.0.1:99999
	assert_output --partial "bad port '99999'"
	run -2 zc-sink --listen 192.0.2.1:5201
	assert_output --partial "cannot listen on 192.0.2.1:5201"
	sink_start 127.0.0.1
	run -2 zc-sink --listen "127.0.0.1:$SINK_PORT"
	assert_output --partial "Address already in use; pick another port"
	run -2 zc-sink
	assert_output --partial -- "--listen ADDR:PORT is required"
}

# fake_receiver ANSWER: a receiver on loopback that reads everything, then
# sends ANSWER ('' for none; %d is the byte count received minus one);
# sets PORT
fake_receiver() {
	command -v python3 >/dev/null || skip "needs python3 for a fake receiver"
	python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept(); n = 0
while True:
    b = c.recv(65536)
    if not b: break
    n += len(b)
if sys.argv[1]:
    c.sendall((sys.argv[1] % (n - 1)).encode())
' "$1" >"$BATS_TEST_TMPDIR/port" 3>&- &
	for _ in $(seq 50); do
		PORT=$(cat "$BATS_TEST_TMPDIR/port")
		[ -n "$PORT" ] && return
		sleep 0.1
	done
}

@test "a receiver that reports other bytes than were sent fails the sender, exit 1" {
	local d
	for d in $(runnable_demos); do
		# one byte less, and a wrong checksum
		fake_receiver 'received %d bytes xxh3=00000000deadbeef\n'
		run -1 zc-"$d" --to "127.0.0.1:$PORT" "$F"
		assert_output --regexp "^zc-$d: the receiver got 4096 bytes xxh3=00000000deadbeef, but we sent 4097 bytes xxh3=[0-9a-f]{16}"
		wait
	done
}

@test "a receiver that closes without an answer fails the sender: nothing says the bytes arrived, exit 1" {
	local d
	for d in $(runnable_demos); do
		fake_receiver ''
		run -1 --separate-stderr zc-"$d" --to "127.0.0.1:$PORT" "$F"
		assert_output --regexp "; receiver unconfirmed$"
		assert_equal "$stderr" "zc-$d: the receiver closed the connection without confirming the 4097 bytes we sent: it is not zc-sink, or it failed; nothing says they arrived"
		wait
	done
}

# gone_receiver READ: a receiver on loopback that accepts, reads READ
# bytes (-1: all there is, to the sender's end), then waits to be killed
# (kill -9 RECV_PID), or to close the connection on SIGUSR1; sets PORT
# and RECV_PID
gone_receiver() {
	command -v python3 >/dev/null || skip "needs python3 for a fake receiver"
	: >"$BATS_TEST_TMPDIR/port"
	python3 -c '
import os, signal, socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
n = int(sys.argv[1])
if n > 0:
    c.recv(n)
while n < 0 and c.recv(65536):
    pass
signal.signal(signal.SIGUSR1, lambda *_: (c.close(), os._exit(0)))
while True:
    signal.pause()
' "$1" >"$BATS_TEST_TMPDIR/port" 3>&- &
	RECV_PID=$!
	PORT=$(written "$BATS_TEST_TMPDIR/port") || fail "the fake receiver did not start"
}

# written FILE: what FILE holds, once something wrote it (at most 10 s)
written() {
	local i
	for i in $(seq 200); do
		[ -s "$1" ] && { cat "$1"; return 0; }
		sleep 0.05
	done
	return 1
}

# sent_all PORT BYTES: waits until a sender to PORT has handed all BYTES
# to its socket: sent (ss -ti's bytes_sent, less bytes_retrans, sent
# twice) or waiting to be (notsent); a zero-copy sender waits there for
# the kernel's answers, the others for the receiver's verdict
sent_all() {
	local i n
	for i in $(seq 200); do
		n=$(ss -Htin dst "127.0.0.1:$1" | awk '{
			for (i = 1; i <= NF; i++) {
				if (split($i, kv, ":") != 2)
					continue
				if (kv[1] == "bytes_sent" || kv[1] == "notsent")
					n += kv[2]
				else if (kv[1] == "bytes_retrans")
					n -= kv[2]
			}
		} END { print n + 0 }')
		[ "$n" -ge "$2" ] && return 0
		sleep 0.05
	done
	fail "the sender to port $1 did not hand its $2 bytes to the kernel within 10 s: $(ss -tin dst "127.0.0.1:$1")"
}

# receiver_gone_after_all HOW READ: every sender, the whole 3 MiB file handed
# to the kernel, then its receiver goes (HOW: -9 killed, -USR1 closes)
receiver_gone_after_all() {
	local how=$1 d rc
	make_file "$F" $((3 * 1024 * 1024))
	for d in $(runnable_demos); do
		gone_receiver "$2"
		zc-"$d" --to "127.0.0.1:$PORT" "$F" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
		SENDER=$!
		sent_all "$PORT" $((3 * 1024 * 1024))
		kill "$how" "$RECV_PID"
		wait "$RECV_PID" 2>/dev/null || true
		RECV_PID=""
		rc=0
		wait "$SENDER" || rc=$?
		SENDER=""
		run cat "$BATS_TEST_TMPDIR/err"
		assert_equal "zc-$d: exit $rc" "zc-$d: exit 1"
		assert_output --regexp "^zc-$d: the receiver did not confirm the 3145728 bytes we sent \(.+\): it was killed, failed or hung before it took them all, or closed without reading them; nothing says they arrived$"
		one_line
	done
}

@test "a receiver killed before it reads anything fails the sender, exit 1" {
	receiver_gone_after_all -9 0
}

@test "a receiver that reads 1 byte of 3 MiB and closes fails the sender, exit 1" {
	receiver_gone_after_all -USR1 1
}

@test "make demo-foo names the demos in one line, exit 2" {
	run -2 make -C "$ROOT" --no-print-directory demo-foo
	local names count=(zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen)
	names=$(demos_list | cut -f1 | sed 's/^/demo-/' | paste -sd, | sed 's/,/, /g')
	assert_output --partial "no demo 'foo'; choose $names or demo (all ${count[$(demos_list | wc -l)]})"
	one_line
}

@test "a rate that is not a finite number is refused, exit 2" {
	local r
	for r in inf -inf nan 1e309 1e-300 0x 2M; do
		each_demo 2 "--rate must be a number of megabytes a second from 0.001 to 1000000, not '$r'" --rate "$r" --to 127.0.0.1:9 "$F"
		run -2 zcviz --rate "$r" traditional
		assert_output "zcviz: --rate must be a number of megabytes a second from 0.001 to 1000000, not '$r'; see zcviz --help"
	done
}

@test "a /proc file that says it holds 0 bytes is refused, not sent as nothing, exit 2" {
	each_demo 2 "'/proc/self/status' says it holds 0 bytes but has content \(a /proc or /sys file\?\); copy it to a regular file" --to 127.0.0.1:9 /proc/self/status
	# an empty regular file is still a file to send
	: >"$BATS_TEST_TMPDIR/empty"
	sink_start 127.0.0.1
	run -0 zc-sendfile --to "127.0.0.1:$SINK_PORT" "$BATS_TEST_TMPDIR/empty"
	assert_output --regexp "sent 0 bytes .*; receiver agrees$"
}

@test "zcviz refuses a /proc file too, exit 2" {
	require_bpf
	run -2 zcviz --file /proc/self/status traditional
	assert_output "zcviz: '/proc/self/status' says it holds 0 bytes but has content (a /proc or /sys file?); copy it to a regular file and send that"
}

@test "a host that drops SYNs is given up after --connect-timeout, exit 1" {
	require_root
	lab_up on
	# 198.19.0.1 is routed to the receiver, which does not forward: the
	# SYNs vanish without an answer, as behind a firewall that drops them
	ip -n "$ZCLAB_TX_NS" route add 198.19.0.1/32 via "$ZCLAB_RX_IP"
	run -1 ip netns exec "$ZCLAB_TX_NS" zc-traditional --connect-timeout 1 --to 198.19.0.1:5201 "$F"
	assert_output "zc-traditional: cannot connect to 198.19.0.1:5201: no answer within 1 s; is the host up, and zc-sink --listen 198.19.0.1:5201 running there? (--connect-timeout waits longer)"
	# and by default, within a few seconds, not the kernel's two minutes
	run -1 timeout 30 ip netns exec "$ZCLAB_TX_NS" zc-sendfile --to 198.19.0.1:5201 "$F"
	assert_output --partial "no answer within 5 s"
	each_demo 2 "--connect-timeout must be a number of seconds from 0.001 to 86400, not '0'" --connect-timeout 0 --to 127.0.0.1:9 "$F"
}

@test "an idle connection to zc-sink holds up no sender" {
	sink_start 127.0.0.1
	# a connection that sends nothing, and stays
	exec 5<>"/dev/tcp/127.0.0.1/$SINK_PORT"
	# (a bound, so that a sink that serves one at a time fails, not hangs)
	run -0 timeout 60 zc-traditional --to "127.0.0.1:$SINK_PORT" "$F"
	assert_output --regexp "sent 4097 bytes .*; receiver agrees$"
	assert_equal "$(field bytes "$(sink_line 1)")" 4097
	exec 5>&-
}

# crowd_start IDLE DRIP: IDLE connections to the sink that send nothing
# and DRIP that send a byte every 2 s (the DRIP first), held open until
# the test ends (CROWD_PID; 120 s at most); waits until each has connected
# or given up (5 s), and sets CROWD_OPEN to how many connected
crowd_start() {
	command -v python3 >/dev/null || skip "needs python3 for the crowd"
	: >"$BATS_TEST_TMPDIR/crowd"
	python3 -c '
import select, socket, sys, time
port, idle, drip = (int(a) for a in sys.argv[1:])
socks = []
for _ in range(drip + idle):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("127.0.0.1", port))
    socks.append(s)
pending, end = set(socks), time.monotonic() + 5
while pending and time.monotonic() < end:
    _, w, _ = select.select([], list(pending), [], end - time.monotonic())
    pending -= set(w)
opened = sum(1 for s in socks if s not in pending and not s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
print(opened, flush=True)
while time.monotonic() < end + 120:
    for s in socks[:drip]:
        try:
            s.send(b"x")
        except OSError:
            pass
    time.sleep(2)
' "$SINK_PORT" "$1" "$2" >"$BATS_TEST_TMPDIR/crowd" 3>&- &
	CROWD_PID=$!
	CROWD_OPEN=$(written "$BATS_TEST_TMPDIR/crowd") ||
		fail "the crowd did not say how many connected within 10 s"
}

# served_among IDLE DRIP: with IDLE idle and DRIP slow-drip connections
# open, a sender to zc-sink --once is served, verified, and the sink
# exits 0; every connection the sink closed for a newer one is said.
# The bound: a transfer of 8 MiB over loopback takes milliseconds, and
# taking the crowd's connections in adds milliseconds more; a sink that
# lets them hold every slot keeps the sender out for 60 s (--idle-timeout)
# or for ever (the slow ones). 20 s is far from both, whatever the
# scheduler does.
served_among() {
	local rc=0
	make_file "$F" $((8 * 1024 * 1024))
	SINK_BOUND=90 sink_start 127.0.0.1 "" --once
	crowd_start "$1" "$2"
	run timeout 20 zc-traditional --to "127.0.0.1:$SINK_PORT" "$F"
	assert_success
	assert_output --regexp "sent 8388608 bytes .*; receiver agrees$"
	wait "$SINK_PID" || rc=$?
	SINK_PID=""
	assert_equal "$rc" 0
	assert_equal "$CROWD_OPEN" $(($1 + $2))
	run cat "$SINK_OUT"
	assert_output --regexp "^zc-sink: received 8388608 bytes xxh3="
	# the crowd and the sender, 16 places: the rest closed for newer ones
	run grep -c "^zc-sink: all 16 connections busy: closed the one from 127\.0\.0\.1:[0-9]*, the slowest ([0-9]* bytes in [0-9.]* s), for a new one from 127\.0\.0\.1:[0-9]*; it is not counted as a transfer$" "$SINK_OUT.err"
	assert_output $(($1 + $2 + 1 - 16))
}

@test "zc-sink serves a sender at once while 16 slow-drip connections are open, exit 0 with --once" {
	served_among 0 16
}

@test "zc-sink serves a sender at once while 40 idle and 16 slow-drip connections are open, exit 0 with --once" {
	served_among 40 16
}

@test "a stray connection does not use up zc-sink --once" {
	local port
	SINK_BOUND=60 sink_start 127.0.0.1 "" --once
	port=$SINK_PORT
	# a port scan: connect, send nothing, close
	exec 5<>"/dev/tcp/127.0.0.1/$port"
	exec 5>&-
	# and one that stays, idle
	exec 6<>"/dev/tcp/127.0.0.1/$port"
	run -0 timeout 60 zc-mmap --to "127.0.0.1:$port" "$F"
	assert_output --regexp "; receiver agrees$"
	wait "$SINK_PID"
	SINK_PID=""
	run cat "$SINK_OUT"
	assert_output --regexp "^zc-sink: received 4097 bytes xxh3="
	run cat "$SINK_OUT.err"
	assert_line --regexp "^zc-sink: a connection from 127.0.0.1:[0-9]+ sent nothing and closed; it is not counted as a transfer$"
	exec 6>&-
}

@test "a transfer that stalls is closed after --idle-timeout; with --once, exit 1" {
	local port rc=0
	run -2 zc-sink --listen 127.0.0.1:0 --idle-timeout never
	assert_output "zc-sink: --idle-timeout must be 0 (never) or seconds from 0.001 to 86400, not 'never'; see zc-sink --help"
	SINK_BOUND=60 sink_start 127.0.0.1 "" --once --idle-timeout 1
	port=$SINK_PORT
	# a sender that sends a little and then nothing
	exec 5<>"/dev/tcp/127.0.0.1/$port"
	printf 'hello' >&5
	wait "$SINK_PID" || rc=$?
	SINK_PID=""
	assert_equal "$rc" 1
	run cat "$SINK_OUT.err"
	assert_line --regexp "^zc-sink: the connection from 127.0.0.1:[0-9]+ failed after 5 bytes: nothing came for 1 s \(zc-sink --idle-timeout waits longer\)$"
	exec 5>&-
}

@test "zc-splice: a chunk larger than a pipe may hold without root says how to fix it, exit 1" {
	local dir chunk
	chunk=$((2 * $(cat /proc/sys/fs/pipe-max-size)))
	dir=$(mktemp -d /tmp/zc-pipe.XXXX)
	chmod 755 "$dir"
	make_file "$dir/file" 4097
	chmod 644 "$dir/file"
	sink_start 127.0.0.1
	if [ "$(id -u)" = 0 ]; then
		run -1 as_nobody "$USER_ROOT/build/zc-splice" --chunk "$chunk" --to "127.0.0.1:$SINK_PORT" "$dir/file"
	else
		run -1 zc-splice --chunk "$chunk" --to "127.0.0.1:$SINK_PORT" "$dir/file"
	fi
	assert_line --regexp "^zc-splice: a pipe of [0-9]+ bytes for --chunk $chunk: Operation not permitted; without root, a pipe holds at most$"
	assert_line "  /proc/sys/fs/pipe-max-size bytes: use a smaller --chunk"
	rm -rf "$dir"
}

@test "every program says its version, the one version of the project, exit 0" {
	local v p
	v=$(zcviz --version | cut -d' ' -f2)
	[[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "zcviz --version: '$v'"
	for p in zc-sink $(demos_list | cut -f2) zc-java; do
		run -0 "$p" --version
		assert_output "$p $v"
	done
	for p in demos/lab.sh demos/nginx.sh demos/servers.sh demos/kafka.sh tests/bench/bench.sh tests/bench/render.sh; do
		run -0 "$ROOT/$p" --version
		assert_output "$(basename "$p") $v"
	done
}

@test "a receiver that takes every byte and never answers holds the sender --reply-timeout seconds (30 unless given), then exit 1" {
	local d rc
	# one sender is enough: every C sender waits in the same code
	d=$(c_demos | cut -d' ' -f1)
	make_file "$F" 4097
	gone_receiver -1
	rc=0
	# 2 s, not the default's 30: the wait is the same code either way
	timeout 60 zc-"$d" --to "127.0.0.1:$PORT" --reply-timeout 2 "$F" >/dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- || rc=$?
	run cat "$BATS_TEST_TMPDIR/err"
	assert_equal "zc-$d: exit $rc" "zc-$d: exit 1"
	assert_output "zc-$d: the receiver did not confirm the 4097 bytes we sent (no answer within 2 s): it was killed, failed or hung before it took them all, or closed without reading them; nothing says they arrived"
	run -0 zc-"$d" --help
	assert_output --partial "is sent (whole seconds; default 30)"
	run -2 zc-"$d" --to 127.0.0.1:1 --reply-timeout 0.5 "$F"
	assert_output "zc-$d: --reply-timeout must be whole seconds from 1 to 86400, not '0.5'; see zc-$d --help"
}
