#!/usr/bin/env bats
# The device's figure is exact: what the lab's device sent, less what TCP
# sent again, is the file to the byte, in every run. zcviz's programs can
# be skipped without a trace (on these machines no BPF program runs while
# PID 1 is the current task, and a softirq runs as the task it
# interrupted), so zcviz holds them against witnesses the kernel keeps:
# TCP's own count of the flow and the device's own packet count. These
# tests hold both against a count of their own: ftrace's ring buffer,
# which shares nothing with zcviz. Needs root and BTF.

setup() {
	load test_helper/common-setup
	_common_setup
	require_bpf
}

teardown() {
	xmit_count_end
	no_bpf_left
	no_lab_left
}

# exact_run DEMO ARGS...: one run of DEMO at 64 MiB beside ftrace's count;
# the device's payload less what was resent is the file, TCP's count was
# heard, and the device's packets are ftrace's, and ours where we saw all
exact_run() {
	local d=$1 j dev ft pid1
	shift
	xmit_count_start
	j=$(zcviz --json "$@" "$d" 2>/dev/null) || fail "$d: zcviz failed: $j"
	dev=$(jget "$j" .egress)
	read -r ft pid1 < <(xmit_count_stop "$dev") || fail "$d: no independent count"
	[ "$(jget "$j" .verified)" = true ] || fail "$d: not verified: $j"
	[ "$(jget "$j" .tcp)" != null ] || fail "$d: TCP's own count was not heard: $j"
	assert_equal "$d payload less resent: $(jget "$j" '.edges.socket_to_nic.bytes - .retransmitted_bytes')" \
		"$d payload less resent: 67108864"
	assert_equal "$d TCP sent: $(jget "$j" .tcp.bytes_sent)" "$d TCP sent: $(jget "$j" .edges.socket_to_nic.bytes)"
	# every packet the device took, by its own count, is one ftrace saw;
	# our programs saw every one but those sent while PID 1 was the
	# current task (payload or not: an ACK too), and only those
	assert_equal "$d device: $(jget "$j" '.device_tx_packets + .device_tx_dropped')" "$d device: $ft"
	assert_equal "$d seen: $(jget "$j" .seen_tx_packets)" "$d seen: $((ft - pid1))"
	[ "$pid1" = 0 ] || ((++PID1_RUNS))
	[ "$(jget "$j" .unseen_bytes)" = 0 ] || ((++UNSEEN_RUNS))
}

# trace_count TRACE NAME: the counter's last value in a recorded run
trace_count() {
	awk -v n="$2" '$1 == "counters" { for (i = 2; i <= NF; i++) if ($i == n) k = i + 2 }
		$1 == "c" { v = $k } END { print v }' "$1"
}

# trace_counts_less TRACE NAME N...: the trace, its last counts less N
trace_counts_less() {
	local t=$1
	shift
	awk -v less="$*" '
		BEGIN { m = split(less, l, " ") }
		$1 == "counters" { for (i = 2; i <= NF; i++) col[$i] = i + 2 }
		{ line[NR] = $0; if ($1 == "c") last = NR }
		END {
			for (r = 1; r <= NR; r++) {
				if (r == last) {
					$0 = line[r]
					for (i = 1; i < m; i += 2) $col[l[i]] -= l[i + 1]
					line[r] = $0
				}
				print line[r]
			}
		}' "$t"
}

# one_per_sg: the table's first demo whose lab device cannot gather, and
# its first whose device can
one_per_sg() {
	demos_list | awk -F'\t' '!seen[$3]++ { print $1 }'
}

@test "a demo on a device without scatter-gather and one with, 3 runs each: device payload less resent is the file, its packets ftrace's" {
	local d i
	UNSEEN_RUNS=0 PID1_RUNS=0
	for d in $(one_per_sg); do
		for i in 1 2 3; do
			exact_run "$d"
		done
	done
	echo "# 6 runs; in $PID1_RUNS the device sent packets while PID 1 was current, in $UNSEEN_RUNS our programs missed bytes (TCP's count has them)" >&3
}

@test "the report says which bytes TCP counted and the programs did not, and why on this kernel" {
	# a recorded run whose programs missed 45 segments of 1448 bytes
	# (65160 bytes), as a hole run does; TCP's count has them
	local t="$BATS_TEST_TMPDIR/hole.trace"
	run -0 zcviz --report --size 2M --record "$t" sendfile
	trace_counts_less "$t" x_linear 65160 x_dev_packets 45 >"$t.hole"
	assert_equal "$(trace_count "$t.hole" tcp_sockets)" 1
	run -0 zcviz --replay "$t.hole" --report
	assert_line --regexp '^    of it unseen: TCP.s count +65160$'
	assert_line --partial "note: 65160 bytes of the flow left the device while the kernel ran none of"
	assert_line --partial "TCP's own count has them"
	assert_line --regexp '^    copied when cut to segments +CPU copy +2097152 +1\.00$'
	if [ "$(trace_count "$t.hole" init_gate)" = 1 ]; then
		assert_line --partial "no BPF program while PID 1 is the current task"
	fi
	run -0 zcviz --replay "$t.hole" --json
	assert_equal "$(jget "$output" .device_bytes_by.tcp_only)" 65160
	assert_equal "$(jget "$output" .device_bytes_by.tcp_only_kind)" linear
	assert_equal "$(jget "$output" '.edges.socket_to_nic.bytes - .retransmitted_bytes')" 2097152
	assert_equal "$(jget "$output" .cpu_copies_per_byte)" 1
}

@test "traffic of another kind on the same device, from another CPU: the device's count is ours, packet for packet" {
	# a command that sends the file and, beside it, 3000 UDP datagrams
	# on the same device: every counter the device's packets touch is
	# shared between CPUs, and none may lose one
	local i j ft pid1 cmd
	cmd='for i in $(seq 3000); do echo x >/dev/udp/${0%:*}/9; done & zc-sendfile --rate 40 --to "$0" "$1"; wait'
	for i in 1 2; do
		xmit_count_start
		j=$(zcviz --json --sg off -- bash -c "$cmd" {sink} {file} 2>/dev/null) || fail "zcviz failed: $j"
		read -r ft pid1 < <(xmit_count_stop "$(jget "$j" .egress)")
		assert_equal "$(jget "$j" .verified)" true
		assert_equal "$(jget "$j" '.edges.socket_to_nic.bytes - .retransmitted_bytes')" 67108864
		assert_equal "device $(jget "$j" '.device_tx_packets + .device_tx_dropped')" "device $ft"
		[ "$ft" -gt $((46000 + 3000)) ] || fail "only $ft packets: the datagrams were not on the device"
		# none lost to a race: every packet but those the kernel ran
		# no program for (PID 1 current)
		assert_equal "seen $(jget "$j" .seen_tx_packets)" "seen $((ft - pid1))"
	done
}

@test "make test-slow: every demo 100 times at 64 MiB, every byte accounted for against the kernel's counts" {
	[ -n "${ZC_SLOW:-}" ] || skip "1000 runs take half an hour; run with ZC_SLOW=1 (make test-slow)"
	local d i
	UNSEEN_RUNS=0 PID1_RUNS=0
	for d in $(runnable_demos); do
		for i in $(seq 100); do
			exact_run "$d"
		done
	done
	echo "# $((100 * $(wc -w <<<"$(runnable_demos)"))) runs; in $PID1_RUNS the device sent packets while PID 1 was current, in $UNSEEN_RUNS our programs missed bytes (TCP's count has them)" >&3
}
