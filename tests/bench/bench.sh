#!/usr/bin/env bash
# make bench: the classic article's experiment, honestly, on today's kernel.
#
# 1. The table: file sizes from 7M to 1G, every demo (zcviz --list-demos,
#    each on its lab's device) and read+write with a 4 KiB buffer like the
#    article's (and, with a JDK, the article's own Java stream code with
#    that buffer, against its transferTo()), warm and cold page cache, RUNS runs
#    each in rotation; median and spread of the elapsed time, sender and
#    receiver CPU, syscalls, and CPU copies per byte measured by zcviz.
# 2. Peers on the same path: iperf3 -F FILE against zc-traditional, and
#    iperf3 -F FILE -Z against zc-dma-gather, alternating.
# 3. What the instrument costs: each demo with and without zcviz attached,
#    alternating; and the dashboard's own CPU while animating and paused.
# 4. Apache Kafka (where make deps fetched it): a consumer's fetch of the
#    same topic over plaintext and over TLS (demos/kafka.sh), alternating:
#    MB/s, the broker's CPU per GB and its CPU copies per fetched byte.
# 5. The receive side: each way zc-sink can take the bytes (--recv copy,
#    mmap, splice, discard) fed by dma-gather and by msg-zerocopy in turn;
#    the receiver's CPU per MB, by its own clock of its CPU time.
#
# Writes build/bench/results.csv, beside it the rest of what it measured and
# run.txt (the machine, the methods, the runs); then tests/bench/render.sh
# turns them into results.md and results.svg (alone, it draws them again).
# BENCH_QUICK=1: small sizes, fewer runs; BENCH_SIZES="7M 63M" picks sizes;
# BENCH_PARTS="receive" runs some of the five parts only (table, peers,
# cost, kafka, receive), and render.sh writes their tables alone.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$ROOT/build
OUT=$BUILD/bench
LAB=$ROOT/demos/lab.sh
PROG=bench

if [ -n "${BENCH_QUICK:-}" ]; then
	SIZES=${BENCH_SIZES:-1M 4M 16M}
	RUNS=${BENCH_RUNS:-3}
	PAIRS=${BENCH_PAIRS:-3}
	PEER_SIZE=${BENCH_PEER_SIZE:-16M}
	KAFKA_SIZE=${BENCH_KAFKA_SIZE:-16M}
	KAFKA_PAIRS=${BENCH_KAFKA_PAIRS:-2}
	RECV_SIZE=${BENCH_RECV_SIZE:-16M}
	RECV_PAIRS=${BENCH_RECV_PAIRS:-3}
	DASH_SECONDS=2
else
	SIZES=${BENCH_SIZES:-7M 21M 63M 98M 200M 350M 700M 1G}
	RUNS=${BENCH_RUNS:-5}
	PAIRS=${BENCH_PAIRS:-21}
	PEER_SIZE=${BENCH_PEER_SIZE:-200M}
	KAFKA_SIZE=${BENCH_KAFKA_SIZE:-64M}
	KAFKA_PAIRS=${BENCH_KAFKA_PAIRS:-5}
	RECV_SIZE=${BENCH_RECV_SIZE:-200M}
	RECV_PAIRS=${BENCH_RECV_PAIRS:-11}
	DASH_SECONDS=5
fi
# The demos, from the one table (zcviz --list-demos: name, program,
# scatter-gather, copies without and with it, title, brief); and the
# article's own case, read()+write() with a 4 KiB buffer, before them.
[ -x "$BUILD/zcviz" ] || die "$BUILD/zcviz is missing; run make first"
LIST=$("$BUILD/zcviz" --list-demos)
CACHES="warm cold"
ALL_PARTS="table peers cost kafka receive"
PARTS=${BENCH_PARTS:-$ALL_PARTS}
part() { # part NAME: is NAME among the parts this run runs?
	case " $PARTS " in *" $1 "*) return 0 ;; esac
	return 1
}

die() {
	echo "$PROG: $*" >&2
	exit 3
}

progress() { # progress TEXT: one line, rewritten in place
	printf '\r\033[K%s' "$*" >&2
}

# ---- the machine and the files -------------------------------------------

bytes_of() { # bytes_of 63M
	local n=${1%[KMG]}
	case $1 in
	*K) echo $((n << 10)) ;;
	*M) echo $((n << 20)) ;;
	*G) echo $((n << 30)) ;;
	*) echo "$n" ;;
	esac
}

# Keeps the sizes that fit: on disk with room to spare, and in memory
# twice over (the warm runs need the whole file in the page cache).
sizes_that_fit() {
	local s b free mem kept=""
	free=$(df -B1 --output=avail "$BUILD" | tail -n 1)
	mem=$(($(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) * 1024))
	for s in $SIZES; do
		b=$(bytes_of "$s")
		if [ "$b" -gt $((free / 2)) ] || [ "$b" -gt $((mem / 2)) ]; then
			echo "$PROG: skipping $s: it does not fit (disk free $((free >> 20))M, memory available $((mem >> 20))M)" >&2
			continue
		fi
		kept="$kept $s"
	done
	echo $kept
}

sample() { # sample SIZE: the file zcviz also uses for --size
	echo "$BUILD/sample-$1.bin"
}

file_make() { # file_make SIZE
	local f
	f=$(sample "$1")
	[ "$(stat -c %s "$f" 2>/dev/null)" = "$(bytes_of "$1")" ] && return
	progress "writing $f"
	head -c "$(bytes_of "$1")" /dev/urandom >"$f.tmp" && mv "$f.tmp" "$f"
}

cache_set() { # cache_set warm|cold FILE
	if [ "$1" = warm ]; then
		cat "$2" >/dev/null
	else
		# write back, then drop the file's pages: it comes from disk again
		dd if="$2" iflag=nocache count=0 status=none
		sync "$2"
		dd if="$2" iflag=nocache count=0 status=none
	fi
}

machine() {
	local virt="bare metal"
	grep -qw hypervisor /proc/cpuinfo && virt="a virtual machine"
	echo "Linux $(uname -r), $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)), $virt, $(awk '/^MemTotal:/ { printf "%d GiB", $2 / 1048576 }' /proc/meminfo) of memory"
}

# ---- the lab, the sinks, one transfer --------------------------------------

LAB_IDS=""
SINK_PIDS=""

cleanup() {
	local id
	[ -n "$SINK_PIDS" ] && kill $SINK_PIDS 2>/dev/null
	rm -f "$OUT/recv-splice.bin" "$OUT"/recv-splice.bin.zc-sink-*
	for id in $LAB_IDS; do
		"$LAB" down "$id" >/dev/null 2>&1
	done
	tmux -L zcbench kill-server 2>/dev/null
	printf '\n' >&2
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# lab_start NAME on|off: a lab, and a zc-sink serving one connection after
# another in it; sets NAME_TX, NAME_RX (namespaces) and NAME_OUT
lab_start() {
	local name=$1 id="bn$1" out="$OUT/sink-$1.out"
	eval "$("$LAB" up --id "$id" --owner $$ --sg "$2" 2>/dev/null)" ||
		die "could not set up the lab (run as root: sudo make bench)"
	LAB_IDS="$LAB_IDS $id"
	: >"$out"
	ip netns exec "$ZCLAB_RX_NS" "$BUILD/zc-sink" --listen "$ZCLAB_RX_IP:5201" \
		>"$out" 2>/dev/null &
	SINK_PIDS="$SINK_PIDS $!"
	eval "${name}_TX=$ZCLAB_TX_NS ${name}_RX=$ZCLAB_RX_NS ${name}_OUT=$out"
	sleep 0.3
}

# The demos that can run here: a demo whose program says this machine
# lacks what it needs (a JVM, io_uring) is left out, and the reason said
# once. The methods: each demo, and before them the article's 4 KiB
# buffer, in C and (with a JDK) in Java.
methods_pick() {
	local d why java_why="" java="" other=""
	DEMOS=""
	for d in $(cut -f1 <<<"$LIST"); do
		if why=$("$BUILD/$(row "$d" 2)" --check 2>&1); then
			DEMOS="$DEMOS $d"
		elif [ "$(row "$d" 8)" = java ]; then
			java="$java $d" java_why=$why
		else
			other="$other $d"
			echo "$PROG: skipping $d: ${why#*: }" >&2
		fi
	done
	DEMOS=${DEMOS# }
	[ -z "$java" ] || echo "$PROG: skipping the Java rows ($(echo $java)): ${java_why#*: }" >&2
	METHODS="traditional-4k $DEMOS"
	case " $DEMOS " in
	*" java-stream "*) METHODS="traditional-4k java-stream-4k $DEMOS" ;;
	esac
}

# row METHOD COLUMN: a column of the demo's row (traditional-4k is traditional's)
row() {
	awk -F'\t' -v d="${1%-4k}" -v c="$2" '$1 == d { print $c }' <<<"$LIST"
}

method_lab() { # the lab of the demo's scatter-gather: on or off
	row "$1" 3
}

method_cmd() { # method_cmd METHOD: the sender and its chunk
	case $1 in
	*-4k) echo "$(row "$1" 2) --chunk 4K" ;;
	*) echo "$(row "$1" 2) --chunk 128K" ;;
	esac
}

# number_after LINE WORD: the number that follows WORD ("in 12.3 ms")
number_after() {
	sed -n "s/.* $2 \([0-9.]*\) .*/\1/p" <<<"$1" | head -n 1
}

# sink_line OUT N: line N of a sink's output OUT, once it is there (the
# sink prints it once the sender took its answer; 10 s at most)
sink_line() {
	local i
	for i in $(seq 200); do
		[ "$(wc -l <"$1")" -ge "$2" ] && break
		sleep 0.05
	done
	sed -n "${2}p" "$1"
}

# transfer METHOD FILE: prints "elapsed_ms sender_cpu_ms receiver_cpu_ms calls"
transfer() {
	local lab tx out n line sink
	lab=$(method_lab "$1")
	eval "tx=\$${lab}_TX out=\$${lab}_OUT"
	n=$(($(wc -l <"$out") + 1))
	line=$(ip netns exec "$tx" $BUILD/$(method_cmd "$1") --to 198.18.0.2:5201 "$2") ||
		die "$1 failed on $2"
	sink=$(sink_line "$out" "$n")
	echo "$(number_after "$line" in) $(number_after "$line" cpu) $(number_after "$sink" cpu) $(sed -n 's/.*; \([0-9]*\) [a-z+]* calls.*/\1/p' <<<"$line")"
}

# ---- 1. the table ----------------------------------------------------------

# Each run goes through every size, cache and method, so that a noisy
# moment spreads over all of them instead of spoiling one.
table_runs() {
	local run s c m total done=0 f r
	total=$(($(wc -w <<<"$SIZES") * 2 * $(wc -w <<<"$METHODS") * RUNS))
	echo "run,size,method,cache,elapsed_ms,sender_cpu_ms,receiver_cpu_ms,syscalls" >"$OUT/raw.csv"
	for run in $(seq "$RUNS"); do
		for s in $SIZES; do
			f=$(sample "$s")
			for c in $CACHES; do
				for m in $METHODS; do
					done=$((done + 1))
					progress "[$done/$total] run $run/$RUNS: $s $c $m"
					cache_set "$c" "$f"
					r=$(transfer "$m" "$f") || exit 3 # it said why
					echo "$run,$s,$m,$c,${r// /,}" >>"$OUT/raw.csv"
				done
			done
		done
	done
}

# CPU copies per byte and syscalls, as zcviz measures them (once each).
table_copies() {
	local s m j args
	echo "size,method,cpu_copies_per_byte,syscalls" >"$OUT/copies.csv"
	for s in $SIZES; do
		for m in $METHODS; do
			progress "zcviz: $s $m"
			args="--size $s"
			case $m in
			*-4k) args="$args --chunk 4K ${m%-4k}" ;;
			*) args="$args $m" ;;
			esac
			j=$("$BUILD/zcviz" --json $args 2>/dev/null) || die "zcviz --json $args failed"
			echo "$s,$m,$(jq -r .cpu_copies_per_byte <<<"$j"),$(jq -r .syscalls.total <<<"$j")" >>"$OUT/copies.csv"
		done
	done
}

# Medians and spreads per size, method and cache; time against read+write
# with a 4 KiB buffer, as in the article.
table_summary() {
	awk -F, -v sizes="$SIZES" -v methods="$METHODS" '
	function sort(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
	}
	function median(a, n) {
		sort(a, n)
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function stats(col, k,   a, n, i) {
		n = cnt[k]
		for (i = 1; i <= n; i++)
			a[i] = v[k, col, i]
		med = median(a, n); lo = a[1]; hi = a[n]
	}
	FILENAME ~ /copies/ && FNR > 1 { cp[$1, $2] = $3; sc[$1, $2] = $4; next }
	FILENAME ~ /raw/ && FNR > 1 {
		k = $2 SUBSEP $3 SUBSEP $4
		n = ++cnt[k]
		v[k, 5, n] = $5; v[k, 6, n] = $6; v[k, 7, n] = $7; v[k, 8, n] = $8
	}
	END {
		print "size,bytes,method,cache,runs,elapsed_ms_median,elapsed_ms_min,elapsed_ms_max," \
		      "sender_cpu_ms_median,sender_cpu_ms_min,sender_cpu_ms_max," \
		      "receiver_cpu_ms_median,receiver_cpu_ms_min,receiver_cpu_ms_max," \
		      "syscalls,cpu_copies_per_byte,time_vs_traditional_4k"
		ns = split(sizes, S, " "); nm = split(methods, M, " ")
		for (i = 1; i <= ns; i++) for (c = 1; c <= 2; c++) {
			cache = c == 1 ? "warm" : "cold"
			stats(5, S[i] SUBSEP "traditional-4k" SUBSEP cache); base = med
			for (j = 1; j <= nm; j++) {
				k = S[i] SUBSEP M[j] SUBSEP cache
				if (!cnt[k]) continue
				line = S[i] "," bytes(S[i]) "," M[j] "," cache "," cnt[k]
				for (col = 5; col <= 7; col++) {
					stats(col, k)
					line = line sprintf(",%.1f,%.1f,%.1f", med, lo, hi)
					if (col == 5) el = med
				}
				stats(8, k)
				printf "%s,%d,%s,%.3f\n", line, med, cp[S[i], M[j]], base ? el / base : 0
			}
		}
	}
	function bytes(s,   n) {
		n = s + 0
		return s ~ /G$/ ? n * 1073741824 : s ~ /M$/ ? n * 1048576 : s ~ /K$/ ? n * 1024 : n
	}' "$OUT/copies.csv" "$OUT/raw.csv" >"$OUT/results.csv"
}

# ---- 2. peers: iperf3 on the same path -------------------------------------

# One stopwatch for both sides: the time from the client's start to its
# exit, taken inside the sending namespace by the same shell around either
# program. Each ends only when its receiver has everything and said so (our
# sink's verdict, which the sender checks against its checksum of the
# file; iperf3's exchange of results), so neither side's own clock, which
# each starts and stops at a point of its own choosing, decides.
# stopwatch NS OUT CMD...: the command's ms; its output in OUT
stopwatch() {
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" bash -c 'a=$EPOCHREALTIME; "$@" >"$0" 2>&1; rc=$?; b=$EPOCHREALTIME
		awk -v a="$a" -v b="$b" "BEGIN { printf \"%.3f\n\", (b - a) * 1000 }"; exit $rc' "$out" "$@"
}

# iperf_once FILE [-Z]: ms on the stopwatch for iperf3 -F FILE. iperf3 -F -Z
# (3.12) says it sent up to 0.2 % less than the file (its sendfile() path
# stops short of the end, or counts so): such a run is taken, its time as
# it is (in iperf3's favour), and its shortfall kept in peer-short.txt.
iperf_once() {
	local i ms out=$OUT/peer-iperf3.json size sent
	size=$(stat -c %s "$1")
	# the server takes a moment after each test before it takes the next
	for i in $(seq 20); do
		ms=$(stopwatch "$on_TX" "$out" iperf3 -c 198.18.0.2 -p 5301 -F "$1" ${2:-} -J)
		sent=$(jq -r '.end.sum_sent.bytes // 0' "$out")
		if [ "$(jq -r '.error // empty' "$out")" = "" ] && [ $((sent * 200)) -ge $((size * 199)) ]; then
			echo "iperf3 ${2:--F} $((size - sent))" >>"$OUT/peer-short.txt"
			echo "$ms"
			return
		fi
		sleep 0.2
	done
	echo "$PROG: iperf3 did not send $1 to the lab's iperf3 server: $(jq -r '.error // .end.sum_sent.bytes' "$out")" >&2
	return 3
}

# ours_once DEMO FILE: ms on the stopwatch for the demo's sender, which must
# end with the receiver's agreement (every byte verified)
ours_once() {
	local ms out=$OUT/peer-ours.txt
	ms=$(stopwatch "$on_TX" "$out" "$BUILD/$(row "$1" 2)" --chunk 128K --to 198.18.0.2:5201 "$2") ||
		die "$1 failed on $2: $(cat "$out")"
	grep -q "receiver agrees" "$out" || die "$1: the receiver did not agree: $(cat "$out")"
	echo "$ms"
}

# time_ratio A_MS B_MS: the throughput of B over A's, A's time over B's
time_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f\n", a / b }'
}

peers() {
	local f i ours theirs pid
	f=$(sample "$PEER_SIZE")
	ip netns exec "$on_RX" iperf3 -s -p 5301 >/dev/null 2>&1 &
	pid=$!
	SINK_PIDS="$SINK_PIDS $pid"
	sleep 0.3
	: >"$OUT/peer-traditional.txt"
	: >"$OUT/peer-dma-gather.txt"
	cat "$f" >/dev/null
	: >"$OUT/peer-short.txt"
	for i in $(seq "$PAIRS"); do
		progress "peers: pair $i/$PAIRS"
		ours=$(ours_once traditional "$f") || exit 3
		theirs=$(iperf_once "$f") || exit 3
		# throughput ours / theirs = time theirs / time ours
		time_ratio "$theirs" "$ours" >>"$OUT/peer-traditional.txt"
		# the other pair goes the other way round
		theirs=$(iperf_once "$f" -Z) || exit 3
		ours=$(ours_once dma-gather "$f") || exit 3
		time_ratio "$theirs" "$ours" >>"$OUT/peer-dma-gather.txt"
	done
	kill "$pid" 2>/dev/null
}

# ---- 3. what the instrument costs ------------------------------------------

# The same demo, the same lab and sink, with and without the instrument:
# zcviz runs inside the lab's sending namespace and sends with --to.
instrumented_json() { # instrumented_json METHOD FILE: zcviz --json
	local lab tx
	lab=$(method_lab "$1")
	eval "tx=\$${lab}_TX"
	ip netns exec "$tx" "$BUILD/zcviz" --json --to 198.18.0.2:5201 --file "$2" "$1" 2>/dev/null ||
		die "zcviz --to failed for $1"
}

instrumented() { # instrumented METHOD FILE: elapsed ms under zcviz
	number_after "$(instrumented_json "$1" "$2" | jq -r .sender)" in
}

# The instrument's programs' own CPU time, as the kernel counts it while
# zcviz holds bpf_enable_stats() (nothing stays on after it, whatever
# happens), as a percentage of the transfer's time: a figure the machine's
# noise hardly moves, where the throughput ratio above moves by more than
# the effect. Beside each of our programs, on the same hook and in the same
# runs, an empty one (ZCVIZ_BASELINE=1): the cheapest a program there can
# be, so that each hook's cost is a ratio to its floor.
programs_share() {
	local f m i j
	f=$(sample "$PEER_SIZE")
	for m in $DEMOS; do
		: >"$OUT/programs-$m.pct"
		: >"$OUT/programs-$m.runs"
		: >"$OUT/hooks-$m.txt"
		for i in $(seq "$RUNS"); do
			progress "the instrument's programs: $m, run $i/$RUNS"
			j=$(ZCVIZ_BASELINE=1 instrumented_json "$m" "$f")
			jq -r '100 * .programs_ns / .elapsed_ns' <<<"$j" >>"$OUT/programs-$m.pct"
			jq -r .programs_runs <<<"$j" >>"$OUT/programs-$m.runs"
			jq -r --arg i "$i" '.elapsed_ns as $e | .hooks[] | select(.runs > 0) |
				"\($i) \(.name) \(.runs) \(.ns) \(.empty_runs) \(.empty_ns) \($e)"' <<<"$j" >>"$OUT/hooks-$m.txt"
		done
	done
}

overhead() {
	local f m i without with
	f=$(sample "$PEER_SIZE")
	cat "$f" >/dev/null
	for m in $DEMOS; do
		: >"$OUT/overhead-$m.txt"
		for i in $(seq "$PAIRS"); do
			progress "overhead: $m, pair $i/$PAIRS"
			# alternate which goes first: what follows a run pays for it
			if [ $((i % 2)) = 1 ]; then
				without=$(transfer "$m" "$f" | cut -d' ' -f1)
				with=$(instrumented "$m" "$f")
			else
				with=$(instrumented "$m" "$f")
				without=$(transfer "$m" "$f" | cut -d' ' -f1)
			fi
			# a run that failed said why; its figures are not taken
			[ -n "$without" ] && [ -n "$with" ] || exit 3
			# throughput with / without = time without / time with
			time_ratio "$without" "$with" >>"$OUT/overhead-$m.txt"
		done
	done
}

cpu_ticks() { # cpu_ticks PID: utime + stime in clock ticks
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# percent of one CPU PID used over SECONDS
cpu_share() {
	local a b hz
	hz=$(getconf CLK_TCK)
	a=$(cpu_ticks "$1")
	sleep "$2"
	b=$(cpu_ticks "$1")
	awk -v d=$((b - a)) -v hz="$hz" -v s="$2" 'BEGIN { printf "%.2f", 100 * d / hz / s }'
}

dashboard_cpu() {
	local pid i
	progress "dashboard: animating"
	tmux -L zcbench kill-server 2>/dev/null
	tmux -L zcbench new-session -d -x 80 -y 24 "LANG=C.UTF-8 $BUILD/zcviz --file $(sample "$PEER_SIZE") traditional"
	for i in $(seq 100); do
		pid=$(pgrep -x zcviz -n) && break
		sleep 0.1
	done
	sleep 2
	DASH_ANIMATING=$(cpu_share "$pid" "$DASH_SECONDS")
	tmux -L zcbench send-keys p
	progress "dashboard: paused"
	sleep 1
	DASH_PAUSED=$(cpu_share "$pid" "$DASH_SECONDS")
	echo "$DASH_ANIMATING $DASH_PAUSED" >"$OUT/dashboard.txt"
	tmux -L zcbench send-keys q
	sleep 1
	tmux -L zcbench kill-server 2>/dev/null
}

# ---- 4. Apache Kafka ---------------------------------------------------------

# kafka_once [--tls]: one run of kafka.sh at KAFKA_SIZE, a line to
# kafka-plaintext.txt or kafka-tls.txt: the consumer's MB/s (the bytes the
# broker sent, over the consumer's time), the broker's CPU per GB of them
# (ms a GB: zcviz -p, while it watched) and its CPU copies per fetched byte
kafka_once() {
	local out=$OUT/kafka-run.json err=$OUT/kafka-run.err s listener=plaintext
	[ "${1:-}" != --tls ] || listener=tls
	"$ROOT/demos/kafka.sh" --json --size "$KAFKA_SIZE" "$@" >"$out" 2>"$err" ||
		die "kafka.sh $* failed: $(tail -n 1 "$err")"
	s=$(sed -n 's/^kafka\.sh: 1 consumer(s) read the topic in \([0-9.]*\) s$/\1/p' "$err")
	[ -n "$s" ] || die "kafka.sh did not say how long its consumer took: $(tail -n 1 "$err")"
	jq -r --arg s "$s" '[.edges.socket_to_nic.bytes / 1e6 / ($s | tonumber),
		(.sender_cpu_ns.user + .sender_cpu_ns.sys) / 1e6 / (.edges.socket_to_nic.bytes / 1e9),
		.cpu_copies_per_byte] | map(tostring) | join(" ")' "$out" \
		>>"$OUT/kafka-$listener.txt"
}

kafka() {
	local i
	rm -f "$OUT"/kafka-plaintext.txt "$OUT"/kafka-tls.txt
	if ! compgen -G "$BUILD/kafka/lib/kafka_2.13-*.jar" >/dev/null || ! command -v kcat >/dev/null; then
		echo "Apache Kafka's jars or kcat are missing (sudo make deps): no Kafka rows" >"$OUT/kafka-none.txt"
		return
	fi
	rm -f "$OUT/kafka-none.txt"
	for i in $(seq "$KAFKA_PAIRS"); do
		progress "kafka: pair $i/$KAFKA_PAIRS"
		# in turn, and each pair the other way round
		if [ $((i % 2)) = 1 ]; then
			kafka_once && kafka_once --tls
		else
			kafka_once --tls && kafka_once
		fi
	done
}

# ---- 5. the receive side: tests/bench/receive.sh ----------------------------

. "$ROOT/tests/bench/receive.sh"

# ---- what render.sh reads -------------------------------------------------

# each method's name in the tables: the demo's title in brief
labels_make() {
	local m
	LABELS=""
	for m in $METHODS; do
		case $m in
		*-4k) LABELS+="|$m:$(row "$m" 7), 4K" ;;
		*) LABELS+="|$m:$(row "$m" 7)" ;;
		esac
	done
	LABELS=${LABELS#|}
}

# run.txt: what the tables say besides the measurements, KEY=VALUE lines:
# the machine and the day, the methods in the tables' order and their
# names (from zcviz's table, which a later build may word otherwise), and
# the runs, pairs and sizes this run was told
run_write() {
	cat >"$OUT/run.txt" <<EOF
MACHINE=$(machine)
DATE=$(date -u +%Y-%m-%d)
METHODS=$METHODS
DEMOS=$DEMOS
LABELS=$LABELS
RUNS=$RUNS
PAIRS=$PAIRS
PEER_SIZE=$PEER_SIZE
KAFKA_SIZE=$KAFKA_SIZE
KAFKA_PAIRS=$KAFKA_PAIRS
PARTS=$PARTS
RECV_SIZE=$RECV_SIZE
RECV_PAIRS=$RECV_PAIRS
EOF
}

part_known() { # part_known NAME: one of the parts, or exit 2
	case " $ALL_PARTS " in *" $1 "*) return 0 ;; esac
	echo "$PROG: BENCH_PARTS takes some of: $ALL_PARTS; not '$1'" >&2
	exit 2
}

usage() {
	cat <<EOF
Usage: tests/bench/bench.sh [--help | --version]   (or: sudo make bench)

The benchmark: every demo at sizes from 7M to 1G, warm and cold, against
iperf3 on the same path, and what the instrument costs. It takes about 10
minutes and needs root. It writes build/bench/results.csv and the data
beside it, then tests/bench/render.sh writes results.md and results.svg of
them. It takes no arguments; the environment picks the work:

  BENCH_QUICK=1         small sizes, fewer runs (about a minute)
  BENCH_SIZES="7M 63M"  these sizes
  BENCH_RUNS=N, BENCH_PAIRS=N, BENCH_PEER_SIZE=SIZE
  BENCH_KAFKA_SIZE=SIZE, BENCH_KAFKA_PAIRS=N (Apache Kafka, where make deps
                        fetched it: its consumer's fetch, plaintext and TLS)
  BENCH_RECV_SIZE=SIZE, BENCH_RECV_PAIRS=N (the receive side: zc-sink
                        --recv copy, mmap, splice, discard; 200M, 11)
  BENCH_PARTS="..."     some of its parts only: table, peers, cost (what the
                        instrument costs), kafka, receive; all unless given

To write results.md and .svg again from the data, measuring nothing:
tests/bench/render.sh (make bench-render).
EOF
}

main() {
	local s
	case ${1-} in
	-h | --help) usage; return 0 ;;
	-V | --version) echo "bench.sh $("$BUILD/zcviz" --version 2>/dev/null | cut -d' ' -f2)"; return 0 ;;
	"") ;;
	*) echo "$PROG: unknown argument '$1'; see tests/bench/bench.sh --help" >&2; exit 2 ;;
	esac
	[ $# -le 1 ] || { echo "$PROG: one argument at most; see tests/bench/bench.sh --help" >&2; exit 2; }
	[ "$(id -u)" = 0 ] || die "the benchmark needs root (the lab and zcviz): sudo make bench"
	methods_pick
	labels_make
	for s in iperf3 jq tmux; do
		command -v "$s" >/dev/null || die "$s is missing: sudo make deps"
	done
	mkdir -p "$OUT"
	"$LAB" cleanup >/dev/null 2>&1
	for s in $PARTS; do
		part_known "$s"
	done
	SIZES=$(sizes_that_fit)
	[ -n "$SIZES" ] || die "no size fits this machine"
	for s in $(part table && echo $SIZES) $PEER_SIZE $(part receive && echo $RECV_SIZE); do
		file_make "$s"
	done
	if part table || part peers || part cost; then
		lab_start on on
		lab_start off off
	fi
	! part table || { table_runs; table_copies; table_summary; }
	! part peers || peers
	! part cost || { overhead; programs_share; dashboard_cpu; }
	! part kafka || kafka
	! part receive || receive
	run_write
	progress "wrote $OUT/results.csv and the data beside it"
	printf '\n' >&2
	"$ROOT/tests/bench/render.sh" "$OUT" || exit 3 # it said why
}

main "$@"
