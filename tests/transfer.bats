#!/usr/bin/env bats
# Every demo moves every byte intact: over loopback and over the lab, for
# files of 0, 1, 4095, 4096, 4097 bytes, 1 MiB + 1 and 64 MiB, with chunks of
# 1, 4097 and 1 MiB, the sink receives the same size and XXH3 checksum the sender
# sent, and that checksum is the file's as xxhsum -H3 computes it, apart from
# our code. 64 MiB one byte at a time takes minutes per run: those runs happen
# with ZC_SLOW=1 (make test-slow).

setup_file() {
	load test_helper/common-setup
	_common_setup
	export FILES="$BATS_FILE_TMPDIR"
	make_size_files "$FILES"
	local f
	for f in "$FILES"/f*; do
		xxhsum -H3 "$f" | sed "s/.* = //" >"$f.sum"
	done
}

setup() {
	load test_helper/common-setup
	_common_setup
}

teardown() {
	sink_stop
	lab_down
}

# send_cells DEMO ADDR NETNS CELLS...: each cell is SIZE:CHUNK
send_cells() {
	local demo=$1 addr=$2 ns=$3 cell size chunk n=0 sent got
	shift 3
	sink_start "$addr" "$ns"
	for cell in "$@"; do
		size=${cell%:*} chunk=${cell#*:}
		n=$((n + 1))
		if [ -n "$ns" ]; then
			run ip netns exec "$ns_tx" zc-"$demo" --to "$addr:$SINK_PORT" --chunk "$chunk" "$FILES/f$size"
		else
			run zc-"$demo" --to "$addr:$SINK_PORT" --chunk "$chunk" "$FILES/f$size"
		fi
		[ "$status" -eq 0 ] || fail "zc-$demo size $size chunk $chunk: exit $status: $output"
		sent=$output
		got=$(sink_line "$n") || fail "zc-$demo size $size chunk $chunk: no line from the sink"
		[ "$(field bytes "$sent")" = "$size" ] || fail "zc-$demo size $size chunk $chunk: sender says: $sent"
		[ "$(field bytes "$got")" = "$size" ] || fail "zc-$demo size $size chunk $chunk: sink says: $got"
		[ "$(field sum "$got")" = "$(field sum "$sent")" ] ||
			fail "zc-$demo size $size chunk $chunk: checksums differ: $sent / $got"
		[ "$(field sum "$got")" = "$(cat "$FILES/f$size.sum")" ] ||
			fail "zc-$demo size $size chunk $chunk: the sink's checksum is not xxhsum's $(cat "$FILES/f$size.sum"): $got"
		[[ "$sent" == *"; receiver agrees" ]] ||
			fail "zc-$demo size $size chunk $chunk: the sender did not get the receiver's verdict: $sent"
	done
}

# cells: every size with every chunk, but 64 MiB one byte at a time
cells() {
	local s c
	for s in 0 1 4095 4096 4097 1048577 67108864; do
		for c in 1 4097 1M; do
			[ "$s:$c" = 67108864:1 ] || echo "$s:$c"
		done
	done
}

over_loopback() {
	send_cells "$1" 127.0.0.1 "" $(cells)
}

over_lab() {
	require_root
	local sg=on
	[ "$1" = sendfile ] && sg=off
	lab_up "$sg"
	ns_tx=$ZCLAB_TX_NS
	send_cells "$1" "$ZCLAB_RX_IP" "$ZCLAB_RX_NS" $(cells)
}

slow_64m_by_byte() { # slow_64m_by_byte DEMO loopback|lab
	[ -n "${ZC_SLOW:-}" ] || skip "64 MiB one byte per call takes minutes; run with ZC_SLOW=1 (make test-slow)"
	if [ "$2" = lab ]; then
		require_root
		local sg=on
		[ "$1" = sendfile ] && sg=off
		lab_up "$sg"
		ns_tx=$ZCLAB_TX_NS
		send_cells "$1" "$ZCLAB_RX_IP" "$ZCLAB_RX_NS" 67108864:1
	else
		send_cells "$1" 127.0.0.1 "" 67108864:1
	fi
}

@test "traditional moves every size and chunk intact over loopback" { over_loopback traditional; }
@test "mmap moves every size and chunk intact over loopback" { over_loopback mmap; }
@test "sendfile moves every size and chunk intact over loopback" { over_loopback sendfile; }
@test "dma-gather moves every size and chunk intact over loopback" { over_loopback dma-gather; }
@test "traditional moves every size and chunk intact over the lab" { over_lab traditional; }
@test "mmap moves every size and chunk intact over the lab" { over_lab mmap; }
@test "sendfile moves every size and chunk intact over the lab" { over_lab sendfile; }
@test "dma-gather moves every size and chunk intact over the lab" { over_lab dma-gather; }

@test "traditional moves 64 MiB one byte per call over loopback" { slow_64m_by_byte traditional loopback; }
@test "mmap moves 64 MiB one byte per call over loopback" { slow_64m_by_byte mmap loopback; }
@test "sendfile moves 64 MiB one byte per call over loopback" { slow_64m_by_byte sendfile loopback; }
@test "dma-gather moves 64 MiB one byte per call over loopback" { slow_64m_by_byte dma-gather loopback; }
@test "traditional moves 64 MiB one byte per call over the lab" { slow_64m_by_byte traditional lab; }
@test "mmap moves 64 MiB one byte per call over the lab" { slow_64m_by_byte mmap lab; }
@test "sendfile moves 64 MiB one byte per call over the lab" { slow_64m_by_byte sendfile lab; }
@test "dma-gather moves 64 MiB one byte per call over the lab" { slow_64m_by_byte dma-gather lab; }

@test "a file over 2 GiB goes through intact" {
	[ -n "${ZC_SLOW:-}" ] || skip "writes a 2 GiB + 1 file; run with ZC_SLOW=1 (make test-slow)"
	local big="$BATS_TEST_TMPDIR/big" d
	make_file "$big" $((2 * 1024 * 1024 * 1024 + 1))
	sink_start 127.0.0.1 ""
	FILES=$BATS_TEST_TMPDIR
	local n=0
	for d in $(runnable_demos); do
		n=$((n + 1))
		run zc-"$d" --to "127.0.0.1:$SINK_PORT" --chunk 1M "$big"
		assert_success
		assert_equal "$(field bytes "$(sink_line $n)")" 2147483649
		assert_equal "$(field sum "$(sink_line $n)")" "$(field sum "$output")"
	done
}
