#!/usr/bin/env bats
# The instrument's numbers match the theory, and come from the kernel:
# CPU copies per byte (2, 1, 1, 0), mode switches, page faults, page
# references, the disk's DMA when cold, and the segmentation copy of a
# device without scatter-gather. Needs root and BTF.

setup_file() {
	load test_helper/common-setup
	_common_setup
	odd_file_setup
}

setup() {
	load test_helper/common-setup
	_common_setup
	require_bpf
}

teardown() {
	no_bpf_left
	no_lab_left
}

# check_demo JSON THEORY FILE_BYTES CHUNK
check_demo() {
	local j=$1 theory=$2 bytes=$3 chunk=$4 demo syscalls modes
	demo=$(jget "$j" .demo)
	assert_equal "$(jget "$j" .verified)" true
	assert_equal "$(jget "$j" .file_bytes)" "$bytes"
	assert_equal "$(jget "$j" .chunk_bytes)" "$chunk"
	assert_equal "$(jget "$j" .theory_cpu_copies_per_byte)" "$theory"
	within "$(jget "$j" .cpu_copies_per_byte)" "$theory" "$(awk -v t="$theory" 'BEGIN { print 0.02 * (t > 1 ? t : 1) }')" ||
		fail "$demo: $(jget "$j" .cpu_copies_per_byte) copies per byte, theory $theory"
	syscalls=$(jget "$j" .syscalls.total)
	modes=$(jget "$j" .mode_switches)
	within "$modes" $((2 * syscalls)) $((syscalls / 50 + 1)) ||
		fail "$demo: $modes mode switches for $syscalls syscalls"
	# the demos that send by sendfile() hand the socket page references,
	# those that splice() through a pipe too, by way of the pipe; the
	# others copy from user memory
	if [ "$(jget "$j" '.syscalls.sendfile // 0')" -gt 0 ]; then
		assert_equal "$(jget "$j" .edges.pagecache_to_socket.kind)" page_ref
		assert_equal "$(jget "$j" .edges.pagecache_to_socket.bytes)" "$bytes"
		assert_equal "$(jget "$j" .edges.user_to_socket.bytes)" 0
	elif [ "$(jget "$j" '.syscalls.splice // 0')" -gt 0 ]; then
		assert_equal "$(jget "$j" .edges.pagecache_to_pipe.kind)" page_ref
		assert_equal "$(jget "$j" .edges.pagecache_to_pipe.bytes)" "$bytes"
		assert_equal "$(jget "$j" .edges.pipe_to_socket.kind)" page_ref
		assert_equal "$(jget "$j" .edges.pipe_to_socket.bytes)" "$bytes"
		assert_equal "$(jget "$j" '.edges.user_to_socket.bytes + .edges.pagecache_to_socket.bytes')" 0
	elif [ "$(jget "$j" '.zero_copy.socket_pinned_bytes // 0')" -gt 0 ]; then
		# MSG_ZEROCOPY, SEND_ZC: the user's pages, pinned (zerocopy.bats)
		assert_equal "$(jget "$j" .edges.user_to_socket.kind)" page_ref
		assert_equal "$(jget "$j" .zero_copy.socket_pinned_bytes)" "$bytes"
	else
		assert_equal "$(jget "$j" .edges.user_to_socket.kind)" cpu_copy
		assert_equal "$(jget "$j" .edges.user_to_socket.bytes)" "$bytes"
	fi
}

# seen_as_device_says JSON: the packets the instrument saw at the device
# are the device's own count (those it handed on, tx_packets, and those
# it dropped, tx_dropped), but those it says it did not see
seen_as_device_says() {
	local unseen dev seen
	unseen=$(jget "$1" .unseen_bytes) seen=$(jget "$1" .seen_tx_packets)
	dev=$(jget "$1" '.device_tx_packets + .device_tx_dropped')
	if [ "$unseen" = 0 ]; then
		assert_equal "seen $seen" "seen $dev"
	else
		[ "$dev" -gt "$seen" ] || fail "$unseen bytes unseen, but the device counted $dev packets and we $seen"
	fi
}

# theory_of DEMO: its row's CPU copies per byte in the lab
theory_of() {
	demos_list | awk -F'\t' -v d="$1" '$1 == d { print $9 }'
}

# check_all BYTES CHUNK: every line of all_demos, against its row's theory
check_all() {
	local j
	for j in "${lines[@]}"; do
		check_demo "$j" "$(theory_of "$(jget "$j" .demo)")" "$1" "$2"
	done
	check_faults "${lines[@]}"
}

# check_faults JSONS...: mmap faults, the others few
check_faults() {
	local j mmap_faults=0 other_max=0 f
	for j in "$@"; do
		# a JVM's heap faults in as it grows: not the lesson's
		[ "$(lang_of "$(jget "$j" .demo)")" = c ] || continue
		f=$(jget "$j" .page_faults)
		if [ "$(jget "$j" .demo)" = mmap ]; then
			mmap_faults=$f
		elif [ "$(jget "$j" .edges.pagecache_mapped.bytes)" != 0 ]; then
			# it maps the file too (MSG_ZEROCOPY, SEND_ZC), and never
			# touches it: the socket pins the pages; but a sanitizer
			# checks every send buffer, and faults its shadow in
			continue
		elif [ "$f" -gt "$other_max" ]; then
			other_max=$f
		fi
	done
	[ "$mmap_faults" -ge 16 ] || fail "mmap: only $mmap_faults page faults"
	[ "$other_max" -le 64 ] || fail "a demo without mmap had $other_max page faults"
	[ "$mmap_faults" -gt "$other_max" ] || fail "mmap $mmap_faults faults, others up to $other_max"
}

all_demos() { # all_demos ARGS...: zcviz --json all, one line per demo
	run -0 --separate-stderr zcviz --json "$@" all
	assert_equal "${#lines[@]}" "$(wc -w <<<"$(runnable_demos)")"
}

# (the rows' theory is the textbook's: 2, 1, 1, 0 and 0 for the five
# demos; tests/unit/test_model.c holds the table to that)
@test "64 MiB warm, default chunk: every demo's CPU copies per byte are its theory" {
	local j
	all_demos
	check_all 67108864 131072
	assert_equal "$(jget "${lines[0]}" .demo)" traditional
	assert_equal "$(jget "${lines[0]}" .cpu_copies_per_byte)" 2
	# the textbook's syscalls per chunk: 512 chunks of 128 KiB, each data
	# syscall a whole number of times per chunk (mmap once), nothing else
	# (in C: a JVM makes syscalls of its own around each call)
	for j in "${lines[@]}"; do
		[ "$(lang_of "$(jget "$j" .demo)")" = c ] || continue
		# a zero-copy sender: a send per chunk (a syscall, or an io_uring
		# request), and its waits for the kernel's answers, as many as
		# they take
		if [ "$(jget "$j" .zero_copy)" != null ]; then
			assert_equal "$(jget "$j" '(.syscalls.sendto // 0) + .io_uring.requests')" 512
			assert_equal "$(jget "$j" .syscalls.other)" 0
			continue
		fi
		assert_equal "$(jget "$j" '[.syscalls | del(.total, .other, .mmap) | .[] | . % 512] | add')" 0
		assert_equal "$(jget "$j" .syscalls.other)" 0
	done
	assert_equal "$(jget "${lines[0]}" .syscalls.read)" 512
	assert_equal "$(jget "${lines[0]}" .syscalls.write)" 512
}

@test "an odd size (50 MiB + 3) and an odd chunk (65537): the same theory" {
	all_demos --file "$ODD" --chunk 65537
	check_all 52428803 65537
}

@test "the lab's sendfile has no scatter-gather and copies once at segmentation" {
	run -0 --separate-stderr zcviz --json sendfile
	assert_equal "$(jget "$output" .sg)" false
	# every byte copied once when cut to segments (and any byte TCP sent
	# again, once more: that is counted as retransmitted)
	assert_equal "$(jget "$output" '.edges.socket_to_nic.segmentation_copy_bytes - .retransmitted_bytes')" 67108864
	assert_equal "$(jget "$output" .edges.socket_to_nic.paged_bytes)" 0
	run -0 --separate-stderr zcviz --json dma-gather
	assert_equal "$(jget "$output" .sg)" true
	assert_equal "$(jget "$output" .edges.socket_to_nic.segmentation_copy_bytes)" 0
	assert_equal "$(jget "$output" '.edges.socket_to_nic.bytes - .retransmitted_bytes')" 67108864
	seen_as_device_says "$output"
	# all of it gathered, but what TCP may have sent again in a linear skb
	assert_equal "$(jget "$output" '.edges.socket_to_nic.linear_bytes <= .retransmitted_bytes')" true
}

@test "splice: two calls a chunk through a pipe, by reference; 0 copies, and 1 without scatter-gather" {
	local file=52428803 chunks=$(((52428803 + 65536) / 65537))
	run -0 --separate-stderr zcviz --json --file "$ODD" --chunk 65537 splice
	assert_equal "$(jget "$output" .verified)" true
	assert_equal "$(jget "$output" .sg)" true
	assert_equal "$(jget "$output" .syscalls.splice)" $((2 * chunks))
	assert_equal "$(jget "$output" .syscalls.total)" $((2 * chunks))
	assert_equal "$(jget "$output" .edges.pagecache_to_pipe.bytes)" $file
	assert_equal "$(jget "$output" .edges.pipe_to_socket.bytes)" $file
	assert_equal "$(jget "$output" .cpu_copy_bytes)" 0
	assert_equal "$(jget "$output" '.edges.socket_to_nic.paged_bytes - .retransmitted_bytes + .unseen_bytes')" $file
	run -0 --separate-stderr zcviz --json --file "$ODD" --chunk 65537 --sg off splice
	assert_equal "$(jget "$output" .verified)" true
	assert_equal "$(jget "$output" .theory_cpu_copies_per_byte)" 1
	# every byte once, when GSO cut the segments; what TCP sent twice, twice
	assert_equal "$(jget "$output" '.cpu_copy_bytes - .retransmitted_bytes')" $file
	assert_equal "$(jget "$output" .edges.socket_to_nic.segmentation_copy_bytes)" "$(jget "$output" .cpu_copy_bytes)"
}

@test "--cold shows the disk's DMA into the page cache; warm shows none" {
	local cold warm
	run -0 --separate-stderr zcviz --json --cold --file "$ODD" traditional
	cold=$(jget "$output" .edges.disk_to_pagecache.bytes)
	assert_equal "$(jget "$output" .edges.disk_to_pagecache.kind)" dma
	assert_equal "$(jget "$output" .cold)" true
	[ "$cold" -ge $((52428803 * 95 / 100)) ] || fail "cold: only $cold bytes from disk"
	run -0 --separate-stderr zcviz --json --file "$ODD" traditional
	warm=$(jget "$output" .edges.disk_to_pagecache.bytes)
	[ "$warm" -lt $((52428803 * 5 / 100)) ] || fail "warm: $warm bytes from disk"
}

@test "--sg off on traditional costs 3 copies, and the report says why" {
	run -0 --separate-stderr zcviz --json --sg off traditional
	within "$(jget "$output" .cpu_copies_per_byte)" 3 0.06 || fail "$(jget "$output" .cpu_copies_per_byte) copies"
	assert_equal "$(jget "$output" .theory_cpu_copies_per_byte)" 3
	run -0 --separate-stderr zcviz --report --sg off traditional
	assert_line --regexp "^  CPU copies of the file +3\.0[0-9] x file size +theory 3 +\[ok\]"
	assert_line "  note: this device cannot gather: one more copy when GSO cuts segments"
}

@test "other processes do not change the demo's counts" {
	local base busy key
	run -0 --separate-stderr zcviz --json traditional
	base=$output
	# read the same file and keep a CPU busy while the demo runs
	(while :; do cat "$ROOT/build/sample-64M.bin" >/dev/null; done) 3>&- &
	local reader=$!
	(while :; do :; done) 3>&- &
	local spinner=$!
	run -0 --separate-stderr zcviz --json traditional
	busy=$output
	kill "$reader" "$spinner"
	# a busy machine may make TCP send a segment again: that is counted
	# as sent again (retransmitted_bytes), not as the file's bytes
	for key in .syscalls.total .syscalls.read .syscalls.write .cpu_copy_bytes \
		.edges.pagecache_to_user.bytes .edges.user_to_socket.bytes \
		'.edges.socket_to_nic.bytes - .retransmitted_bytes' .receiver_copy_bytes; do
		assert_equal "$key=$(jget "$busy" "$key")" "$key=$(jget "$base" "$key")"
	done
}

@test "the text report has every figure and the comparison table" {
	run -0 --separate-stderr zcviz --report all
	for what in "disk -> page cache" "page cache -> user buffer" \
		"user buffer -> socket buffer" "page cache -> socket buffer" \
		"socket buffer -> NIC" "CPU copies of the file" "syscalls" \
		"mode switches" "context switches" "page faults" "receiver copy" \
		"elapsed" "sender CPU" "checksum" "Compared (same file, measured)"; do
		assert_line --partial "$what"
	done
	assert_line --regexp "^  traditional +on +2\.00 x ok +2 +1024 +2048 "
	assert_line --regexp "^  mmap +on +1\.00 x ok +1 +513 +1026 "
	assert_line --regexp "^  sendfile +off +1\.0[0-2] x ok +1 +512 +1024 "
	assert_line --regexp "^  dma-gather +on +0\.00 x ok +0 +512 +1024 "
}

@test "a missing tracepoint is reported, and its arrow is not guessed" {
	ZCVIZ_WITHOUT=tcp_sendmsg_locked,net_dev_queue,net_dev_start_xmit \
		run -0 --separate-stderr zcviz --json sendfile
	assert_equal "$(jget "$output" '.missing_tracepoints | join(",")')" "tcp_sendmsg_locked,net_dev_xmit"
	# from the syscall: sendfile() passes page references
	assert_equal "$(jget "$output" .edges.pagecache_to_socket.inferred)" true
	assert_equal "$(jget "$output" .edges.pagecache_to_socket.bytes)" 67108864
	# the NIC side is not measured, so no copy there is claimed
	assert_equal "$(jget "$output" .edges.socket_to_nic.inferred)" true
	assert_equal "$(jget "$output" .edges.socket_to_nic.segmentation_copy_bytes)" 0
	ZCVIZ_WITHOUT=net_dev_queue,net_dev_start_xmit run -0 --separate-stderr zcviz --report sendfile
	assert_line "  not measured (no tracepoint on this kernel): socket buffer -> NIC and the segmentation copy"
	assert_line --partial "[differs]"
	# and no note claims the copy it could not see
	refute_output --partial "copied at GSO"
}
