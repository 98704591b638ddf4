#!/usr/bin/env bats
# Every run gets a verdict: one line that says why its bytes were or were
# not copied, from what was measured (the report's "why:", the JSON's
# "verdict", a CSV column). Each kind of verdict against a recorded run
# that shows it, without root.

setup() {
	load test_helper/common-setup
	_common_setup
}

# verdict TRACE: the JSON's verdict of the trace's (first) run
verdict() {
	zcviz --replay "$ROOT/lessons/traces/$1" --json | head -n 1 | jq -r .verdict
}

@test "a user-space loop: read() into user memory, then copied into the socket (C and Java)" {
	run -0 verdict traditional.trace
	assert_output "read() into user memory, then copied into the socket: a user-space loop (2.00 CPU copies per byte)"
	run -0 verdict java-stream.trace
	assert_output --partial "a user-space loop (2.00 CPU copies"
	# transferTo() into a stream: the JDK falls back to the same loop
	run -0 verdict java-transferto-stream.trace
	assert_output --partial "a user-space loop (2.00 CPU copies"
}

@test "mapped, then copied into the socket: one copy" {
	run -0 verdict mmap.trace
	assert_output "mapped into user memory, then copied into the socket (1.00 CPU copies per byte)"
}

@test "sendfile by page reference: no copy where the device gathers, one when it cuts segments" {
	run -0 verdict dma-gather.trace
	assert_output "sent from the page cache by page reference (sendfile), not copied into the socket (0.00 CPU copies per byte)"
	run -0 verdict java-transferto.trace
	assert_output --partial "by page reference (sendfile), not copied into the socket (0.00"
	run -0 verdict dma-gather-sg-off.trace
	assert_output "sent from the page cache by page reference (sendfile), not copied into the socket; the device cannot gather: copied when cut into segments (1.00 CPU copies per byte)"
	run -0 verdict traditional-sg-off.trace
	assert_output --partial "a user-space loop; the device cannot gather: copied when cut into segments (3.00"
}

@test "splice through a pipe by page reference" {
	run -0 verdict splice.trace
	assert_output "spliced through a pipe by page reference, not copied into the socket (0.00 CPU copies per byte)"
}

@test "pinned user pages: not copied into the socket, copied on receive where the receiver is local" {
	run -0 verdict msg-zerocopy.trace
	assert_output "pinned user pages, taken by the socket without a copy; the pinned pages were copied on receive: the receiver is local (1.00 CPU copies per byte)"
	run -0 verdict io-uring-zc.trace
	assert_output --partial "pinned user pages, taken by the socket without a copy"
}

# a trace of traditional (sg off) whose socket took 'factor' times the bytes read
changed() {
	awk -v f="$1" '
		/^counters / { for (i = 2; i <= NF; i++) col[$i] = i + 2 }
		/^c / { $col["send_copy_bytes"] = int($col["send_copy_bytes"] * f) }
		{ print }' "$ROOT/lessons/traces/traditional-sg-off.trace" >"$BATS_TEST_TMPDIR/t.trace"
	zcviz --replay "$BATS_TEST_TMPDIR/t.trace" --json | jq -r .verdict
}

@test "bytes into the socket other than those read: changed or compressed in user space" {
	run -0 changed 1.1
	assert_output --partial "more bytes into the socket than were read: changed in user space (encrypted, or encoded)"
	run -0 changed 0.5
	assert_output --partial "fewer bytes into the socket than were read: compressed in user space, or not all sent"
}

@test "what was not measured is said to be: without tcp_sendmsg_locked" {
	# a trace's MISSING field, tcp_sendmsg_locked's group (bit 1) set
	awk '/^run / { $9 = 2 } { print }' "$ROOT/lessons/traces/dma-gather.trace" >"$BATS_TEST_TMPDIR/m.trace"
	run -0 zcviz --replay "$BATS_TEST_TMPDIR/m.trace" --json
	assert_equal "$(jq -r .missing_tracepoints[0] <<<"$output")" tcp_sendmsg_locked
	assert_equal "$(jq -r .verdict <<<"$output" | grep -c 'how the socket took them: not measured')" 1
}

@test "the report says it as why:, and the CSV has it as a column" {
	run -0 zcviz --replay "$ROOT/lessons/traces/mmap.trace" --report
	assert_line --regexp '^  why:  mapped into user memory, then copied into the socket'
	run -0 zcviz --replay "$ROOT/lessons/traces/mmap.trace" --csv
	assert_line --index 0 --partial ",verdict,"
}
