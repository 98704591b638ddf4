#!/usr/bin/env bats
# The dashboard for what is not a demo: zcviz -p (a watched program, its
# flows in a table with a verdict each) and zcviz -- CMD, driven in tmux
# at 80x24; q and Ctrl-C end a watch with its report, exit 0; a watch
# recorded on the dashboard replays without root. Needs root and BTF.

setup() {
	load test_helper/common-setup
	_common_setup
	require_bpf
	export LANG=C.UTF-8
}

teardown() {
	tmux_stop
	[ -z "${SENDER:-}" ] || kill $SENDER 2>/dev/null || true
	[ -z "${SHARED:-}" ] || rm -rf "$SHARED"
	sink_stop
	no_bpf_left
	no_lab_left
}

# senders_ready A B: test-two-senders to a sink on loopback, waiting for
# SIGUSR1 to send file A by read() and write() and file B by sendfile();
# its PID in SENDER
senders_ready() {
	local i
	sink_start 127.0.0.1
	two_senders 127.0.0.1 "$SINK_PORT" "$1" "$2" >"$BATS_TEST_TMPDIR/senders.out" 3>&- &
	SENDER=$!
	for i in $(seq 100); do
		grep -q "^ready$" "$BATS_TEST_TMPDIR/senders.out" && return 0
		sleep 0.05
	done
	fail "test-two-senders did not start"
}

@test "-p on a terminal at 80x24: the stages, a flow table with a verdict each; q reports; the recording replays without root" {
	local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b trace screen j
	local na=$((3 * 1024 * 1024 + 1)) nb=$((2 * 1024 * 1024 + 3))
	SHARED=$(mktemp -d /tmp/zc-rec.XXXX)
	chmod 755 "$SHARED"
	trace=$SHARED/watched.trace
	make_file "$a" $na
	make_file "$b" $nb
	senders_ready "$a" "$b"
	tmux_start 80x24 "$ROOT/build/zcviz -p $SENDER --record $trace"
	tmux_wait "zcviz  test-two-sender \(pid $SENDER\) +\[watching\]"
	kill -USR1 "$SENDER"
	wait "$SENDER"
	SENDER=""
	# the program exited: the watch is over, the frame stays until q
	tmux_wait "\[done\]"
	screen=$(tmux_screen)
	for what in "page cache" "user buffer" "socket buffer" "NIC" \
		"CPU copies per byte sent 1\.[0-9]{2} x" "not verified" \
		"flows \(2\)" "remote +pid +took +copied +by ref +why" \
		"127\.0\.0\.1:$SINK_PORT +[0-9]+ +3\.0M +3\.0M +0 +read\+write" \
		"127\.0\.0\.1:$SINK_PORT +[0-9]+ +2\.0M +0 +2\.0M +page refs" \
		"why: read\(\) into user memory" "q stop watching, report"; do
		grep -Eq -- "$what" <<<"$screen" || fail "'$what' is not on the screen:
$screen"
	done
	tmux_keys q
	tmux_wait "EXIT=0"
	HISTORY=1 tmux_wait "^test-two-sender \(pid [0-9]+\): watched [0-9.]+ s; its sockets took $((na + nb)) bytes"
	# what the dashboard recorded, replayed by a user without root
	chmod 644 "$trace"
	run -0 as_nobody "$ROOT/build/zcviz" --replay "$trace" --json
	j=$output
	assert_equal "$(jget "$j" .file_bytes)" $((na + nb))
	assert_equal "$(jget "$j" .cpu_copy_bytes)" $((2 * na))
	assert_equal "$(jget "$j" '.processes | length')" 1
	assert_equal "$(jget "$j" '[.flows[] | .verdict | test("user-space loop|page reference")] | all')" true
}

@test "-p on a terminal: p pauses the view while the watch goes on, and Ctrl-C ends it with its report, exit 0" {
	sleep 60 3>&- &
	SENDER=$!
	tmux_start 80x24 "$ROOT/build/zcviz -p $SENDER"
	tmux_wait "\[watching\]"
	tmux_keys p
	tmux_wait "\[paused\]"
	tmux_keys p
	tmux_wait "\[watching\]"
	tmux_keys C-c
	tmux_wait "EXIT=0"
	HISTORY=1 tmux_wait "^sleep \(pid $SENDER\): watched [0-9.]+ s; its sockets took 0 bytes"
	assert_equal "$(ours_pids zcviz)" ""
}

@test "-- CMD on a terminal: the dashboard shows the command's run to its end; q prints its report; its recording replays without root" {
	local trace
	SHARED=$(mktemp -d /tmp/zc-rec.XXXX)
	chmod 755 "$SHARED"
	trace=$SHARED/command.trace
	tmux_start 80x24 "$ROOT/build/zcviz --size 1M --record $trace -- $ROOT/build/zc-sendfile --to {sink} {file}"
	tmux_wait "\[done\]" 60
	tmux_wait "CPU copies of the file 0\.[0-9]{2} x file size"
	tmux_wait "checksum verified"
	tmux_keys q
	tmux_wait "EXIT=0"
	HISTORY=1 tmux_wait "checksum +verified: the receiver got every byte intact"
	chmod 644 "$trace"
	run -0 as_nobody "$ROOT/build/zcviz" --replay "$trace" --json
	assert_equal "$(jget "$output" .verified)" true
	assert_equal "$(jget "$output" .file_bytes)" 1048576
	assert_equal "$(jget "$output" .command)" "$ROOT/build/zc-sendfile --to {sink} {file}"
	assert_equal "$(jget "$output" .edges.pagecache_to_socket.bytes)" 1048576
}
