# shellcheck shell=bash
# make bench's fifth part, sourced by tests/bench/bench.sh: the receive
# side. Each way zc-sink can take the bytes (--recv copy, mmap, splice,
# discard), fed by dma-gather and by msg-zerocopy in turn; the receiver's
# CPU per MB, by its own clock, into receive.csv. It uses bench.sh's
# LAB, OUT, BUILD, SINK_PIDS, LAB_IDS, RECV_SIZE, RECV_PAIRS, and its
# die, progress, sample, cache_set, number_after and sink_line.

# The receivers, and the senders that feed them: a sendfile of the page
# cache's pages, which no receiver can map, and MSG_ZEROCOPY's, copied into
# pages of the receiver's own as they arrive, which it can.
RECV_MODES="copy mmap splice discard"
RECV_SENDERS="dma-gather msg-zerocopy"

# One lab for them all, its MTU a page of payload a segment (what mmap
# needs; the same for every mode, so that they differ in the receiver
# alone), one zc-sink per mode, each on a port of its own from 5301.
recv_start() {
	local m port=5301 args
	eval "$("$LAB" up --id bnrx --owner $$ --sg on --mtu 4148 2>/dev/null)" ||
		die "could not set up the lab (run as root: sudo make bench)"
	LAB_IDS="$LAB_IDS bnrx"
	RECV_TX=$ZCLAB_TX_NS
	for m in $RECV_MODES; do
		args=(--recv "$m")
		[ "$m" != splice ] || args+=("$OUT/recv-splice.bin")
		: >"$OUT/sink-recv-$m.out"
		ip netns exec "$ZCLAB_RX_NS" "$BUILD/zc-sink" --listen "$ZCLAB_RX_IP:$port" \
			"${args[@]}" >"$OUT/sink-recv-$m.out" 2>"$OUT/sink-recv-$m.err" &
		SINK_PIDS="$SINK_PIDS $!"
		port=$((port + 1))
	done
	for m in $RECV_MODES; do
		listening "$OUT/sink-recv-$m.err" || die "zc-sink --recv $m did not start: $(cat "$OUT/sink-recv-$m.err")"
	done
}

listening() { # listening ERR: waits for a sink's "listening on" line
	local i
	for i in $(seq 100); do
		grep -q 'listening on' "$1" && return 0
		sleep 0.05
	done
	return 1
}

# recv_once SENDER MODE PORT FILE: one transfer; appends the receiver's CPU
# ms per MB (10^6 bytes) of it, from the sink's line, to receive.csv
recv_once() {
	local out=$OUT/sink-recv-$2.out n sink cpu bytes
	n=$(($(wc -l <"$out") + 1))
	ip netns exec "$RECV_TX" "$BUILD/zc-$1" --to "198.18.0.2:$3" "$4" >/dev/null ||
		die "$1 into zc-sink --recv $2 failed"
	sink=$(sink_line "$out" "$n")
	cpu=$(number_after "$sink" cpu)
	bytes=$(sed -n 's/.*received \([0-9]*\) bytes.*/\1/p' <<<"$sink")
	[ -n "$cpu" ] && [ -n "$bytes" ] || die "zc-sink --recv $2 said nothing of $1's transfer"
	echo "$1,$2,$(awk -v c="$cpu" -v b="$bytes" 'BEGIN { printf "%.4f", c / (b / 1e6) }')" >>"$OUT/receive.csv"
}

# Each pair goes through every sender and mode, starting each time one mode
# further on, so that no mode always follows another.
receive() {
	local i j k s m f port modes
	f=$(sample "$RECV_SIZE")
	echo "sender,mode,receiver_cpu_ms_per_mb" >"$OUT/receive.csv"
	recv_start
	for i in $(seq "$RECV_PAIRS"); do
		modes=($RECV_MODES)
		for s in $RECV_SENDERS; do
			for j in 0 1 2 3; do
				k=$(((i + j) % 4))
				m=${modes[$k]} port=$((5301 + k))
				progress "receive: pair $i/$RECV_PAIRS: $s into --recv $m"
				cache_set warm "$f"
				recv_once "$s" "$m" "$port" "$f"
			done
		done
	done
	rm -f "$OUT/recv-splice.bin"
}
