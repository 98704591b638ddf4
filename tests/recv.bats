#!/usr/bin/env bats
# zc-sink --recv: the receive side four ways, over loopback (no root). Each
# mode takes every byte and verifies what it can: copy and mmap the
# checksum of the stream, splice the file it wrote (equal to the one
# sent), discard only the count, and it says so ("unread"); the sender
# calls that "receiver counted". mmap says what the kernel mapped and what
# it left to copy, and maps nothing of a sendfile's page-cache pages.
# Bad modes and files are refused at start, exit 2.

setup_file() {
	export F="$BATS_FILE_TMPDIR/odd"
	head -c $((4 * 1024 * 1024 + 3)) /dev/urandom >"$F"
}

setup() {
	load test_helper/common-setup
	_common_setup
}

teardown() {
	sink_stop
}

# send SENDER MODE...: F from SENDER into zc-sink --once --recv MODE...;
# the sender's output in $output, the sink's line in $line
send() {
	local sender=$1
	shift
	SINK_BOUND=60 sink_start 127.0.0.1 "" --once --recv "$@"
	run -0 "zc-$sender" --to "127.0.0.1:$SINK_PORT" "$F"
	line=$(sink_line 1)
	wait "$SINK_PID"
	SINK_PID=""
}

# mapped_copied LINE: "M C", the sink's figures for mmap
mapped_copied() {
	sed -n 's/.*; mapped \([0-9]*\) bytes, copied \([0-9]*\) bytes (TCP_ZEROCOPY_RECEIVE)$/\1 \2/p' <<<"$1"
}

@test "--recv copy, mmap and splice agree with the sender on bytes and checksum; discard on bytes, and says unread" {
	local bytes m out="$BATS_TEST_TMPDIR/into.bin"
	bytes=$(stat -c %s "$F")
	for m in copy mmap splice discard; do
		if [ "$m" = splice ]; then send msg-zerocopy splice "$out"; else send msg-zerocopy "$m"; fi
		assert_equal "$(field bytes "$line")" "$bytes"
		if [ "$m" = discard ]; then
			assert_output --partial "; receiver counted, unread"
			[[ $line = *"received $bytes bytes unread in "*"; discarded unread (MSG_TRUNC)" ]] ||
				fail "discard's line: $line"
		else
			assert_output --partial "; receiver agrees"
			assert_equal "$(field sum "$line")" "$(field sum "$output")"
		fi
	done
	cmp "$F" "$out"
	# the file took its name: nothing else was left beside it
	assert_equal "$(ls "$BATS_TEST_TMPDIR" | grep -c zc-sink)" 0
}

@test "--recv mmap: mapped and copied add up to the bytes; a sendfile's page-cache pages are never mapped, msg-zerocopy's copies are" {
	local mc
	send sendfile mmap
	mc=$(mapped_copied "$line")
	assert_equal "$mc" "0 $(stat -c %s "$F")"
	# over loopback the receiving side copies the sender's pinned pages
	# into pages of its own, which the kernel can map where they are whole
	send msg-zerocopy mmap
	mc=$(mapped_copied "$line")
	[ -n "$mc" ] || fail "no figures: $line"
	assert_equal "$(( ${mc% *} + ${mc#* } ))" "$(stat -c %s "$F")"
	[ "${mc% *}" -gt 0 ] || fail "nothing mapped of msg-zerocopy's pages: $line"
	assert_equal "$(( ${mc% *} % 4096 ))" 0
}

@test "--recv splice: a cut transfer leaves FILE as it was, and nothing beside it" {
	local out="$BATS_TEST_TMPDIR/into.bin" sender i rc=0
	echo before >"$out"
	head -c $((64 * 1024 * 1024)) /dev/zero >"$BATS_TEST_TMPDIR/big"
	SINK_BOUND=60 sink_start 127.0.0.1 "" --once --recv splice "$out"
	zc-traditional --to "127.0.0.1:$SINK_PORT" --rate 16 "$BATS_TEST_TMPDIR/big" >/dev/null 2>&1 &
	sender=$!
	# killed once bytes are in the file: a connection that sent nothing
	# is no transfer, and --once would wait for the next
	for i in $(seq 400); do
		[ -n "$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'into.bin.zc-sink-*' -size +0)" ] && break
		sleep 0.05
	done
	kill -9 "$sender"
	wait "$SINK_PID" || rc=$?
	SINK_PID=""
	assert_equal "$rc" 1
	assert_equal "$(cat "$out")" before
	assert_equal "$(ls "$BATS_TEST_TMPDIR" | grep -c zc-sink)" 0
}

@test "zc-sink --recv refuses an unknown mode, splice without FILE or with one it cannot write, exit 2" {
	run -2 zc-sink --listen 127.0.0.1:0 --recv bogus
	assert_output "zc-sink: --recv takes copy, mmap, splice FILE, discard, io-uring-zcrx or devmem, not 'bogus'; see zc-sink --help"
	run -2 zc-sink --listen 127.0.0.1:0 --recv splice
	assert_output "zc-sink: --recv splice needs the FILE to write into (--recv splice FILE); see zc-sink --help"
	run -2 zc-sink --listen 127.0.0.1:0 --recv splice "$BATS_TEST_TMPDIR/no/such"
	assert_output "zc-sink: --recv splice cannot write $BATS_TEST_TMPDIR/no/such: No such file or directory; give a file in a directory you can write"
	run -2 zc-sink --listen 127.0.0.1:0 --recv splice "$BATS_TEST_TMPDIR"
	assert_output --partial "Is a directory"
}

@test "zc-sink --recv io-uring-zcrx and devmem say in one line what hardware they need, exit 3" {
	local m
	for m in io-uring-zcrx devmem; do
		run -3 zc-sink --listen 127.0.0.1:0 --recv "$m"
		assert_output --regexp "^zc-sink: --recv $m needs a NIC .*\(Documentation/networking/[a-z-]+\.rst\); a veth has [a-z ]+$"
		assert_equal "${#lines[@]}" 1
	done
}
