#!/usr/bin/env bats
# MSG_ZEROCOPY and io_uring SEND_ZC (demos/msg_zerocopy.c, io_uring_zc.c):
# the socket takes the mapped file's pages pinned, copying nothing; the
# lab delivers them to a socket on this machine, so the kernel copies them
# there after all, as they are received, and its answers say "copied" for
# every byte of the file. Batched io_uring makes far fewer syscalls than
# chunks. ENOBUFS (optmem) is handled, not a failure; without io_uring or
# liburing the demo says so in one line and exits 3.

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

# require_uring: the io_uring demo's program says itself what is missing
require_uring() {
	local why
	why=$(zc-io-uring-zc --check 2>&1) || skip "${why#zc-io-uring-zc: }"
}

# pinned_then_copied JSON: the file's every byte taken pinned by the socket
# (none copied there), sent pinned by the device, copied on receive, and
# the kernel's answers cover the file to the byte, every one "copied"
pinned_then_copied() {
	local j=$1 file=$((50 * 1024 * 1024 + 3))
	assert_equal "$(jget "$j" .verified) $(jget "$j" .pass)" "true true"
	assert_equal "$(jget "$j" .edges.user_to_socket.kind)" page_ref
	assert_equal "$(jget "$j" .edges.user_to_socket.bytes)" "$file"
	assert_equal "$(jget "$j" .zero_copy.socket_pinned_bytes)" "$file"
	assert_equal "$(jget "$j" .zero_copy.socket_copied_bytes)" 0
	assert_equal "$(jget "$j" '.zero_copy.device_pinned_bytes - .retransmitted_bytes + .unseen_bytes')" "$file"
	# still pinned as the receiving side took them, not as it read them
	assert_equal "$(jget "$j" .zero_copy.receiver_pinned_bytes)" 0
	[ "$(jget "$j" .zero_copy.delivered_pinned_bytes)" -gt 0 ]
	assert_equal "$(jget "$j" .zero_copy.copied_at)" "on receive"
	assert_equal "$(jget "$j" '.zero_copy.copied_bytes - .retransmitted_bytes + .unseen_bytes')" "$file"
	assert_equal "$(jget "$j" '.cpu_copy_bytes - .retransmitted_bytes + .unseen_bytes')" "$file"
	assert_equal "$(jget "$j" .theory_cpu_copies_per_byte)" 1
	# the kernel's own word: every byte answered for, every one copied
	assert_equal "$(jget "$j" '.zero_copy.kernel_verdict | .zero_copy_bytes + .copied_bytes')" "$file"
	assert_equal "$(jget "$j" .zero_copy.kernel_verdict.copied_bytes)" "$file"
	[ "$(jget "$j" .zero_copy.kernel_verdict.completions)" -gt 0 ]
}

@test "msg-zerocopy: no copy at the socket, the pinned pages copied on receive, and the kernel says so for every byte" {
	require_bpf
	local chunks=$(((50 * 1024 * 1024 + 3 + 65536) / 65537))
	run -0 --separate-stderr zcviz --json --file "$ODD" --chunk 65537 msg-zerocopy
	pinned_then_copied "$output"
	assert_equal "$(jget "$output" .syscalls.sendto)" "$chunks"
	# the answers are read from the error queue, not sent for
	[ "$(jget "$output" '.syscalls.recvmsg // 0')" -gt 0 ]
	run -0 zcviz --report --file "$ODD" --chunk 65537 msg-zerocopy
	# every byte, unless the report says packets left unseen by zcviz's
	# programs: whether those were still pinned is not known, and said
	local copied=52428803 ratio="1\.00"
	[[ $output != *"bytes of the flow left the device while the kernel"* ]] || copied="[0-9]+" ratio="0\.[0-9]{2}|1\.00"
	assert_line --regexp "^    copied on receive +CPU copy +$copied +($ratio)$"
	assert_line --regexp "^  kernel's answer +[0-9]+ completions: zero copy 0 bytes, copied 52428803 bytes$"
	assert_line "  note: delivered to a local socket: the pinned pages were copied on receive"
}

@test "io-uring-zc: the same verdict, and io_uring's own count of requests and notifications" {
	require_bpf
	require_uring
	local chunks=$(((50 * 1024 * 1024 + 3 + 65536) / 65537))
	run -0 --separate-stderr zcviz --json --file "$ODD" --chunk 65537 io-uring-zc
	pinned_then_copied "$output"
	assert_equal "$(jget "$output" .io_uring.requests)" "$chunks"
	# a result and a notification for each request; every notification
	# says copied (IORING_NOTIF_USAGE_ZC_COPIED)
	assert_equal "$(jget "$output" .io_uring.completions)" $((2 * chunks))
	assert_equal "$(jget "$output" .io_uring.notifications)" "$chunks"
	assert_equal "$(jget "$output" .io_uring.notifications_copied)" "$chunks"
	assert_equal "$(jget "$output" .zero_copy.kernel_verdict.completions)" "$chunks"
}

@test "io-uring-zc --batch 16: far fewer io_uring_enter calls than chunks, and 2 mode switches per syscall" {
	require_bpf
	require_uring
	local chunks=$(((50 * 1024 * 1024 + 3 + 65536) / 65537)) j enters
	run -0 --separate-stderr zcviz --json --batch 16 --file "$ODD" --chunk 65537 io-uring-zc
	j=$output
	assert_equal "$(jget "$j" .verified)" true
	enters=$(jget "$j" .syscalls.io_uring_enter)
	# one per batch of 16, and a few more waiting for the last answers
	[ "$enters" -ge $((chunks / 16)) ] && [ "$enters" -le $((chunks / 16 + 16)) ] ||
		fail "$enters io_uring_enter calls for $chunks chunks in batches of 16"
	assert_equal "$(jget "$j" .mode_switches)" $((2 * $(jget "$j" .syscalls.total)))
	assert_equal "$(jget "$j" .io_uring.requests)" "$chunks"
	# without batching: at least one per chunk
	run -0 --separate-stderr zcviz --json --file "$ODD" --chunk 65537 io-uring-zc
	[ "$(jget "$output" .syscalls.io_uring_enter)" -ge "$chunks" ]
}

@test "ENOBUFS under a low net.core.optmem_max is waited out and reported, not a failure; with no room at all, sent by copy" {
	require_root
	local out om
	# a network namespace of its own, gone when the shell exits: the
	# machine's optmem_max is not touched
	for om in 2048 0; do
		# the sender starts once the sink says it listens
		out=$(unshare -n sh -c 'ip link set lo up && sysctl -q -w net.core.optmem_max='$om' &&
			{ zc-sink --listen 127.0.0.1:5201 --once >/dev/null 2>"$2" & } &&
			until grep -q "listening on" "$2"; do sleep 0.01; done &&
			zc-msg-zerocopy --to 127.0.0.1:5201 --chunk 64K "$1"' sh "$ODD" "$BATS_TEST_TMPDIR/sink.$om") ||
			fail "optmem_max $om: $out"
		assert_regex "$out" "; receiver agrees$"
		[ "$(field bytes "$out")" = $((50 * 1024 * 1024 + 3)) ]
		[[ $out =~ ENOBUFS\ ([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] || fail "no ENOBUFS at $om: $out"
	done
	# 2048 leaves room for a notification or two: every byte went pinned
	# (the last run, 0, has none: every chunk went the ordinary way)
	assert_regex "$out" "completions 0: zero copy 0 bytes, copied 0 bytes, ENOBUFS [0-9]+, fallback 52428803 bytes"
}

@test "without io_uring (a seccomp filter), io-uring-zc exits 3 in one line, zcviz before a lab goes up, and zcviz all leaves it out" {
	# a build without liburing says that first, whatever the kernel has
	# (the next test): the filter is only seen by one that has it
	require_uring
	run -3 test-no-io-uring zc-io-uring-zc --check
	assert_output "zc-io-uring-zc: io_uring is not available here (ENOSYS: a kernel without CONFIG_IO_URING, or a seccomp filter)"
	run -3 env NO_IO_URING_ERRNO=EPERM test-no-io-uring zc-io-uring-zc --to 127.0.0.1:1 /etc/hostname
	assert_output "zc-io-uring-zc: io_uring refuses us: Operation not permitted (a seccomp filter?)"
	require_bpf
	run -3 test-no-io-uring zcviz --json io-uring-zc
	assert_output "zcviz: io-uring-zc: io_uring is not available here (ENOSYS: a kernel without CONFIG_IO_URING, or a seccomp filter)"
	assert_equal "$(our_labs)" ""
	run -0 --separate-stderr test-no-io-uring zcviz --json --size 1M all
	assert_equal "$(grep -c '^zcviz: skipped io-uring-zc: io_uring is not available' <<<"$stderr")" 1
	assert_equal "$(jq -r .demo <<<"$output" | grep -c '^io-uring-zc$')" 0
}

@test "built without liburing, io-uring-zc says what to install and exits 3" {
	local b="$BATS_TEST_TMPDIR/b"
	run -0 make -s -C "$ROOT" BUILD="$b" LIBURING_H=/nonexistent "$b/zc-io-uring-zc"
	run -3 "$b/zc-io-uring-zc" --check
	assert_output "zc-io-uring-zc: built without liburing: install it (sudo apt-get install liburing-dev, or sudo make deps), then make"
	run -3 "$b/zc-io-uring-zc" --to 127.0.0.1:1 /etc/hostname
	assert_output --partial "built without liburing"
}

@test "--batch is for a demo that batches: anything else, or a bad count, is exit 2 with what to do" {
	run -2 zcviz --batch 4 sendfile
	assert_output "zcviz: sendfile makes a syscall per chunk: --batch is for io-uring-zc; see zcviz --help"
	run -2 zcviz --batch 0 io-uring-zc
	assert_output --partial "--batch must be a number of chunks per syscall from 1 to 256, not '0'"
	run -2 zcviz --batch 9x io-uring-zc
	assert_output --partial "not '9x'"
	run -2 zc-msg-zerocopy --batch 2 --to 127.0.0.1:1 /etc/hostname
	assert_output --partial "--batch is for a demo that submits several chunks per syscall"
	run -2 zc-io-uring-zc --batch 257 --to 127.0.0.1:1 /etc/hostname
	assert_output --partial "--batch must be a number of chunks from 1 to 256, not '257'"
}

@test "--to a zc-sink outside the lab works for both; over lo the receiver is local too, and the kernel copies there as well" {
	require_bpf
	local d
	# the demos that pin user pages: those a local receiver costs a copy
	for d in $(demos_list | awk -F'\t' '$9 != ($3 == "on" ? $5 : $4) { print $1 }'); do
		[[ " $(runnable_demos) " == *" $d "* ]] || continue
		sink_start 127.0.0.1
		run -0 --separate-stderr zcviz --json --size 4M --to "127.0.0.1:$SINK_PORT" "$d"
		sink_stop
		assert_equal "$d $(jget "$output" .verified) $(jget "$output" .receiver) $(jget "$output" .egress)" "$d true remote lo"
		assert_equal "$d $(jget "$output" .zero_copy.socket_pinned_bytes)" "$d 4194304"
		# the kernel's answers are exact; a socket on lo is on this machine
		assert_equal "$d $(jget "$output" .zero_copy.kernel_verdict.copied_bytes)" "$d 4194304"
		assert_equal "$d $(jget "$output" .zero_copy.copied_at)" "$d on receive"
		assert_equal "$d $(jget "$output" .theory_cpu_copies_per_byte)" "$d 1"
	done
}

@test "--sg off: the pinned pages are copied once, when GSO cuts the segments; where the kernel's answer says zero copy, the report says it differs" {
	require_bpf
	local file=$((50 * 1024 * 1024 + 3))
	run -0 --separate-stderr zcviz --json --sg off --file "$ODD" --chunk 65537 msg-zerocopy
	local j=$output
	assert_equal "$(jget "$j" .verified) $(jget "$j" .pass) $(jget "$j" .theory_cpu_copies_per_byte)" "true true 1"
	assert_equal "$(jget "$j" .zero_copy.socket_pinned_bytes)" "$file"
	assert_equal "$(jget "$j" '.edges.socket_to_nic.segmentation_copy_bytes - .retransmitted_bytes')" "$file"
	# nothing pinned is left at the device, so nothing to copy later
	assert_equal "$(jget "$j" .zero_copy.device_pinned_bytes) $(jget "$j" .zero_copy.copied_bytes)" "0 0"
	assert_equal "$(jget "$j" '.zero_copy.kernel_verdict | .zero_copy_bytes + .copied_bytes')" "$file"
	run -0 zcviz --report --sg off --file "$ODD" --chunk 65537 msg-zerocopy
	if [[ $output =~ zero\ copy\ ([0-9]+)\ bytes ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]; then
		assert_line --partial "note: the kernel's answer says ${BASH_REMATCH[1]} bytes went without a copy, yet the"
	else
		refute_line --partial "the kernel's answer says"
	fi
}
