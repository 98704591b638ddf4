#!/usr/bin/env bats
# A real server nobody here wrote: Debian's nginx in the lab's sending
# namespace serves a file to curl in the receiving one, and zcviz -p
# watches it, master and worker (demos/nginx.sh). sendfile on, on a device that
# gathers: no CPU copy of the file's bytes; sendfile off: two. The file's
# bytes counted to the byte, and curl got them all. Needs root, BTF and
# nginx (sudo make deps installs nginx-light); skips without.

setup_file() {
	load test_helper/common-setup
	_common_setup
	odd_file_setup odd.bin
}

setup() {
	load test_helper/common-setup
	_common_setup
	require_bpf
	command -v nginx >/dev/null || skip "needs nginx: sudo make deps installs nginx-light"
	command -v curl >/dev/null || skip "needs curl: sudo make deps installs it"
}

teardown() {
	no_bpf_left
	no_lab_left
	assert_equal "$(pgrep -f "nginx -c /tmp/zc-server" || true)" ""
	assert_equal "$(find /tmp -maxdepth 1 -name 'zc-server.*')" ""
}

@test "nginx with sendfile on: the file goes by page reference, no CPU copy of it; curl gets every byte" {
	run -0 --separate-stderr nginx.sh --json on "$ODD"
	assert_regex "${stderr##*$'\n'}" "^nginx.sh: curl got 52428803 bytes, the file's every byte, at [0-9.]+ MB/s$"
	assert_equal "$(jget "$output" .watched.comm)" nginx
	assert_equal "$(jget "$output" '.files[] | select(.name == "file") | .sendfile_bytes')" 52428803
	assert_equal "$(jget "$output" '.files[] | select(.name == "file") | .read_bytes')" 0
	assert_equal "$(jget "$output" .edges.pagecache_to_socket.bytes)" 52428803
	# what nginx copies is its response's headers, a few hundred bytes
	local headers
	headers=$(jget "$output" '.file_bytes - 52428803')
	[ "$headers" -gt 0 ] && [ "$headers" -lt 1024 ] || fail "$headers bytes besides the file"
	assert_equal "$(jget "$output" .cpu_copy_bytes)" "$headers"
	assert_equal "$(jget "$output" '.cpu_copies_per_byte | . * 100 | round')" 0
	assert_equal "$(jget "$output" '.flows | length')" 1
	assert_equal "$(jget "$output" '.flows[0].taken_bytes')" "$(jget "$output" .file_bytes)"
}

@test "nginx with sendfile off: read into its buffers and written out, two CPU copies; curl gets every byte" {
	run -0 --separate-stderr nginx.sh --json off "$ODD"
	assert_regex "${stderr##*$'\n'}" "^nginx.sh: curl got 52428803 bytes, the file's every byte, at [0-9.]+ MB/s$"
	assert_equal "$(jget "$output" '.files[] | select(.name == "file") | .read_bytes')" 52428803
	assert_equal "$(jget "$output" '.files[] | select(.name == "file") | .sendfile_bytes')" 0
	assert_equal "$(jget "$output" .edges.pagecache_to_user.bytes)" 52428803
	assert_equal "$(jget "$output" .edges.user_to_socket.bytes)" "$(jget "$output" .file_bytes)"
	assert_equal "$(jget "$output" '.cpu_copies_per_byte | round')" 2
}

@test "zcviz -p on nginx's master follows its workers, one started after the watch began too: the copies per byte of its worker alone" {
	local alone tree reload new
	run -0 --separate-stderr servers.sh --json --worker nginx on "$ODD"
	alone=$output
	assert_equal "$(jget "$alone" '.processes | length')" 1
	run -0 --separate-stderr servers.sh --json nginx on "$ODD"
	tree=$output
	# the master (given) and its worker: the same copies as the worker's
	assert_equal "$(jget "$tree" '.processes | length')" 2
	assert_equal "$(jget "$tree" .cpu_copies_per_byte)" "$(jget "$alone" .cpu_copies_per_byte)"
	assert_equal "$(jget "$tree" .cpu_copy_bytes)" "$(jget "$alone" .cpu_copy_bytes)"
	# SIGHUP once watched: the master reads its configuration again and
	# starts a new worker, which serves the file; the first one goes
	run -0 --separate-stderr servers.sh --json --reload nginx on "$ODD"
	reload=$output
	new=$(sed -n 's/^servers.sh: SIGHUP: nginx started worker \([0-9]*\) while watched$/\1/p' <<<"$stderr")
	[ -n "$new" ] || fail "no new worker: $stderr"
	assert_equal "$(jget "$reload" '.processes[0].ppid')" 0
	assert_equal "$(jget "$reload" ".processes[] | select(.pid == $new) | .ppid")" "$(jget "$reload" .watched.pid)"
	assert_equal "$(jget "$reload" ".processes[] | select(.pid == $new) | .sendfile_bytes")" 52428803
	assert_equal "$(jget "$reload" ".processes[] | select(.pid == $new) | .copied_bytes")" "$(jget "$alone" .cpu_copy_bytes)"
	assert_equal "$(jget "$reload" '[.processes[] | select(.exited)] | length')" 1
	# what it copied more is what the processes read of their files (the
	# configuration), counted as every read into user memory is
	assert_equal "$(jget "$reload" '.cpu_copy_bytes - ([.processes[] | .read_bytes] | add)')" "$(jget "$alone" .cpu_copy_bytes)"
	# the totals are the processes' sums
	assert_equal "$(jget "$reload" '[.processes[] | .sendfile_bytes] | add')" "$(jget "$reload" '[.files[] | .sendfile_bytes] | add')"
	assert_equal "$(jget "$reload" '[.processes[] | .copied_bytes] | add')" "$(jget "$alone" .cpu_copy_bytes)"
	assert_equal "$(jget "$reload" '[.processes[] | .syscalls] | add')" "$(jget "$reload" .syscalls.total)"
}

@test "nginx.sh: bad usage is one line and exit 2, and leaves nothing" {
	run -2 nginx.sh maybe
	assert_output "nginx.sh: give on or off (nginx's sendfile); see nginx.sh --help"
	run -2 nginx.sh on /nonexistent
	assert_output "nginx.sh: '/nonexistent' is not a readable regular file"
	run -0 nginx.sh --help
	assert_line --regexp "^Usage: nginx.sh "
}
