#!/usr/bin/env bats
# make bench writes its three files with every column, medians over the
# runs, and skips the sizes that do not fit. Quick mode, tiny sizes; no
# timing is asserted here: the benchmark measures, the tests do not.
# (tests/render.bats checks the tables and the chart that render.sh, run
# at its end, makes of a fixed run, without the lab.)

setup() {
	load test_helper/common-setup
	_common_setup
	require_bpf
	command -v iperf3 >/dev/null || skip "needs iperf3 (sudo make deps)"
}

teardown() {
	no_bpf_left
	no_lab_left
}

@test "BENCH_QUICK=1 make bench writes the table, the CSV and the chart" {
	local out="$ROOT/build/bench"
	rm -f "$out/results.csv" "$out/run.txt" "$out/results.md" "$out/results.svg" "$out/chart.dat"
	local stats
	stats=$(sysctl -n kernel.bpf_stats_enabled)
	# the fewest pairs that still have a spread, and Kafka once: the
	# format is what is checked here, not the figures
	run -0 env BENCH_QUICK=1 BENCH_SIZES="1M 2M 100000G" BENCH_PEER_SIZE=2M \
		BENCH_PAIRS=2 BENCH_KAFKA_PAIRS=1 BENCH_RECV_PAIRS=1 BENCH_RECV_SIZE=2M \
		make -C "$ROOT" --no-print-directory bench
	assert_output --partial "skipping 100000G: it does not fit"
	# render.sh drew the chart, where gnuplot is (an extra of make deps),
	# or said in one line that it needs it
	local gnuplot=0
	if command -v gnuplot >/dev/null; then
		gnuplot=1
		assert_line --regexp "^render: wrote .*/build/bench/results.md and results.svg$"
	else
		assert_line "render: no chart: it needs gnuplot (Debian's gnuplot-nox; sudo make deps installs it)"
		assert_line --regexp "^render: wrote .*/build/bench/results.md$"
	fi
	# it measured its programs with bpf_stats, and left the setting as it was
	assert_equal "$(sysctl -n kernel.bpf_stats_enabled)" "$stats"
	assert_file_exists "$out/results.csv"
	assert_file_exists "$out/run.txt"
	assert_file_exists "$out/results.md"

	run head -n 1 "$out/results.csv"
	assert_output "size,bytes,method,cache,runs,elapsed_ms_median,elapsed_ms_min,elapsed_ms_max,sender_cpu_ms_median,sender_cpu_ms_min,sender_cpu_ms_max,receiver_cpu_ms_median,receiver_cpu_ms_min,receiver_cpu_ms_max,syscalls,cpu_copies_per_byte,time_vs_traditional_4k"
	# 2 sizes x (read+write 4K, in Java too, and every demo) x warm and
	# cold, over 3 runs each
	# (without a JVM, the C ones only)
	local java=1 four_k="traditional-4k java-stream-4k" demos
	zc-java-stream --check 2>/dev/null || { java=0 four_k=traditional-4k; }
	demos=$(runnable_demos)
	local methods=$(wc -w <<<"$four_k $demos")
	assert_equal "$(tail -n +2 "$out/results.csv" | wc -l)" $((2 * methods * 2))
	assert_equal "$(cut -d, -f5 "$out/results.csv" | tail -n +2 | sort -u)" 3
	for m in $four_k $demos; do
		grep -q ",$m,warm," "$out/results.csv" || fail "no warm row for $m"
		grep -q ",$m,cold," "$out/results.csv" || fail "no cold row for $m"
	done
	# copies per byte from zcviz: the theory of each demo's row on its lab's
	# device (2 for read+write 4K, in C and Java, then the demos')
	local theory
	theory="$(for m in $four_k; do printf '2 '; done)$(for m in $demos; do demos_list | awk -F'\t' -v d="$m" '$1 == d { printf "%s ", $9 }'; done)"
	assert_equal "$(awk -F, '$1 == "2M" && $4 == "warm" { printf "%s ", $16 }' "$out/results.csv")" "$theory"

	run cat "$out/results.md"
	for what in "## Warm page cache" "## Cold page cache" "## CPU copies, as zcviz measured them" \
		"zc-traditional / iperf3 -F" "zc-dma-gather / iperf3 -F -Z" \
		"## What the instrument costs" "The dashboard's own CPU" "Machine: Linux" \
		"The instrument's programs' own CPU time" \
		"| demo | hook | runs | ours, ns/run | empty, ns/run | ours / empty |"; do
		assert_output --partial "$what"
	done
	# the receive side: each receiver, fed by each of its two senders
	assert_output --partial "## The receive side: the receiver's CPU, each way it takes the bytes"
	for m in copy mmap splice discard; do
		assert_line --regexp "^\| (dma-gather|msg-zerocopy) into $m \| [0-9.]+ \([0-9.]+-[0-9.]+\) \| [0-9.]+ \|$"
	done
	assert_equal "$(tail -n +2 "$out/receive.csv" | wc -l)" 8
	assert_file_not_exists "$out/recv-splice.bin"
	# every hook's cost against an empty program on it, in the same runs
	assert_line --regexp "^\| traditional \| sys_enter \| [0-9]+ \([0-9]+-[0-9]+\) \| [0-9]+ \([0-9]+-[0-9]+\) \| [0-9]+ \([0-9]+-[0-9]+\) \| [0-9.]+ \([0-9.]+-[0-9.]+\) \| [0-9.]+ \([0-9.]+-[0-9.]+\) \| [0-9.]+ \([0-9.]+-[0-9.]+\) \|$"
	assert_line --regexp "^\| 2M \| [0-9.]+ \([0-9.]+-[0-9.]+\) \|"
	# the article's comparison, in C and in its own Java
	[ "$java" = 0 ] || assert_line --regexp "^\| file size \|.* sendfile \+ gather vs read\+write 4K \| Java: transferTo vs stream 4K \|$"
	[ "$java" = 0 ] || assert_line --regexp "^\| 2M \|.* % less time \| -?[0-9]+ % less time \|$"
	assert_line --regexp "^\| sendfile \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9]+ \|$"
	# Apache Kafka's fetch, where make deps fetched it: plaintext by page
	# reference, TLS copied twice; or a line saying why there are none
	if compgen -G "$ROOT/build/kafka/lib/kafka_2.13-*.jar" >/dev/null && command -v kcat >/dev/null; then
		assert_line --regexp "^\| plaintext \| [0-9.]+ \([0-9.]+-[0-9.]+\) \| [0-9]+ \([0-9]+-[0-9]+\) \| 0\.00[0-9]{2} \(0\.00[0-9]{2}-0\.0[01][0-9]{2}\) \|$"
		assert_line --regexp "^\| tls \| [0-9.]+ \([0-9.]+-[0-9.]+\) \| [0-9]+ \([0-9]+-[0-9]+\) \| (1\.9|2\.0)[0-9]{3} \("
	else
		assert_line "Apache Kafka's jars or kcat are missing (sudo make deps): no Kafka rows"
	fi

	# the chart: well-formed SVG, two panels (time, sender CPU) on log
	# axes; in each, gnuplot's group of each method's whiskers, then of its
	# line; the first method's whiskers, two caps and a stem at each size
	# whose runs spread (gnuplot draws no whisker of length 0)
	[ "$gnuplot" = 1 ] || { assert_file_not_exists "$out/results.svg"; return; }
	run -0 xmllint --noout "$out/results.svg"
	run cat "$out/results.svg"
	assert_line --partial "<text>Time to send</text>"
	assert_line --partial "<text>Sender CPU time</text>"
	assert_line --partial "<text>file size (MiB, log scale)</text>"
	assert_equal "$(grep -c '<g id="gnuplot_plot_[0-9]*a"' "$out/results.svg")" $((2 * methods))
	assert_equal "$(grep -c '<g id="gnuplot_plot_[0-9]*b"' "$out/results.svg")" $((2 * methods))
	assert_equal "$(awk '/<g id="gnuplot_plot_1a"/ { f = 1 } /<g id="gnuplot_plot_2a"/ { exit } f' "$out/results.svg" | grep -oE 'M[0-9]' | wc -l)" \
		"$(awk -F, '$3 == "traditional-4k" && $4 == "warm" && ($7 > 0 ? $7 : $6) != $8 { n += 3 } END { print n + 0 }' "$out/results.csv")"
}

@test "make bench without a JVM says it leaves the Java rows out, and why" {
	# (make's own status for a recipe that failed: 2; the script's was 3)
	run -2 env ZC_JAVA=/nonexistent/java BENCH_QUICK=1 BENCH_SIZES=100000G \
		make -C "$ROOT" --no-print-directory bench
	assert_line --regexp "^bench: skipping the Java rows \(java-[a-z -]+\): no Java here \(/nonexistent/java: No such file or directory\); install a JDK"
	assert_output --partial "no size fits this machine"
}
