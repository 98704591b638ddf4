#!/usr/bin/env bats
# --cast FILE writes the dashboard as an asciicast v2 recording, the format
# terminal recordings are shared in: a header, then timed frames. Debian's
# asciinema plays it back; without a terminal the dashboard runs unseen and
# ends with its runs, replayed or live.

setup() {
	load test_helper/common-setup
	_common_setup
	command -v asciinema >/dev/null || skip "needs asciinema (sudo make deps)"
}

# well_formed CAST: a v2 header of 80x24, then frames whose times only grow
well_formed() {
	local header
	header=$(head -n 1 "$1")
	assert_equal "$(jq -r '"\(.version) \(.width) \(.height)"' <<<"$header")" "2 80 24"
	tail -n +2 "$1" | jq -e -s 'length > 2 and all(.[]; length == 3 and .[1] == "o" and (.[2] | type) == "string")
		and ([.[][0]] | . == sort)' >/dev/null || fail "$1: the frames are not [time, \"o\", text] in time order"
}

# played CAST: what asciinema cat writes to a terminal (it wants one),
# without the escapes that colour it
played() {
	# (asciinema keeps an id in its config directory: a user without a
	# home, as nobody is, gets one of the test's)
	ASCIINEMA_CONFIG_HOME="$BATS_TEST_TMPDIR/asciinema" \
		script -qec "asciinema cat '$1'" /dev/null | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'
}

@test "zcviz --replay TRACE --cast FILE, without a terminal: a recording asciinema plays, the whole run in it" {
	local cast="$BATS_TEST_TMPDIR/sendfile.cast"
	run -0 --separate-stderr "$USER_ROOT/build/zcviz" --replay "$USER_ROOT/lessons/traces/sendfile.trace" --cast "$cast"
	# the run's report, as after any dashboard
	assert_line --regexp "^sendfile: 2097152 bytes"
	well_formed "$cast"
	run -0 played "$cast"
	assert_output --partial "zcviz (replay)  sendfile"
	assert_output --partial "checksum verified"
	assert_output --regexp "CPU copies of the file 1\.0[0-2] x file size"
}

# span CAST: the seconds it plays for, to its last frame
span() {
	tail -n 1 "$1" | jq '.[0]'
}

@test "a replay cast without a terminal is made in seconds, yet plays at the pace: the default, or --pace's" {
	local t="$USER_ROOT/lessons/traces/java-transferto-stream.trace"
	local cast="$BATS_TEST_TMPDIR/paced.cast" calls pace want args
	# 623 syscalls: 156 s at the default 4 a second, which it took to make
	# when it slept through every frame (the bound is far beyond what it
	# takes now)
	calls=$("$USER_ROOT/build/zcviz" --replay "$t" --json | jq .syscalls.total)
	for pace in 4 64; do
		args=()
		[ "$pace" = 4 ] || args=(--pace "$pace")
		run -0 --separate-stderr timeout 30 "$USER_ROOT/build/zcviz" --replay "$t" "${args[@]}" --cast "$cast" </dev/null
		well_formed "$cast"
		want=$(awk -v c="$calls" -v p="$pace" 'BEGIN { print c / p }')
		within "$(span "$cast")" "$want" 1 ||
			fail "at $pace syscalls a second, $calls take $want s, not $(span "$cast")"
		run -0 played "$cast"
		assert_output --partial "[$pace syscalls/s]"
		assert_output --partial "checksum verified"
		assert_output --partial "CPU copies of the file 2.00 x file size"
	done
	# full speed, as the f key: 64 syscalls a frame
	run -0 --separate-stderr timeout 30 "$USER_ROOT/build/zcviz" --replay "$t" --pace full --cast "$cast" </dev/null
	within "$(span "$cast")" 0 1 || fail "full speed took $(span "$cast") s"
	run -0 played "$cast"
	assert_output --partial "[full speed]"
	assert_output --partial "checksum verified"
}

@test "--pace takes the dashboard's paces, or full" {
	local t="$ROOT/lessons/traces/mmap.trace"
	run -2 zcviz --replay "$t" --pace 3 --cast "$BATS_TEST_TMPDIR/x.cast"
	assert_output "zcviz: --pace takes syscalls a second, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, or full, not '3'; see zcviz --help"
	run -2 zcviz --replay "$t" --step --pace full
	assert_output "zcviz: give --step or --pace full, not both; see zcviz --help"
	assert_file_not_exists "$BATS_TEST_TMPDIR/x.cast"
}

@test "a live run casts too, and ends by itself without a terminal" {
	require_bpf
	local cast="$BATS_TEST_TMPDIR/live.cast"
	run -0 --separate-stderr timeout 120 zcviz --size 1M --cast "$cast" traditional
	well_formed "$cast"
	run -0 played "$cast"
	assert_output --partial "checksum verified"
	assert_output --partial "CPU copies of the file 2.00 x file size"
	no_bpf_left
	no_lab_left
}

@test "--cast refuses a link and what does not apply, exit 2; the file is never half written" {
	local dir="$BATS_TEST_TMPDIR"
	ln -s /etc/passwd "$dir/link.cast"
	run -2 zcviz --replay "$ROOT/lessons/traces/mmap.trace" --cast "$dir/link.cast"
	assert_output --partial "link"
	run -2 zcviz --json --cast "$dir/x.cast" sendfile
	assert_output "zcviz: --cast records the dashboard: not with --report, --json or --csv; see zcviz --help"
	assert_file_not_exists "$dir/x.cast"
}

@test "a run that was not verified ends the cast and the dashboard as it ends --report: exit 1" {
	# the sendfile lesson's run, as if its receiver had disagreed
	local t="$BATS_TEST_TMPDIR/bad.trace"
	sed 's/^result 1 /result 0 /' "$ROOT/lessons/traces/sendfile.trace" >"$t"
	run -1 zcviz --replay "$t" --report
	run -1 zcviz --replay "$t" --cast "$BATS_TEST_TMPDIR/bad.cast" </dev/null
	well_formed "$BATS_TEST_TMPDIR/bad.cast"
	# and the run as it was, verified: 0
	run -0 zcviz --replay "$ROOT/lessons/traces/sendfile.trace" --cast "$BATS_TEST_TMPDIR/ok.cast" </dev/null
}
