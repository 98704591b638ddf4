#!/usr/bin/env bats
# The article's own code, in Java (demos/java/): the stream copies twice,
# transferTo() into a SocketChannel is sendfile() and copies nothing on a
# device that gathers (once without scatter-gather), and transferTo() into
# a channel made from a stream falls back to pread() + write(): twice.
# Counted exact to the byte, verified by the sink; the JVM's start-up and
# its own threads are not counted. Without a JVM: exit 3, one line.

setup_file() {
	load test_helper/common-setup
	_common_setup
	odd_file_setup
}

setup() {
	load test_helper/common-setup
	_common_setup
}

teardown() {
	[ "$(id -u)" != 0 ] || { no_bpf_left && no_lab_left; }
}

# require_java: the Java demos' programs say themselves what is missing
require_java() {
	local why
	why=$(zc-java-stream --check 2>&1) || skip "${why#zc-java-stream: }"
}

# exact JSON DEMO COPIES: the file's bytes copied COPIES times, no more
exact() {
	local j=$1 d=$2 copies=$3 bytes
	bytes=$(jget "$j" .file_bytes)
	assert_equal "$d $(jget "$j" .verified)" "$d true"
	assert_equal "$d $(jget "$j" .chunk_bytes)" "$d 65537"
	assert_equal "$d copied $(jget "$j" .cpu_copy_bytes)" "$d copied $((copies * bytes))"
	assert_equal "$d $(jget "$j" .pass)" "$d true"
}

@test "java-stream copies twice, java-transferto not at all, java-transferto-stream twice: exact on an odd size and chunk" {
	require_bpf
	require_java
	local j chunks=$(((50 * 1024 * 1024 + 3 + 65536) / 65537))
	run -0 --separate-stderr zcviz --json --file "$ODD" --chunk 65537 java-stream
	exact "$output" java-stream 2
	# the file up into the JVM, and down into the socket; nothing else of
	# the JVM's (its jars, its classes) counts as the file's
	assert_equal "$(jget "$output" .edges.pagecache_to_user.bytes)" 52428803
	assert_equal "$(jget "$output" .edges.user_to_socket.bytes)" 52428803
	assert_equal "$(jget "$output" .syscalls.read)" "$chunks"

	run -0 --separate-stderr zcviz --json --file "$ODD" --chunk 65537 java-transferto
	exact "$output" java-transferto 0
	assert_equal "$(jget "$output" .syscalls.sendfile)" "$chunks"
	assert_equal "$(jget "$output" .edges.pagecache_to_socket.kind)" page_ref
	assert_equal "$(jget "$output" .edges.pagecache_to_socket.bytes)" 52428803
	assert_equal "$(jget "$output" .edges.socket_to_nic.paged_bytes)" "$(jget "$output" '.edges.socket_to_nic.bytes')"

	run -0 --separate-stderr zcviz --json --file "$ODD" --chunk 65537 java-transferto-stream
	exact "$output" java-transferto-stream 2
	# the fallback: 8 KiB at a time, so 9 pread()s for each 65537 bytes
	# and 8 for the last 64740 (a few more are the JVM's, of its jars:
	# their bytes are not the file's)
	local preads=$(((chunks - 1) * 9 + 8)) p
	assert_equal "$(jget "$output" '.syscalls.sendfile // 0')" 0
	p=$(jget "$output" .syscalls.pread64)
	[ "$p" -ge "$preads" ] && [ "$p" -le $((preads + 32)) ] || fail "$p pread()s, $preads for the file"
	[ "$(jget "$output" .syscalls.write)" -ge $((preads - 1)) ]
}

@test "java-transferto to a device without scatter-gather copies once, when the segments are cut" {
	require_bpf
	require_java
	run -0 --separate-stderr zcviz --json --sg off --file "$ODD" --chunk 65537 java-transferto
	assert_equal "$(jget "$output" .verified)" true
	assert_equal "$(jget "$output" .theory_cpu_copies_per_byte)" 1
	assert_equal "$(jget "$output" '.edges.socket_to_nic.segmentation_copy_bytes - .retransmitted_bytes')" 52428803
	assert_equal "$(jget "$output" '.edges.pagecache_to_user.bytes + .edges.user_to_socket.bytes')" 0
}

@test "the JVM's start-up is outside the window: its syscalls are the transfer's" {
	require_bpf
	require_java
	run -0 --separate-stderr zcviz --json --size 4M --chunk 1M java-transferto
	# 4 sendfile()s and what the JVM does around each, not the thousands
	# of its start-up (run alone, it makes about 2000 before main())
	assert_equal "$(jget "$output" .syscalls.sendfile)" 4
	[ "$(jget "$output" .syscalls.total)" -lt 100 ] ||
		fail "$(jget "$output" .syscalls.total) syscalls for 4 chunks: $(jget "$output" .syscalls)"
	assert_equal "$(jget "$output" .mode_switches)" $((2 * $(jget "$output" .syscalls.total)))
}

@test "a Java demo steps one call at a time and replays as it ran" {
	require_bpf
	require_java
	local rec="$BATS_TEST_TMPDIR/java.trace"
	# --record runs the demo stepped (the handshake on its --step-fd)
	run -0 --separate-stderr zcviz --json --size 1M --chunk 256K --record "$rec" java-stream
	local live=$output
	assert_equal "$(jget "$live" .verified)" true
	assert_equal "$(jget "$live" .cpu_copy_bytes)" $((2 * 1048576))
	run -0 --separate-stderr zcviz --json --replay "$rec"
	assert_equal "$(jget "$output" .cpu_copy_bytes)" $((2 * 1048576))
	assert_equal "$(jget "$output" .syscalls)" "$(jget "$live" .syscalls)"
}

@test "a Java demo's program takes the C demos' command line and sends over loopback" {
	require_java
	run -0 zc-java-transferto --help
	assert_line --regexp "^Usage: zc-java-transferto --to HOST:PORT"
	run -2 zc-java-stream --to 127.0.0.1:1 --chunk 0 /etc/hostname
	assert_output "zc-java-stream: --chunk must be a size from 1 to 1G, like 4096, 64K or 1M, not '0'; see zc-java-stream --help"
	run -2 zc-java-stream --to 127.0.0.1:1 /
	assert_output --partial "is a directory, not a regular file"
	run -1 zc-java-stream --to 127.0.0.1:1 /etc/hostname
	assert_output "zc-java-stream: cannot connect to 127.0.0.1:1: Connection refused; is zc-sink --listen 127.0.0.1:1 running?"
	local f="$BATS_TEST_TMPDIR/f" d
	make_file "$f" 300001
	for d in $(demos_list | awk -F'\t' '$8 == "java" { print $1 }'); do
		sink_start 127.0.0.1 "" --once
		run -0 "zc-$d" --to "127.0.0.1:$SINK_PORT" --chunk 4097 "$f"
		assert_output --regexp "^zc-$d: sent 300001 bytes xxh3=[0-9a-f]{16} .*; egress lo, scatter-gather on; receiver agrees$"
		assert_equal "$(field sum "$output")" "$(field sum "$(sink_line 1)")"
		sink_stop
	done
}

@test "without a JVM a Java demo exits 3 in one line that says what to install; zcviz all leaves it out" {
	run -3 env PATH=/nonexistent "$ROOT/build/zc-java-stream" --to 127.0.0.1:1 /etc/hostname
	assert_output "zc-java-stream: no Java here (java: No such file or directory); install a JDK: sudo apt-get install openjdk-17-jdk-headless (or sudo make deps), then make"
	run -3 env ZC_JAVA=/nonexistent/java zc-java-transferto --check
	assert_output --partial "no Java here (/nonexistent/java: No such file or directory); install a JDK"
	require_bpf
	run -3 env ZC_JAVA=/nonexistent/java zcviz --json java-stream
	assert_output "zcviz: java-stream: no Java here (/nonexistent/java: No such file or directory); install a JDK: sudo apt-get install openjdk-17-jdk-headless (or sudo make deps), then make"
	assert_equal "$(our_labs)" ""
	run -0 --separate-stderr env ZC_JAVA=/nonexistent/java zcviz --json --size 1M all
	assert_equal "$(grep -c '^zcviz: skipped java-' <<<"$stderr")" "$(demos_list | awk -F'\t' '$8 == "java"' | wc -l)"
	# every other demo ran, but one this machine lacks something for
	assert_equal "$((${#lines[@]} + $(grep -c '^zcviz: skipped ' <<<"$stderr")))" "$(demos_list | wc -l)"
}
