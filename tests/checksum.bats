#!/usr/bin/env bats
# The sender's checksum of the file, computed by a child of its own while
# it sends: the child never reads a page of the file before the sender has
# (a cold run stays cold), its answer is xxhsum's, and a sender killed
# with SIGKILL leaves no child behind.

setup() {
	load test_helper/common-setup
	_common_setup
	sink_start 127.0.0.1
	F="$BATS_TEST_TMPDIR/file"
	# larger than the kernel's readahead (up to 8 MiB here), which brings
	# the file in ahead of the sender's reads, for the sender
	make_file "$F" $((64 * 1024 * 1024))
	cold "$F"
}

teardown() {
	[ -n "${SENDER:-}" ] && kill -9 "$SENDER" 2>/dev/null
	sink_stop
	true
}

cold() { # cold FILE: its pages written back and dropped from the page cache
	dd if="$1" iflag=nocache count=0 status=none
	sync "$1"
	dd if="$1" iflag=nocache count=0 status=none
}

resident() { # resident FILE: its bytes in the page cache
	fincore --bytes --noheadings --output RES "$1" | tr -d ' '
}

# checksum_child_of PID: the pid of its child while it runs (a child that
# has exited shows no command line), waited for
checksum_child_of() {
	local i c
	for i in $(seq 100); do
		c=$(pgrep -P "$1" -f -- --checksum-child) && { echo "$c"; return 0; }
		sleep 0.05
	done
	return 1
}

@test "a paced cold run stays cold: the checksum's child reads only what the sender has read" {
	command -v fincore >/dev/null || skip "needs fincore (util-linux)"
	[ "$(resident "$F")" -lt $((1024 * 1024)) ] || skip "this file system keeps the file in memory: $(resident "$F") bytes"
	# 16 MB/s: half a second in, the sender has read about 8 of the 64 MiB,
	# and the kernel's readahead up to 8 more
	zc-traditional --to "127.0.0.1:$SINK_PORT" --rate 16 "$F" >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	SENDER=$!
	checksum_child_of "$SENDER" >/dev/null || fail "no checksum child of $SENDER"
	sleep 0.5
	local res
	res=$(resident "$F")
	[ "$res" -lt $((40 * 1024 * 1024)) ] ||
		fail "0.5 s into a 4 s transfer, $res of the file's $((64 * 1024 * 1024)) bytes are in the page cache: something read ahead of the sender"
	wait "$SENDER"
	SENDER=""
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output --partial "receiver agrees"
	assert_equal "$(field sum "$output")" "$(xxhsum -H3 "$F" | sed 's/.* = //')"
}

@test "a sender killed with SIGKILL leaves no checksum child behind" {
	local child i
	zc-traditional --to "127.0.0.1:$SINK_PORT" --rate 4 "$F" >/dev/null 2>&1 3>&- &
	SENDER=$!
	child=$(checksum_child_of "$SENDER") || fail "no checksum child of $SENDER"
	kill -9 "$SENDER"
	wait "$SENDER" 2>/dev/null || true
	SENDER=""
	for i in $(seq 40); do
		kill -0 "$child" 2>/dev/null || return 0
		sleep 0.05
	done
	fail "the checksum child $child outlived its sender by 2 s"
}
