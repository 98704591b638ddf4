#!/usr/bin/env bats
# The files zcviz writes as root (a --record trace, the sample file): never
# through a link planted at the path, never truncated before there is
# something to write, unique temporaries, a clear error and exit 3 when
# the disk cannot take them, nothing half-written left behind.

setup() {
	load test_helper/common-setup
	_common_setup
	require_bpf
	VICTIM="$BATS_TEST_TMPDIR/victim"
	echo "precious" >"$VICTIM"
}

teardown() {
	[ -z "${MNT:-}" ] || umount "$MNT" 2>/dev/null || true
	no_bpf_left
	no_lab_left
}

victim_intact() {
	# (a size first: a victim overwritten with 64 MiB is no string to diff)
	assert_equal "$(stat -c %s "$VICTIM")" 9
	assert_equal "$(cat "$VICTIM")" "precious"
}

@test "--record refuses a symbolic link planted at its path, exit 2" {
	local link="$BATS_TEST_TMPDIR/trace"
	ln -s "$VICTIM" "$link"
	run -2 zcviz --report --size 1M --record "$link" traditional
	assert_output "zcviz: '$link' is a symbolic link: zcviz does not write through links; remove it or give another path"
	victim_intact
	assert [ -L "$link" ]
}

@test "--record refuses a device, exit 2, and writes nothing there" {
	run -2 zcviz --report --size 1M --record /dev/full traditional
	assert_output "zcviz: '/dev/full' exists and is not a regular file; give the path of a new or regular file"
	assert [ -c /dev/full ]
	run ls -a /dev
	refute_output --partial ".full."
}

@test "--record keeps what was there when no run finishes" {
	local t="$BATS_TEST_TMPDIR/old.trace"
	echo "an older trace" >"$t"
	# the receiver's name does not resolve: no run starts
	run -2 --separate-stderr zcviz --report --size 1M --to no-such-host.invalid:1 --record "$t" traditional
	[[ "$stderr" == *"zcviz: no run finished, so nothing was recorded in '$t'"* ]] || fail "$stderr"
	assert_equal "$(cat "$t")" "an older trace"
	# and no temporary is left beside it
	run ls -A "$BATS_TEST_TMPDIR"
	refute_output --partial ".old.trace."
}

@test "--record on a full disk says so, exit 3, and leaves no partial trace" {
	MNT="$BATS_TEST_TMPDIR/mnt"
	mkdir "$MNT"
	mount -t tmpfs -o size=8k tmpfs "$MNT"
	run -3 --separate-stderr zcviz --report --size 4M --record "$MNT/t.trace" traditional
	[[ "$stderr" == *"zcviz: writing the trace '$MNT/t.trace' failed: No space left on device"* ]] || fail "$stderr"
	run ls -A "$MNT"
	assert_output ""
}

@test "the sample file is written through no link planted beside it" {
	local size=123457 old="$ROOT/build/sample-123457.bin"
	rm -f "$old" "$old.tmp"
	# where the old zcviz wrote its temporary
	ln -s "$VICTIM" "$old.tmp"
	run -0 --separate-stderr zcviz --json --size "$size" traditional
	rm -f "$old.tmp"
	victim_intact
	assert_equal "$(stat -c %s "$old")" "$size"
	assert_equal "$(jget "$output" .verified)" true
	rm -f "$old"
}

@test "make's sample is written through no link planted beside it" {
	local s="$BATS_TEST_TMPDIR/s.bin"
	ln -s "$VICTIM" "$s.tmp"
	run -0 make -C "$ROOT" --no-print-directory SAMPLE="$s" "$s"
	victim_intact
	assert_equal "$(stat -c %s "$s")" $((64 * 1024 * 1024))
	run ls -A "$BATS_TEST_TMPDIR"
	refute_output --regexp "s\.bin\.[A-Za-z0-9]{6}"
}

@test "two runs that make the same sample at once both succeed" {
	local size=$((3 * 1024 * 1024 + 7)) a b
	rm -f "$ROOT/build/sample-$size.bin"
	zcviz --json --size "$size" traditional >"$BATS_TEST_TMPDIR/a" 2>&1 3>&- &
	a=$!
	zcviz --json --size "$size" mmap >"$BATS_TEST_TMPDIR/b" 2>&1 3>&- &
	b=$!
	wait "$a" || fail "the first run failed: $(cat "$BATS_TEST_TMPDIR/a")"
	wait "$b" || fail "the second run failed: $(cat "$BATS_TEST_TMPDIR/b")"
	assert_equal "$(jq -r .verified "$BATS_TEST_TMPDIR/a")" true
	assert_equal "$(jq -r .verified "$BATS_TEST_TMPDIR/b")" true
	run ls -A "$ROOT/build"
	refute_output --regexp "sample-$size\.bin\..{6}"
	rm -f "$ROOT/build/sample-$size.bin"
}

@test "a --size the disk cannot hold is refused before writing, exit 3" {
	run -3 zcviz --report --size 99999G traditional
	assert_output --regexp "^zcviz: no room for .*/sample-99999G.bin \(107373108658176 bytes\): [0-9]+ bytes are free there; give a smaller --size, or --file$"
	run ls -A "$ROOT/build"
	refute_output --partial "sample-99999G"
}

@test "Ctrl-C while the sample is written: no partial file, and no lab claimed" {
	local size=3G i rc=0
	rm -f "$ROOT/build/sample-$size.bin"
	zcviz --report --size "$size" traditional >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	local pid=$!
	for i in $(seq 100); do
		ls -A "$ROOT/build" | grep -q "^\.sample-$size\.bin\." && break
		sleep 0.05
	done
	kill -INT "$pid"
	wait "$pid" || rc=$?
	assert_equal "$rc" 130
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output --regexp "zcviz: stopped by signal 2$"
	refute_output --partial "No such file"
	refute_output --partial "lab"
	run ls -A "$ROOT/build"
	refute_output --partial "sample-$size"
}
