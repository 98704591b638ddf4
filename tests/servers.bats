#!/usr/bin/env bats
# The servers people run (demos/servers.sh), each setting of its table:
# the program serves a file of an odd size to curl across the lab, zcviz
# -p watches its whole process tree, and every byte arrives; its CPU
# copies per byte are within 0.02 of what the table expects, or the
# verdict says why they are not, and the verdict says what the row shows
# (a user-space loop, mapped, by page reference, spliced, compressed, a
# proxy's copy at the receive); the processes' figures add up to the
# run's. A program that is not installed is skipped, saying which package
# has it (sudo make deps installs them). Needs root and BTF.

setup_file() {
	load test_helper/common-setup
	_common_setup
	[ "$(id -u)" = 0 ] || return 0
	export SMALL=$BATS_FILE_TMPDIR/small.bin
	make_file "$SMALL" $((8 * 1024 * 1024 + 3))
}

setup() {
	load test_helper/common-setup
	_common_setup
	require_bpf
	command -v curl >/dev/null || skip "needs curl: sudo make deps installs it"
}

teardown() {
	no_bpf_left
	no_lab_left
	assert_equal "$(find /tmp -maxdepth 1 -name 'zc-server.*')" ""
}

# rows_hold PROGRAM: each of its rows measured; skips when not installed
rows_hold() {
	local prog set expect cmd pkg why n=0
	while IFS=$'\t' read -r prog set expect cmd pkg why; do
		[ "$prog" = "$1" ] || continue
		command -v "$cmd" >/dev/null || skip "needs $cmd: sudo make deps installs $pkg"
		row_holds "$set" "$expect" "$why"
		n=$((n + 1))
	done < <(servers.sh --list)
	[ $n -gt 0 ] || fail "servers.sh has no row for $1"
}

# row_holds SETTING EXPECTED WHY: the row of PROGRAM ($prog) measured
row_holds() {
	local j copies verdict
	run -0 --separate-stderr servers.sh --json "$prog" "$1" "$SMALL"
	# the file (or, for a text row, the file in hex), every byte of it
	[[ ${stderr##*$'\n'} =~ ^servers.sh:\ curl\ got\ (8388611|25690122)\ bytes,\ the\ file\'s\ every\ byte,\ at\ [0-9.]+\ MB/s$ ]] ||
		fail "$prog $1: $stderr"
	j=$output
	copies=$(jget "$j" .cpu_copies_per_byte)
	verdict=$(jget "$j" .verdict)
	[ "$(jget "$j" '.file_bytes > 0')" = true ] || fail "$prog $1: nothing sent"
	# the verdict says what the row shows (and so why, where the copies
	# differ from what is expected)
	grep -Eq -- "$3" <<<"$verdict" ||
		fail "$prog $1: the verdict does not say '$3': $verdict"
	within "$copies" "$2" 0.02 ||
		echo "# $prog $1: $copies CPU copies per byte, $2 expected; the verdict says why: $verdict" >&3
	# every flow has a verdict, and the processes' figures are the run's
	assert_equal "$(jget "$j" '[.flows[] | .verdict | length > 0] | all')" true
	assert_equal "$(jget "$j" '[.processes[] | .syscalls] | add')" "$(jget "$j" .syscalls.total)"
	assert_equal "$(jget "$j" '[.processes[] | .cpu_ns] | add')" "$(jget "$j" '.sender_cpu_ns.user + .sender_cpu_ns.sys')"
}

@test "nginx: sendfile on, no copy; off, two" {
	rows_hold nginx
}

@test "apache2: EnableSendfile, no copy; EnableMMAP, one; neither, two" {
	rows_hold apache2
}

@test "lighttpd: the sendfile backend, no copy; writev, two (or one where it maps)" {
	rows_hold lighttpd
}

@test "haproxy: spliced, no copy; not, the proxied bytes copied" {
	rows_hold haproxy
}

@test "caddy: file_server, no copy; compressed, copied" {
	rows_hold caddy
}

@test "python3 -m http.server: a user-space loop, two copies" {
	rows_hold python3
}

@test "node: a stream piped to the response, two copies" {
	rows_hold node
}

@test "vsftpd: use_sendfile, no copy; without, two; its session processes followed" {
	rows_hold vsftpd
}

@test "servers.sh: bad usage is one line and exit 2, and leaves nothing" {
	run -2 servers.sh nginx maybe
	assert_output "servers.sh: no row 'nginx maybe'; servers.sh --list names them"
	run -2 servers.sh nginx on /nonexistent
	assert_output "servers.sh: '/nonexistent' is not a readable regular file"
	run -2 servers.sh nginx
	assert_output "servers.sh: give PROGRAM SETTING [FILE]; see servers.sh --help"
	run -0 servers.sh --help
	assert_line --regexp "^Usage: servers.sh "
}
