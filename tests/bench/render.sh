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
# and kafka-*.txt. It writes DIR/results.md and DIR/results.svg.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PROG=render

die() {
	echo "$PROG: $*" >&2
	exit 3
}

# ---- what bench.sh measured --------------------------------------------------

# What run.txt says, as the variables bench.sh had when it wrote the
# tables itself; KEY=VALUE lines, read as text (never run: a results
# directory may come from elsewhere).
RUN_KEYS="MACHINE DATE METHODS DEMOS LABELS RUNS PAIRS PEER_SIZE KAFKA_SIZE KAFKA_PAIRS"
run_read() {
	local k v
	for k in $RUN_KEYS; do printf -v "$k" '%s' ""; done
	while IFS='=' read -r k v; do
		case " $RUN_KEYS " in *" $k "*) printf -v "$k" '%s' "$v" ;; esac
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
	local f m need="results.csv copies.csv dashboard.txt peer-traditional.txt peer-dma-gather.txt" missing=""
	for m in $DEMOS; do need="$need overhead-$m.txt"; done
	[ -s "$OUT/kafka-none.txt" ] || need="$need kafka-plaintext.txt kafka-tls.txt"
	for f in $need; do
		[ -s "$OUT/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] || die "$OUT lacks$missing: not all of a run of tests/bench/bench.sh"
}

# ---- the tables --------------------------------------------------------------

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

write_md() {
	local m r runs
	{
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
		echo "## Apache Kafka: a consumer's fetch, plaintext and TLS"
		echo
		md_kafka
	} >"$OUT/results.md"
}

# ---- the chart ---------------------------------------------------------------

# Time and sender CPU against file size, a line per method (warm cache),
# drawn directly.
write_svg() {
	awk -F, -v methods="$METHODS" -v labels="$LABELS" '
	# Two panels, the same axes: time to send, and the CPU time of the sender,
	# against file size; both logarithmic (7M to 1G would squeeze the
	# small sizes into a corner), medians with min-max whiskers.
	NR > 1 && $4 == "warm" {
		k = $3 SUBSEP (++n[$3])
		mb[k] = $2 / 1048576
		med[1, k] = $6; lo[1, k] = $7; hi[1, k] = $8
		med[2, k] = $9; lo[2, k] = $10; hi[2, k] = $11
		grow(0, mb[k]); grow(1, $7); grow(1, $8); grow(2, $10); grow(2, $11)
	}
	function grow(a, v) {
		if (v <= 0) return
		if (!(a in min) || v < min[a]) min[a] = v
		if (!(a in max) || v > max[a]) max[a] = v
	}
	function log10(v) { return log(v) / log(10) }
	# the axis from a round value below the data to one above: 1, 2, 5 x 10^k
	function bounds(a,    d, m, t) {
		if (!(a in min)) { min[a] = 1; max[a] = 10 }
		lo_t[a] = 0; hi_t[a] = 0
		for (d = int(log10(min[a])) - 1; d <= int(log10(max[a])) + 1; d++)
			for (m = 1; m <= 5; m += (m == 1 ? 1 : 3)) {
				t = m * 10 ^ d
				if (t <= min[a]) lo_t[a] = t
				if (t >= max[a] && !hi_t[a]) hi_t[a] = t
			}
		if (!lo_t[a]) lo_t[a] = min[a]
		if (!hi_t[a] || hi_t[a] <= lo_t[a]) hi_t[a] = lo_t[a] * 10
	}
	function sx(v, x0) { return x0 + (log10(v) - log10(lo_t[0])) / (log10(hi_t[0]) - log10(lo_t[0])) * PW }
	function sy(v, a) { return Y0 + PH - (log10(v) - log10(lo_t[a])) / (log10(hi_t[a]) - log10(lo_t[a])) * PH }
	function label(v) { return v >= 1024 && v % 1024 == 0 ? (v / 1024) "G" : v }
	# ticks at 1, 2 and 5 x 10^k inside the axis, and their grid lines
	function ticks(a, x0,    d, m, t, p) {
		for (d = int(log10(lo_t[a])) - 1; d <= int(log10(hi_t[a])) + 1; d++)
			for (m = 1; m <= 5; m += (m == 1 ? 1 : 3)) {
				t = m * 10 ^ d
				if (t < lo_t[a] * 0.999 || t > hi_t[a] * 1.001) continue
				if (a == 0) {
					p = sx(t, x0)
					printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e3e3e3\"/>\n", p, Y0, p, Y0 + PH
					printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", p, Y0 + PH + 18, label(t)
				} else {
					p = sy(t, a)
					printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>\n", x0, p, x0 + PW, p
					printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", x0 - 6, p + 4, t
				}
			}
	}
	function panel(a, x0, title, unit,    j, m, i, k, pts, c, px, y1, y2) {
		printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"16\">%s</text>\n", x0 + PW / 2, Y0 - 14, title
		ticks(0, x0); ticks(a, x0)
		printf "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#555\"/>\n", x0, Y0, PW, PH
		printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">file size (MiB, log scale)</text>\n", x0 + PW / 2, Y0 + PH + 40
		printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 %d %d)\">%s</text>\n", x0 - 52, Y0 + PH / 2, x0 - 52, Y0 + PH / 2, unit
		for (j = 1; j <= nm; j++) {
			m = M[j]; c = color[(j - 1) % ncolor + 1]; pts = ""
			for (i = 1; i <= n[m]; i++) {
				k = m SUBSEP i
				if (med[a, k] <= 0) continue
				px = sx(mb[k], x0)
				pts = pts sprintf("%.1f,%.1f ", px, sy(med[a, k], a))
				y1 = sy(lo[a, k] > 0 ? lo[a, k] : med[a, k], a); y2 = sy(hi[a, k], a)
				printf "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fh6M%.1f %.1fh6\" stroke=\"%s\" stroke-width=\"1.5\" fill=\"none\"/>\n", px, y1, y2, px - 3, y1, px - 3, y2, c
			}
			printf "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" points=\"%s\"/>\n", c, pts
		}
	}
	END {
		# 12 colours that stay apart, on a screen and on a projector
		ncolor = split("#d62728 #ff7f0e #8c564b #1f77b4 #17becf #2ca02c #9467bd #e377c2 #7f7f7f #bcbd22 #393b79 #637939", color, " ")
		nl = split(labels, L, "|")
		for (i = 1; i <= nl; i++) { split(L[i], kv, ":"); name[kv[1]] = kv[2] }
		nm = split(methods, M, " ")
		bounds(0); bounds(1); bounds(2)
		PW = 420; PH = 330; Y0 = 70
		rows = int((nm + 2) / 3)
		H = Y0 + PH + 70 + rows * 22 + 20
		printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1060\" height=\"%d\" viewBox=\"0 0 1060 %d\" font-family=\"sans-serif\" font-size=\"13\">\n", H, H
		printf "<rect width=\"1060\" height=\"%d\" fill=\"white\"/>\n", H
		print "<text x=\"530\" y=\"28\" text-anchor=\"middle\" font-size=\"18\">Sending a file over TCP: warm page cache, median of runs, whiskers min to max</text>"
		panel(1, 90, "Time to send", "milliseconds (log scale)")
		panel(2, 610, "Sender CPU time", "milliseconds of CPU (log scale)")
		for (j = 1; j <= nm; j++) {
			x = 90 + ((j - 1) % 3) * 320; y = Y0 + PH + 74 + int((j - 1) / 3) * 22
			printf "<rect x=\"%d\" y=\"%d\" width=\"18\" height=\"5\" fill=\"%s\"/>\n", x, y - 6, color[(j - 1) % ncolor + 1]
			printf "<text x=\"%d\" y=\"%d\">%s</text>\n", x + 24, y, name[M[j]]
		}
		print "</svg>"
	}
	' "$OUT/results.csv" >"$OUT/results.svg"
}

usage() {
	cat <<EOF
Usage: tests/bench/render.sh [DIR]   (or: make bench-render)
       tests/bench/render.sh --help | --version

Writes DIR/results.md, the benchmark's tables, and DIR/results.svg, its
chart, from what tests/bench/bench.sh measured into DIR (default:
build/bench); measures nothing, needs no root.
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
	read -r DASH_ANIMATING DASH_PAUSED <"$OUT/dashboard.txt"
	write_md
	write_svg
	echo "$PROG: wrote $OUT/results.md and results.svg" >&2
}

main "$@"
