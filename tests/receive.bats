#!/usr/bin/env bats
# zcviz --recv: the receive side, measured like the sender, on an odd size
# (50 MiB + 3). msg-zerocopy into a receiver that maps: at least 99 % of
# the bytes mapped, at most 1 % copied, every byte verified, and the
# instrument's figure (what getsockopt wrote back, read at its exit) is the
# sink's own to the byte. dma-gather and sendfile into it: 0 % mapped, and
# the verdict says why (the page cache's pages; GSO's linear copies). splice: the file's bytes
# go socket -> pipe by reference and into its page cache, none into user
# memory. discard: no receiver copy at all, the count verified. Needs
# root and BTF.

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
	# splice's file lives in a directory of zcviz's, gone with the run
	assert_equal "$(find /tmp -maxdepth 1 -name 'zcviz-recv.*' -newer "$ODD" | wc -l)" 0
}

# recv_json MODE DEMO: zcviz --json of DEMO into a receiver of MODE
recv_json() {
	run -0 zcviz --json --file "$ODD" --recv "$1" "$2"
	j=$output
	assert_equal "$(jget "$j" .verified)" true
	assert_equal "$(jget "$j" .receive.mode)" "$1"
}

@test "msg-zerocopy into --recv mmap: at least 99 % mapped, at most 1 % copied, the instrument's figure the kernel's own" {
	local size mapped copied
	size=$(stat -c %s "$ODD")
	recv_json mmap msg-zerocopy
	assert_equal "$(jget "$j" .verified_by)" checksum
	assert_equal "$(jget "$j" .receive.mtu)" 4148
	mapped=$(jget "$j" .edges.rx_socket_mapped.bytes)
	copied=$(jget "$j" .edges.rx_socket_to_user.bytes)
	[ "$mapped" -ge $((size * 99 / 100)) ] || fail "mapped $mapped of $size"
	[ "$copied" -le $((size / 100)) ] || fail "copied $copied of $size"
	assert_equal "$((mapped + copied))" "$size"
	# two witnesses: the program at getsockopt's exit, the sink's own sum
	assert_equal "$mapped" "$(jget "$j" .receive.kernel_mapped_bytes)"
	assert_equal "$copied" "$(jget "$j" .receive.kernel_copied_bytes)"
	assert_equal "$(jget "$j" .edges.rx_socket_mapped.kind)" map
	[[ $(jget "$j" .receive.verdict) = "mapped into its memory by TCP_ZEROCOPY_RECEIVE"* ]] ||
		fail "verdict: $(jget "$j" .receive.verdict)"
}

@test "dma-gather and sendfile into --recv mmap: nothing mapped, and the verdict names why: the page cache's pages, the segmentation copy's linear packets" {
	local demo size why
	size=$(stat -c %s "$ODD")
	for demo in dma-gather sendfile; do
		recv_json mmap "$demo"
		assert_equal "$(jget "$j" .edges.rx_socket_mapped.bytes)" 0
		assert_equal "$(jget "$j" .receive.kernel_mapped_bytes)" 0
		assert_equal "$(jget "$j" .edges.rx_socket_to_user.bytes)" "$size"
		# dma-gather's device gathers the page cache's own pages; the
		# sendfile demo's cannot, and GSO copies them into linear packets
		why="page cache's own pages"*"can_map_frag()"
		[ "$demo" = dma-gather ] || why="linear part"
		[[ $(jget "$j" .receive.verdict) = "copied into its buffer, not mapped: "*$why* ]] ||
			fail "$demo: $(jget "$j" .receive.verdict)"
	done
}

@test "--recv splice: socket -> pipe by reference, pipe -> the file's page cache, nothing into user memory" {
	local size
	size=$(stat -c %s "$ODD")
	recv_json splice sendfile
	assert_equal "$(jget "$j" .verified_by)" checksum
	assert_equal "$(jget "$j" .edges.rx_socket_to_pipe.kind)" page_ref
	assert_equal "$(jget "$j" .edges.rx_socket_to_pipe.bytes)" "$size"
	assert_equal "$(jget "$j" .edges.rx_pipe_to_file.bytes)" "$size"
	assert_equal "$(jget "$j" .edges.rx_socket_to_user.bytes)" 0
	assert_equal "$(jget "$j" .edges.rx_socket_mapped.bytes)" 0
}

@test "--recv discard: no receiver copy at all, every byte freed unread, the count verified" {
	local size
	size=$(stat -c %s "$ODD")
	recv_json discard traditional
	assert_equal "$(jget "$j" .verified_by)" count
	assert_equal "$(jget "$j" .edges.rx_socket_to_user.bytes)" 0
	assert_equal "$(jget "$j" .receiver_copy_bytes)" 0
	assert_equal "$(jget "$j" .receive.discarded_bytes)" "$size"
	assert_equal "$(jget "$j" .receive.cpu_copy_bytes)" 0
}

@test "every receiver's first arrow is the whole file, its copies its own figure: the sender's headline is unchanged" {
	local size
	size=$(stat -c %s "$ODD")
	recv_json copy sendfile
	# payload that arrived, every arrival: the file, and what was resent
	[ "$(jget "$j" .edges.nic_to_rx_socket.bytes)" -ge "$size" ] ||
		fail "arrived: $(jget "$j" .edges.nic_to_rx_socket.bytes)"
	assert_equal "$(jget "$j" .edges.rx_socket_to_user.bytes)" "$size"
	assert_equal "$(jget "$j" .receive.cpu_copy_bytes)" "$size"
	assert_equal "$(jget "$j" .theory_cpu_copies_per_byte)" 1
	within "$(jget "$j" .cpu_copies_per_byte)" 1 0.02
	[ "$(jget "$j" .receive.syscalls)" -gt 0 ]
}

@test "zcviz --recv: a bad mode, with --to, and the hardware-only ones are refused in one line" {
	run -2 zcviz --recv bogus sendfile
	assert_output "zcviz: --recv takes copy, mmap, splice, discard, io-uring-zcrx or devmem, not 'bogus'; see zcviz --help"
	run -2 zcviz --recv mmap --to 127.0.0.1:5201 sendfile
	assert_output --partial "with --to the receiver is the zc-sink over there"
	run -3 zcviz --recv io-uring-zcrx sendfile
	assert_output --regexp "^zcviz: --recv io-uring-zcrx needs a NIC .*; a veth has no such queue$"
	run -2 zcviz --replay "$ROOT/lessons/traces/sendfile.trace" --recv mmap
	assert_output --partial "--recv"
}
