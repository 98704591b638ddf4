#!/usr/bin/env bats
# zcviz -- CMD: any sending program in the lab, measured like a built-in
# demo: {sink} and {file} in its arguments (and $ZC_SINK, $ZC_FILE), the
# receiver's bytes checked against the file, the theory unknown unless
# --theory gives it. Needs root and BTF.

setup() {
	load test_helper/common-setup
	_common_setup
	require_bpf
}

teardown() {
	[ -z "${SHARED:-}" ] || rm -rf "$SHARED"
	no_bpf_left
	no_lab_left
}

# same_as_demo DEMO: the demo's program as a command counts what the demo does
same_as_demo() {
	local d=$1 sg demo cmd key
	sg=$(demos_list | awk -F'\t' -v d="$d" '$1 == d { print $3 }')
	run -0 --separate-stderr zcviz --json "$d"
	demo=$output
	run -0 --separate-stderr zcviz --json --sg "$sg" -- "$ROOT/build/zc-$d" --to {sink} {file}
	cmd=$output
	assert_equal "$(jget "$cmd" .demo)" "zc-$d"
	assert_equal "$(jget "$cmd" .verified)" true
	# copies per byte: what the device sent unseen by our programs is in
	# them too, by TCP's own count (copied at GSO where it cannot gather)
	local copies='.cpu_copy_bytes / .file_bytes'
	# a JVM's own syscalls around each call vary from run to run (its
	# reads of its jars too); its calls into the socket vary by one at
	# most (java-transferto-stream made 8191 write()s of 8 KiB once, 8192
	# as a rule: the JVM's to decide), checked below
	local calls='.syscalls' moved='[.syscalls.write, .syscalls.sendfile, .syscalls.splice] | map(. // 0) | add'
	[ "$(lang_of "$d")" = c ] || calls=$moved
	# a zero-copy sender waits for the kernel's answers as long as they
	# take: its sends and its requests do not vary
	[ "$(jget "$demo" .zero_copy)" = null ] ||
		calls='[.syscalls.sendto, .syscalls.mmap, .io_uring.requests]'
	assert_equal "$(jget "$cmd" .mode_switches)" $((2 * $(jget "$cmd" .syscalls.total)))
	for key in .file_bytes .chunk_bytes .sg "$calls" "$copies" \
		.edges.pagecache_to_user.bytes .edges.pagecache_mapped.bytes .edges.user_to_socket \
		.edges.pagecache_to_socket .edges.pagecache_to_pipe .edges.pipe_to_socket \
		'.edges.socket_to_nic.bytes - .retransmitted_bytes'; do
		# what TCP sent twice differs from run to run: said, never the file's bytes
		if [ "$key" = "$copies" ]; then
			within "$(jget "$cmd" "$key")" "$(jget "$demo" "$key")" 0.02 ||
				fail "$d: $key $(jget "$cmd" "$key") as a command, $(jget "$demo" "$key") as the demo"
		elif [ "$key" = "$moved" ]; then
			within "$(jget "$cmd" "$key")" "$(jget "$demo" "$key")" 1 ||
				fail "$d: $key $(jget "$cmd" "$key") as a command, $(jget "$demo" "$key") as the demo"
		else
			assert_equal "$d $key: $(jget "$cmd" "$key")" "$d $key: $(jget "$demo" "$key")"
		fi
	done
	assert_equal "$(jget "$cmd" .theory_cpu_copies_per_byte)" null
	assert_equal "$(jget "$cmd" .pass)" null
}

@test "each demo's program, run as a command, counts what the demo counts" {
	local d
	for d in $(runnable_demos); do
		same_as_demo "$d"
	done
}

@test "a command finds the sink and the file in its environment too, and --theory is its theory" {
	run -0 --separate-stderr zcviz --json --theory 2 -- sh -c 'exec "$0" --to "$ZC_SINK" "$ZC_FILE"' "$ROOT/build/zc-traditional"
	assert_equal "$(jget "$output" .verified)" true
	assert_equal "$(jget "$output" .cpu_copies_per_byte)" 2
	assert_equal "$(jget "$output" .theory_cpu_copies_per_byte)" 2
	assert_equal "$(jget "$output" .pass)" true
	run -0 --separate-stderr zcviz --report -- "$ROOT/build/zc-mmap" --to {sink} {file}
	assert_line --regexp "^  CPU copies of the file +1\.00 x file size +theory unknown$"
}

@test "a command that is not there is a usage error; one that sends nothing fails, and nothing is left" {
	run -2 zcviz --json -- no-such-command-here --to {sink} {file}
	assert_output "zcviz: cannot run 'no-such-command-here': no such program (give its path, or put it in PATH); see zcviz --help"
	run -2 zcviz --json --
	assert_output "zcviz: give a command after --; see zcviz --help"
	run -2 zcviz --theory 1 traditional
	assert_output --partial "--theory is for a command"
	run -1 --separate-stderr zcviz --json -- true
	assert_equal "$stderr" "zcviz: true: the receiver got nothing: does the command send {file} to {sink}?"
	assert_equal "$(jget "$output" .verified)" false
	# a command that sends other bytes than the file's
	run -1 --separate-stderr zcviz --json --size 1M -- "$ROOT/build/zc-traditional" --to {sink} /etc/os-release
	assert_output --partial '"verified":false'
	assert_equal "${stderr%%:*}" "zcviz"
	assert_equal "$(ours_running)" ""
}

@test "--record keeps a command's run, and its replay without root prints the same JSON" {
	local trace i
	# a place a user without root may read
	SHARED=$(mktemp -d /tmp/zc-rec.XXXX)
	chmod 755 "$SHARED"
	trace=$SHARED/command.trace
	run -0 --separate-stderr zcviz --json --theory 2 --size 1M --record "$trace" -- "$ROOT/build/zc-traditional" --to {sink} {file}
	local live=$output
	chmod 644 "$trace"
	run -0 as_nobody "$ROOT/build/zcviz" --replay "$trace" --json
	assert_equal "$(jq -cS 'del(.replay_of)' <<<"$output")" "$(jq -cS 'del(.hooks)' <<<"$live")"
	assert_equal "$(jq -r .command <<<"$output")" "$ROOT/build/zc-traditional --to {sink} {file}"
}

# flow_verdict ARGS...: the command's one flow, its file and its verdict,
# as zcviz --json --size 1M ARGS -- ... prints them, in FLOW, FILE, WHY
flow_verdict() {
	run -0 --separate-stderr zcviz --json --size 1M "$@"
	assert_equal "$(jget "$output" '.flows | length')" 1
	FLOW=$(jq -c '.flows[0]' <<<"$output")
	FILE=$(jq -c '.files[0]' <<<"$output")
	WHY=$(jget "$FLOW" .verdict)
}

@test "a command's flow has its verdict, from what its socket and the device did with it" {
	# read() and write(): a user-space loop
	flow_verdict -- "$ROOT/build/zc-traditional" --to {sink} {file}
	assert_regex "$WHY" "^read\(\) into user memory, then copied into the socket: a user-space loop \(2\.00 CPU copies per byte\)$"
	assert_equal "$(jget "$FILE" .read_bytes)" 1048576
	assert_equal "$(jget "$FLOW" '.device_bytes - .retransmitted_bytes')" 1048576
	# sendfile() to a device that cannot gather: the copy at segmentation
	flow_verdict --sg off -- "$ROOT/build/zc-sendfile" --to {sink} {file}
	assert_regex "$WHY" "^sent by page reference \(sendfile or splice\), not copied into the socket; the device cannot gather: copied when cut into segments \(1\.0[0-2] CPU copies per byte\)$"
	assert_equal "$(jget "$FILE" .sendfile_bytes)" 1048576
	# MSG_ZEROCOPY: the user's pages, pinned
	flow_verdict -- "$ROOT/build/zc-msg-zerocopy" --to {sink} {file}
	assert_regex "$WHY" "^pinned user pages, taken by the socket without a copy"
	# without tcp_sendmsg_locked, where a socket is first seen, no flow
	# is known; the run's verdict says what was not measured
	run -0 --separate-stderr env ZCVIZ_WITHOUT=tcp_sendmsg_locked zcviz --json --size 1M -- "$ROOT/build/zc-splice" --to {sink} {file}
	assert_equal "$(jget "$output" '.flows | length')" 0
	assert_regex "$(jget "$output" .verdict)" "how the socket took them: not measured"
}
