#!/usr/bin/env bash
# tests/bench/render.sh [DIR]: the benchmark's results.md and results.svg
# from what tests/bench/bench.sh measured into DIR (build/bench by
# default), measuring nothing: no root, no lab. bench.sh runs it at its
# end; run it alone to draw the chart again, or to read a run recorded
# elsewhere:
#
#   make bench-render                   # build/bench, the last make bench
#   tests/bench/render.sh DIR           # any directory bench.sh wrote
#
# DIR holds what bench.sh wrote: run.txt (the machine, the date, the
# methods in the tables' order with their names, the runs and sizes it
# was told), results.csv and copies.csv (the table), peer-*.txt (iperf3),
# overhead-*, programs-* and hooks-* (the instrument's cost), dashboard.txt
# and kafka-*.txt. It writes DIR/results.md and, with gnuplot (Debian's
# gnuplot-nox), DIR/chart.dat and DIR/results.svg, drawn by
# tests/bench/chart.gp; without gnuplot, the tables and a line that says
# the chart needs it. GNUPLOT=PATH runs another gnuplot.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PROG=render
GNUPLOT=${GNUPLOT:-gnuplot}

die() {
	echo "$PROG: $*" >&2
	exit 3
}

# ---- what bench.sh measured --------------------------------------------------

# What run.txt says, as the variables bench.sh had when it wrote the
# tables itself; KEY=VALUE lines, read as text (never run: a results
# directory may come from elsewhere).
RUN_KEYS="MACHINE DATE METHODS DEMOS LABELS RUNS PAIRS PEER_SIZE KAFKA_SIZE KAFKA_PAIRS"
RUN_KEYS_LATER="PARTS RECV_SIZE RECV_PAIRS" # a run of an older bench.sh has none
run_read() {
	local k v
	for k in $RUN_KEYS $RUN_KEYS_LATER; do printf -v "$k" '%s' ""; done
	while IFS='=' read -r k v; do
		case " $RUN_KEYS $RUN_KEYS_LATER " in *" $k "*) printf -v "$k" '%s' "$v" ;; esac
	done <"$OUT/run.txt"
	for k in $RUN_KEYS; do
		[ -n "${!k}" ] || die "$OUT/run.txt does not say $k"
	done
}

# The files the tables read, so that a directory that is not bench.sh's,
# or one it did not finish, is refused with what it lacks instead of
# being half rendered. (programs-*, hooks-* and peer-short.txt may be
# empty or absent: their rows or line are left out.)
data_check() {
	local f m need="" missing=""
	! part table || need="$need results.csv copies.csv"
	! part peers || need="$need peer-traditional.txt peer-dma-gather.txt"
	! part cost || need="$need dashboard.txt"
	! part cost || for m in $DEMOS; do need="$need overhead-$m.txt"; done
	! part kafka || [ -s "$OUT/kafka-none.txt" ] || need="$need kafka-plaintext.txt kafka-tls.txt"
	! part receive || need="$need receive.csv"
	for f in $need; do
		[ -s "$OUT/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] || die "$OUT lacks$missing: not all of a run of tests/bench/bench.sh"
}

# ---- the tables --------------------------------------------------------------

# part NAME: did the run run part NAME? (a run of an older bench.sh ran
# every part but the receive side)
part() {
	case " ${PARTS:-table peers cost kafka} " in *" $1 "*) return 0 ;; esac
	return 1
}

# ratio_stats FILE: "median min max" of the ratios in FILE
ratio_stats() {
	sort -g "$1" | awk '{ a[NR] = $1 } END {
		m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		printf "%.3f %.3f %.3f\n", m, a[1], a[NR] }'
}

# The table of hooks: for each demo and hook, medians over the runs (with
# min-max) of its runs, our ns per run, the empty program's, their ratio;
# then per demo our share of the transfer and the empty programs' share.
hooks_table() {
	local m
	echo "| demo | hook | runs | ours, ns/run | empty, ns/run | ours / empty | ours, % of the transfer | empty, % |"
	echo "|---|---|---|---|---|---|---|---|"
	for m in $DEMOS; do
		[ -s "$OUT/hooks-$m.txt" ] || continue
		awk -v m="$m" '
		function med(s,    n, a, i, j, t) {
			n = split(s, a, " ")
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			lo = a[1]; hi = a[n]
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		function cell(s, fmt,    v) { v = med(s); return sprintf(fmt " (" fmt "-" fmt ")", v, lo, hi) }
		{
			if (!($2 in seen)) { seen[$2] = 1; order[++nh] = $2 }
			runs[$2] = runs[$2] " " $3
			ours[$2] = ours[$2] " " $4 / $3
			if ($5 > 0) { empty[$2] = empty[$2] " " $6 / $5; ratio[$2] = ratio[$2] " " ($4 / $3) / ($6 / $5) }
			tot[$1] += $4; etot[$1] += $6; el[$1] = $7
		}
		END {
			for (r in tot) { share = share " " 100 * tot[r] / el[r]; eshare = eshare " " 100 * etot[r] / el[r] }
			for (i = 1; i <= nh; i++) {
				h = order[i]
				printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", i == 1 ? m : "", h,
					cell(runs[h], "%.0f"), cell(ours[h], "%.0f"),
					h in empty ? cell(empty[h], "%.0f") : "not measured",
					h in ratio ? cell(ratio[h], "%.2f") : "-",
					i == 1 ? cell(share, "%.2f") : "", i == 1 ? cell(eshare, "%.2f") : ""
			}
		}' "$OUT/hooks-$m.txt"
	done
}

# column_stats FILE N: "median min max" of column N of FILE
column_stats() {
	awk -v n="$2" '{ print $n }' "$1" | ratio_stats /dev/stdin
}

# md_kafka: the Kafka rows, or why there are none
md_kafka() {
	local l r
	if [ -s "$OUT/kafka-none.txt" ]; then
		cat "$OUT/kafka-none.txt"
		return
	fi
	echo "demos/kafka.sh: one broker, $KAFKA_SIZE of records, one consumer; $KAFKA_PAIRS runs each,"
	echo "in turn; medians with min-max; the broker's CPU and copies as zcviz -p saw them."
	echo
	echo "| listener | consumer MB/s | broker CPU, ms per GB | broker CPU copies per fetched byte |"
	echo "|---|---|---|---|"
	for l in plaintext tls; do
		r="$(column_stats "$OUT/kafka-$l.txt" 1 | awk '{ printf "%.1f (%.1f-%.1f)", $1, $2, $3 }')"
		r="$r | $(column_stats "$OUT/kafka-$l.txt" 2 | awk '{ printf "%.0f (%.0f-%.0f)", $1, $2, $3 }')"
		r="$r | $(column_stats "$OUT/kafka-$l.txt" 3 | awk '{ printf "%.4f (%.4f-%.4f)", $1, $2, $3 }')"
		echo "| $l | $r |"
	done
}

# md_receive: the receiver's CPU per MB, each way it can take the bytes,
# fed by each sender; against copy's in the same run (a run of an older
# bench.sh has no receive.csv, and its tables stay as they were)
md_receive() {
	echo "## The receive side: the receiver's CPU, each way it takes the bytes"
	echo
	echo "zc-sink --recv MODE on one lab (MTU 4148: a page of payload a segment, what mmap"
	echo "needs), $RECV_SIZE a transfer, $RECV_PAIRS rounds through every sender and mode; the receiver's"
	echo "CPU time by its own clock (getrusage()), ms per MB, medians with min-max; against copy:"
	echo "the median of copy's, fed by the same sender, over this one's."
	echo
	echo "| sender, receiver | CPU, ms per MB | copy's / this |"
	echo "|---|---|---|"
	awk -F, '
	function stats(s,    n, a, i, j, t) {
		n = split(s, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		lo = a[1]; hi = a[n]
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	NR > 1 {
		if (!($1 in seen)) { seen[$1] = 1; senders[++ns] = $1 }
		v[$1, $2] = v[$1, $2] " " $3
	}
	END {
		nm = split("copy mmap splice discard", modes, " ")
		for (i = 1; i <= ns; i++) for (k = 1; k <= nm; k++) {
			if (!((senders[i], modes[k]) in v)) continue
			m = stats(v[senders[i], modes[k]]); l = lo; h = hi
			c = stats(v[senders[i], "copy"])
			printf "| %s into %s | %.3f (%.3f-%.3f) | %s |\n", senders[i], modes[k], m, l, h,
				(m > 0 ? sprintf("%.2f", c / m) : "-")
		}
	}' "$OUT/receive.csv"
}

label() { # label METHOD
	tr '|' '\n' <<<"$LABELS" | sed -n "s/^$1://p"
}

# md_header UNIT [LAST]: the head of a table with a column per method
md_header() {
	local m cols=""
	for m in $METHODS; do cols="$cols $(label "$m")$1 |"; done
	[ -n "$2" ] && cols="$cols $2 |"
	echo "| file size |$cols"
	echo "|---|$(sed 's/[^|]*|/---|/g' <<<"$cols")"
}

# md_table CACHE: one row per size, median ms (min-max) per method; the
# article's comparison last, in C and, with a JDK, in Java
md_table() {
	local java=""
	case " $METHODS " in *" java-stream-4k "*" java-transferto "*) java=1 ;; esac
	md_header " (ms)" "sendfile + gather vs read+write 4K${java:+ | Java: transferTo vs stream 4K}"
	awk -F, -v cache="$1" -v methods="$METHODS" -v java="$java" '
	NR > 1 && $4 == cache {
		if (!($1 in seen)) { order[++n] = $1; seen[$1] = 1 }
		cell[$1, $3] = sprintf("%.1f (%.1f-%.1f)", $6, $7, $8)
		rel[$1, $3] = $17
	}
	END {
		nm = split(methods, M, " ")
		for (i = 1; i <= n; i++) {
			printf "| %s |", order[i]
			for (j = 1; j <= nm; j++) printf " %s |", cell[order[i], M[j]]
			printf " %.0f %% less time |", 100 * (1 - rel[order[i], "dma-gather"])
			if (java)
				printf " %.0f %% less time |", 100 * (1 - rel[order[i], "java-transferto"] / rel[order[i], "java-stream-4k"])
			printf "\n"
		}
	}' "$OUT/results.csv"
}

# md_cpu CACHE: the sender's CPU time (user + system), median ms per method
md_cpu() {
	md_header "" ""
	awk -F, -v cache="$1" -v methods="$METHODS" '
	NR > 1 && $4 == cache {
		if (!($1 in seen)) { order[++n] = $1; seen[$1] = 1 }
		cell[$1, $3] = sprintf("%.1f", $9)
	}
	END {
		nm = split(methods, M, " ")
		for (i = 1; i <= n; i++) {
			printf "| %s |", order[i]
			for (j = 1; j <= nm; j++) printf " %s |", cell[order[i], M[j]]
			printf "\n"
		}
	}' "$OUT/results.csv"
}

md_copies() {
	local m
	printf '| method | CPU copies per byte | syscalls for the largest file |\n|---|---|---|\n'
	for m in $METHODS; do
		awk -F, -v m="$m" -v l="$(label "$m")" '$2 == m { c = $3; s = $4 }
			END { printf "| %s | %s | %s |\n", l, c, s }' "$OUT/copies.csv"
	done
}

# The run, and the table's three views of it: time, CPU, copies.
md_times() {
	echo "# zerocopy-lab benchmark"
	echo
	echo "Machine: $MACHINE. $DATE."
	echo "Path: the lab (two network namespaces joined by a veth pair); the receiver"
	echo "is zc-sink, which checksums every byte. $RUNS runs of each cell, in rotation;"
	echo "each cell is the median in ms, with the fastest and slowest run."
	echo
	echo "## Warm page cache"
	echo
	md_table warm
	echo
	echo "## Cold page cache (evicted before each run: the file comes from disk)"
	echo
	md_table cold
	echo
	echo "## Sender CPU time, warm (user + system, median ms)"
	echo
	case " $METHODS " in
	*" java-"*) echo "A Java row's sender CPU is the whole JVM's, its start-up and compiler included."
		echo ;;
	esac
	md_cpu warm
	echo
	echo "## CPU copies, as zcviz measured them"
	echo
	md_copies
	echo
}

# Ours against iperf3, side by side.
md_peers() {
	local r
	echo "## Against iperf3 on the same path ($PEER_SIZE file, $PAIRS alternating pairs)"
	echo
	echo "Both timed by one stopwatch, from the client's start to its exit, each"
	echo "ending when its receiver has every byte and said so (ours checks the"
	echo "checksum; iperf3 exchanges its results); ratios of throughput."
	[ ! -s "$OUT/peer-short.txt" ] || awk '{ if ($3 > m[$2]) m[$2] = $3 } END {
		for (k in m) if (m[k] > 0) printf "iperf3 %s said it sent up to %d bytes less than the file; its times are taken as they are.\n", k, m[k] }' "$OUT/peer-short.txt"
	echo
	echo "| ours / iperf3 throughput | median | min | max |"
	echo "|---|---|---|---|"
	r=$(ratio_stats "$OUT/peer-traditional.txt")
	echo "| zc-traditional / iperf3 -F | ${r// / | } |"
	r=$(ratio_stats "$OUT/peer-dma-gather.txt")
	echo "| zc-dma-gather / iperf3 -F -Z | ${r// / | } |"
	echo
}

# What the instrument costs: the transfer, its programs, each hook, the
# dashboard.
md_cost() {
	local m r runs
	echo "## What the instrument costs ($PEER_SIZE file, $PAIRS alternating pairs)"
	echo
	echo "| demo | throughput with zcviz / without: median | min | max |"
	echo "|---|---|---|---|"
	for m in $DEMOS; do
		r=$(ratio_stats "$OUT/overhead-$m.txt")
		echo "| $m | ${r// / | } |"
	done
	echo
	echo "The instrument's programs' own CPU time (bpf_enable_stats, while zcviz runs), in % of"
	echo "the transfer's time, over $RUNS runs:"
	echo
	echo "| demo | programs' CPU, % of the transfer: median | min | max | program runs (median) |"
	echo "|---|---|---|---|---|"
	for m in $DEMOS; do
		[ -s "$OUT/programs-$m.pct" ] || continue
		r=$(ratio_stats "$OUT/programs-$m.pct")
		runs=$(ratio_stats "$OUT/programs-$m.runs")
		echo "| $m | ${r// / | } | ${runs%%.*} |"
	done
	echo
	echo "Each hook, ours against an empty program on the same hook in the same runs (the"
	echo "cheapest a program there can be), medians over $RUNS runs with min-max; the shares add"
	echo "up every hook's time (the empty programs' too: they ran beside ours):"
	echo
	hooks_table
	echo
	echo "The dashboard's own CPU: ${DASH_ANIMATING}% of one CPU while animating"
	echo "(4 syscalls a second), ${DASH_PAUSED}% while paused."
	echo
}

write_md() {
	{
		# md_times says where and when; without it, a line of its own
		part table || printf 'Machine: %s. %s.\n\n' "$MACHINE" "$DATE"
		! part table || md_times
		! part peers || md_peers
		! part cost || md_cost
		if part kafka; then
			echo "## Apache Kafka: a consumer's fetch, plaintext and TLS"
			echo
			md_kafka
			! part receive || echo
		fi
		! part receive || md_receive
	} >"$OUT/results.md"
}

# ---- the chart ---------------------------------------------------------------

# chart_data: chart.gp's input, a block a method in the tables' order,
# headed by its name: its warm rows, MiB, then the time's and the sender
# CPU's median, min and max. A log axis has no 0: a whisker that would
# reach it starts at the median, and a median of 0 is left out (NaN).
chart_data() {
	local m sep=""
	for m in $METHODS; do
		printf '%b"%s"\n' "$sep" "$(label "$m")"
		sep='\n\n'
		awk -F, -v m="$m" '
		function pos(v) { return v > 0 ? v : "NaN" }
		NR > 1 && $3 == m && $4 == "warm" {
			printf "%g %s %s %s %s %s %s\n", $2 / 1048576,
				pos($6), ($7 > 0 ? $7 : pos($6)), $8, pos($9), ($10 > 0 ? $10 : pos($9)), $11
		}' "$OUT/results.csv"
	done >"$OUT/chart.dat"
}

write_svg() {
	chart_data
	"$GNUPLOT" -c "$ROOT/tests/bench/chart.gp" "$OUT/chart.dat" "$OUT/results.svg" ||
		die "gnuplot could not draw $OUT/results.svg from $OUT/chart.dat"
}

# no_svg: without gnuplot, one line says what to install, and no chart of
# an older run stays beside the new tables
no_svg() {
	rm -f "$OUT/results.svg" "$OUT/chart.dat"
	echo "$PROG: no chart: it needs gnuplot (Debian's gnuplot-nox; sudo make deps installs it)" >&2
}

usage() {
	cat <<EOF
Usage: tests/bench/render.sh [DIR]   (or: make bench-render)
       tests/bench/render.sh --help | --version

Writes DIR/results.md, the benchmark's tables, and DIR/results.svg, its
chart (with gnuplot: Debian's gnuplot-nox), from what tests/bench/bench.sh
measured into DIR (default: build/bench); measures nothing, needs no root.
GNUPLOT=PATH runs another gnuplot.
EOF
}

main() {
	case ${1-} in
	-h | --help) usage; return 0 ;;
	-V | --version) echo "render.sh $("$ROOT/build/zcviz" --version 2>/dev/null | cut -d' ' -f2)"; return 0 ;;
	-*) echo "$PROG: unknown option '$1'; see tests/bench/render.sh --help" >&2; exit 2 ;;
	esac
	[ $# -le 1 ] || { echo "$PROG: one directory at most; see tests/bench/render.sh --help" >&2; exit 2; }
	OUT=${1:-$ROOT/build/bench}
	[ -f "$OUT/run.txt" ] || die "$OUT/run.txt is missing: not a directory tests/bench/bench.sh wrote (sudo make bench)"
	run_read
	data_check
	! part cost || read -r DASH_ANIMATING DASH_PAUSED <"$OUT/dashboard.txt"
	write_md
	if ! part table; then
		rm -f "$OUT/results.svg" "$OUT/chart.dat" # no chart of another run
		echo "$PROG: wrote $OUT/results.md (the parts it ran: $PARTS)" >&2
	elif command -v "$GNUPLOT" >/dev/null; then
		write_svg
		echo "$PROG: wrote $OUT/results.md and results.svg" >&2
	else
		no_svg
		echo "$PROG: wrote $OUT/results.md" >&2
	fi
}

main "$@"
