#!/usr/bin/env bats
# The sender's checksum of the file, computed by a child of its own while
# it sends: the child never reads a page of the file before the sender has
# (a cold run stays cold: the page cache is ahead of the sender by the
# kernel's readahead for its reads only), whether or not mincore() may
# tell it what is cached; its answer is xxhsum's, and a sender killed with
# SIGKILL leaves no child behind.

setup() {
	load test_helper/common-setup
	_common_setup
	sink_start 127.0.0.1
	F="$BATS_TEST_TMPDIR/file"
	# larger than the kernel's readahead (two windows of 8 MiB here),
	# which brings the file in ahead of the sender's reads, for the sender
	make_file "$F" $((64 * 1024 * 1024))
	cold "$F"
}

teardown() {
	local p
	for p in ${SENDER:-} ${SENDER_RUN:-}; do
		kill -9 "$p" 2>/dev/null
	done
	sink_stop
	[ -z "${OPEN_DIR:-}" ] || rm -rf "$OPEN_DIR"
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

# readahead_of FILE: the kernel's readahead window for FILE's device, in
# bytes (read_ahead_kb of its disk)
readahead_of() {
	local dev
	dev=/sys/dev/block/$(stat -c '%Hd:%Ld' "$1")
	[ ! -e "$dev/partition" ] || dev=$dev/..
	[ -r "$dev/queue/read_ahead_kb" ] || return 1
	echo $(($(cat "$dev/queue/read_ahead_kb") * 1024))
}

# sender_of PID: PID when it is zc-traditional, or its child that is
# (PID ran it as another user), waited for
sender_of() {
	local i c
	for i in $(seq 100); do
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" != zc-traditional ] || { echo "$1"; return 0; }
		c=$(pgrep -x -P "$1" zc-traditional) && { echo "$c"; return 0; }
		sleep 0.05
	done
	return 1
}

# read_by PID FILE: how far PID has read FILE (its descriptor's offset)
read_by() {
	local fd
	for fd in /proc/"$1"/fd/*; do
		[ "$(readlink "$fd")" != "$2" ] ||
			{ awk '/^pos:/ { print $2 }' "/proc/$1/fdinfo/${fd##*/}"; return 0; }
	done
	return 1
}

# cached_no_further RUN...: zc-traditional, run by RUN... (nothing, or a
# command that runs it as another user), sends the cold file at 16 MB/s
# (4 s), and each time it has read another 8 MiB, the file's bytes in the
# page cache are at most what it has read, the chunk it reads, and the
# kernel's readahead for its reads: a window of read_ahead_kb, and the
# next one once it reaches the first's end. The checksum's child adds
# nothing: it hashes only what is in the page cache.
cached_no_further() {
	command -v fincore >/dev/null || skip "needs fincore (util-linux)"
	[ "$(resident "$F")" -lt $((1024 * 1024)) ] || skip "this file system keeps the file in memory: $(resident "$F") bytes"
	local ra bound m res pos
	ra=$(readahead_of "$F") || skip "cannot tell the readahead window of the file's device"
	bound=$((2 * ra + 128 * 1024))
	[ "$bound" -lt $((32 * 1024 * 1024)) ] || skip "the readahead window ($ra bytes) is too large for a 64 MiB file to tell"
	"$@" zc-traditional --to "127.0.0.1:$SINK_PORT" --rate 16 "$F" >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	SENDER_RUN=$!
	SENDER=$(sender_of "$SENDER_RUN") || fail "no zc-traditional from $SENDER_RUN"
	checksum_child_of "$SENDER" >/dev/null || fail "no checksum child of $SENDER"
	for m in 8 16 24 32 40 48; do
		until [ "$(read_by "$SENDER" "$F" || echo 0)" -ge $((m << 20)) ]; do
			kill -0 "$SENDER" 2>/dev/null || fail "the sender ended before $m MiB"
			sleep 0.02
		done
		# the page cache first: what the sender has read only grows
		res=$(resident "$F")
		pos=$(read_by "$SENDER" "$F")
		[ "$res" -le $((pos + bound)) ] ||
			fail "with $pos bytes read, $res are in the page cache: more than $bound ahead (twice the readahead window, $ra, and a chunk)"
	done
	wait "$SENDER_RUN"
	SENDER="" SENDER_RUN=""
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output --partial "receiver agrees"
	assert_equal "$(field sum "$output")" "$(xxhsum -H3 "$F" | sed 's/.* = //')"
}

@test "a paced cold run stays cold: the page cache runs ahead of the sender by its readahead only" {
	cached_no_further
}

@test "a paced cold run of a file the sender may not write stays cold too (mincore() will not tell it what is cached)" {
	[ "$(id -u)" = 0 ] || skip "needs root, to send a file of root's as nobody"
	# where nobody may read it (the test's own directory is root's only)
	OPEN_DIR=$(mktemp -d /tmp/zc-cold.XXXX)
	chmod 755 "$OPEN_DIR"
	mv "$F" "$OPEN_DIR/file"
	F=$OPEN_DIR/file
	chmod 644 "$F"
	cached_no_further runuser -u nobody -- env PATH="$USER_ROOT/build:$PATH"
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
