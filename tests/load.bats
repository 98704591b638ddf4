#!/usr/bin/env bats
# Exact under load: every demo, 50 times each, beside a CPU hog and a
# second transfer. The device's payload less what TCP sent again equals the
# file to the byte in every run, or the report says what the instrument
# missed and why (the kernel skipped its programs, or packets it could not
# read); never a silent shortfall. Minutes: make test-slow (ZC_SLOW=1).

setup_file() {
	load test_helper/common-setup
	_common_setup
	[ "$(id -u)" = 0 ] && [ -n "${ZC_SLOW:-}" ] || return 0
	export ODD="$BATS_FILE_TMPDIR/odd"
	make_file "$ODD" $((64 * 1024 * 1024 + 12345))
}

setup() {
	load test_helper/common-setup
	_common_setup
	[ -n "${ZC_SLOW:-}" ] || skip "200 runs under load take minutes; run with ZC_SLOW=1 (make test-slow)"
	require_bpf
}

teardown() {
	[ -z "${LOAD_PIDS:-}" ] || kill $LOAD_PIDS 2>/dev/null || true
	sink_stop
	no_bpf_left
	no_lab_left
}

# load_start: a CPU kept busy, and another transfer over loopback, on and on
load_start() {
	(while :; do :; done) 3>&- &
	LOAD_PIDS=$!
	sink_start 127.0.0.1
	(while :; do zc-traditional --to "127.0.0.1:$SINK_PORT" "$ROOT/build/sample-64M.bin" >/dev/null 2>&1; done) 3>&- &
	LOAD_PIDS+=" $!"
}

@test "under load, 50 runs of each demo: the device's bytes are the file's, or the report says why not" {
	local d i j diff unseen exact=0 by_tcp=0 explained=0 resent=0 dropped=0
	load_start
	for d in $(runnable_demos); do
		for i in $(seq 50); do
			j=$(zcviz --json --file "$ODD" "$d" 2>/dev/null) ||
				fail "$d run $i failed: $j"
			[ "$(jget "$j" .verified)" = true ] || fail "$d run $i: not verified: $j"
			diff=$(jget "$j" '.edges.socket_to_nic.bytes - .retransmitted_bytes - .file_bytes')
			[ "$(jget "$j" .retransmitted_bytes)" = 0 ] || resent=$((resent + 1))
			[ "$(jget "$j" .dropped_bytes)" = 0 ] || dropped=$((dropped + 1))
			unseen=$(jget "$j" .unseen_bytes)
			if [ "$diff" = 0 ]; then
				# exact, what the programs did not see by TCP's count
				exact=$((exact + 1))
				[ "$unseen" = 0 ] || by_tcp=$((by_tcp + 1))
			elif [ "$(jget "$j" .tcp)" = null ] && [ "$diff" = "-$unseen" ] &&
				[ "$(jget "$j" '.device_tx_packets + .device_tx_dropped > .seen_tx_packets')" = true ]; then
				# TCP's count not heard: the report says which bytes,
				# and the device's own count says it sent packets the
				# programs did not see
				explained=$((explained + 1))
			elif [ "$(jget "$j" '.programs_missed + .unparsed_skbs')" != 0 ]; then
				explained=$((explained + 1))
			else
				fail "$d run $i: the device's payload less what was resent is $diff bytes off the file, unexplained: $j"
			fi
		done
	done
	echo "# 200 runs under load: $exact exact ($by_tcp of them by TCP's count of what the programs did not see), $explained explained; $resent with retransmissions, $dropped with drops before the device" >&3
}
