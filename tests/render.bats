#!/usr/bin/env bats
# tests/bench/render.sh turns what make bench measured into its tables and
# chart, measuring nothing: no root, no lab. Its input is a fixture, a run
# of bench.sh in miniature (tests/fixtures/bench/README.md says where each
# figure comes from), and its tables must be what bench.sh wrote of the
# same data before the rendering was split out of it, byte for byte.

setup() {
	load test_helper/common-setup
	_common_setup
	FIXTURE=$ROOT/tests/fixtures/bench
	DIR=$BATS_TEST_TMPDIR/bench
	cp -r "$FIXTURE/data" "$DIR"
}

render() { # render [ENV...]: render.sh on DIR, under bats' run
	run env "$@" "$ROOT/tests/bench/render.sh" "$DIR"
}

needs_gnuplot() { # (GNUPLOT, which render.sh runs, may name another)
	command -v "${GNUPLOT:-gnuplot}" >/dev/null || skip "needs gnuplot (sudo make deps installs gnuplot-nox)"
}

# c_only DIR: the same run as a machine without a JDK or Apache Kafka
# would have measured it: no java-* rows, methods or files, and the line
# that says why there are no Kafka rows
c_only() {
	sed -i '/,java-/d' "$1/results.csv" "$1/copies.csv"
	sed -i -e '/^METHODS=\|^DEMOS=/s/ java-[a-z0-9-]*//g' -e '/^LABELS=/s/|java-[^|]*//g' "$1/run.txt"
	rm -f "$1"/*-java-* "$1"/kafka-*.txt
	echo "Apache Kafka's jars or kcat are missing (sudo make deps): no Kafka rows" >"$1/kafka-none.txt"
}

# svg_group ID: the lines of the chart's plot group ID (gnuplot_plot_3a:
# panel a's third plot), to the </g> that closes it
svg_group() {
	awk -v id="<g id=\"$1\"" 'index($0, id) { depth = 1; next }
		depth { depth += gsub(/<g[ >]/, "&") - gsub(/<\/g>/, "&"); print; if (depth <= 0) exit }' "$DIR/results.svg"
}

# count PATTERN: how many times an extended regex matches in stdin
count() {
	grep -oE -- "$1" | wc -l
}

# ticks ANCHOR: the chart's numbered tick labels that have this
# text-anchor (middle: the x axes', end: the y axes'), "label x y" each
ticks() {
	awk -v a="text-anchor=\"$1\"" '
	index($0, a) && match($0, /translate\([0-9.]+,[0-9.]+\)/) { t = substr($0, RSTART + 10, RLENGTH - 11); next }
	t != "" && match($0, /<text> [0-9]+<\/text>/) { split(t, p, ","); print substr($0, RSTART + 7, RLENGTH - 14), p[1], p[2] }
	{ t = "" }' "$DIR/results.svg"
}

# log_scale COLUMN: whether, in "label x y" lines, the ticks 10, 100 and
# 1000 sit a decade apart each, the same distance (in x or y, COLUMN 2 or 3)
log_scale() {
	awk -v c="$1" '{ p[$1] = $c } END {
		a = p[100] - p[10]; b = p[1000] - p[100]
		exit !((10 in p) && (100 in p) && (1000 in p) && a * a > 1 && (a - b) * (a - b) < 0.01) }'
}

@test "render.sh writes the tables bench.sh wrote before the split, from the same data" {
	render
	assert_success
	assert_output --partial "render: wrote $DIR/results.md"
	run diff "$FIXTURE/results.md" "$DIR/results.md"
	assert_success
	# and they are the tables: the article's comparison, in C and Java
	run cat "$DIR/results.md"
	assert_line --regexp "^\| file size \|.* sendfile \+ gather vs read\+write 4K \| Java: transferTo vs stream 4K \|$"
	assert_line "| tls | 108.5 (93.9-116.1) | 11836 (10212-12528) | 1.9950 (1.9940-1.9980) |"
}

@test "without a JDK or Kafka, render.sh writes the tables bench.sh wrote before the split" {
	c_only "$DIR"
	render
	assert_success
	run diff "$FIXTURE/results-c-only.md" "$DIR/results.md"
	assert_success
	run cat "$DIR/results.md"
	refute_output --partial "Java"
	assert_line "Apache Kafka's jars or kcat are missing (sudo make deps): no Kafka rows"
}

@test "the chart: valid SVG, two panels on log axes, a line and a whisker a size for each method" {
	needs_gnuplot
	local methods i labels
	methods=$(sed -n 's/^METHODS=//p' "$DIR/run.txt" | wc -w)
	render
	assert_success
	assert_output "render: wrote $DIR/results.md and results.svg"
	run -0 xmllint --noout "$DIR/results.svg"
	run cat "$DIR/results.svg"
	for what in "Sending a file over TCP: warm page cache, median of runs, whiskers min to max" \
		"Time to send" "Sender CPU time" "milliseconds (log scale)" "milliseconds of CPU (log scale)"; do
		assert_line --partial "<text>$what</text>"
	done
	assert_equal "$(count '<text>file size \(MiB, log scale\)</text>' <<<"$output")" 2
	# the key names every method once, in the tables' order
	labels=$(sed -n 's/^LABELS=//p' "$DIR/run.txt" | tr '|' '\n' | sed 's/^[^:]*://')
	assert_equal "$(sed -n 's:^\t*<text>\(.*\)</text>$:\1:p' "$DIR/results.svg" | grep -Fx -f <(echo "$labels"))" "$labels"
	# per panel (a, b) and method: its whiskers (3 strokes each: two caps
	# and the stem), then its line through the 3 sizes' medians (panel a's
	# also draws the method's sample in the key)
	for i in $(seq "$methods"); do
		assert_equal "$(svg_group "gnuplot_plot_${i}a" | count 'M[0-9]')" 9
		assert_equal "$(svg_group "gnuplot_plot_${i}b" | count 'M[0-9]')" 9
		assert_equal "$(svg_group "gnuplot_plot_$((methods + i))a" | count 'L[0-9]')" 3
		assert_equal "$(svg_group "gnuplot_plot_$((methods + i))b" | count 'L[0-9]')" 2
	done
	assert_equal "$(grep -c '<g id="gnuplot_plot_' "$DIR/results.svg")" $((4 * methods))
	# log axes, from a round value below the data to one above: 7M to 1G
	# on 5 to 2000 MiB; in each panel, a decade as long as the next
	run ticks middle
	assert_equal "$(awk '$2 < 530 { printf "%s ", $1 }' <<<"$output")" "5 10 20 50 100 200 500 1000 2000 "
	awk '$2 < 530' <<<"$output" | log_scale 2 || fail "panel a's x axis is not logarithmic"
	awk '$2 > 530' <<<"$output" | log_scale 2 || fail "panel b's x axis is not logarithmic"
	run ticks end
	assert_equal "$(awk '$2 < 530 { printf "%s ", $1 }' <<<"$output")" "2 5 10 20 50 100 200 500 1000 2000 5000 10000 "
	awk '$2 < 530' <<<"$output" | log_scale 3 || fail "panel a's y axis is not logarithmic"
	awk '$2 > 530' <<<"$output" | log_scale 3 || fail "panel b's y axis is not logarithmic"
}

@test "without gnuplot: the tables, one line that says what to install, and no chart of an older run" {
	echo '<svg>an older run</svg>' >"$DIR/results.svg"
	render GNUPLOT=/nonexistent/gnuplot
	assert_success
	assert_output "render: no chart: it needs gnuplot (Debian's gnuplot-nox; sudo make deps installs it)
render: wrote $DIR/results.md"
	run diff "$FIXTURE/results.md" "$DIR/results.md"
	assert_success
	assert_file_not_exists "$DIR/results.svg"
}

@test "a directory bench.sh did not write, or did not finish, is refused with what it lacks" {
	local empty=$BATS_TEST_TMPDIR/empty
	mkdir "$empty"
	run "$ROOT/tests/bench/render.sh" "$empty"
	assert_failure 3
	assert_output "render: $empty/run.txt is missing: not a directory tests/bench/bench.sh wrote (sudo make bench)"
	rm "$DIR/overhead-mmap.txt" "$DIR/kafka-tls.txt"
	render
	assert_failure 3
	assert_output "render: $DIR lacks overhead-mmap.txt kafka-tls.txt: not all of a run of tests/bench/bench.sh"
	assert_file_not_exists "$DIR/results.md"
	sed -i '/^RUNS=/d' "$DIR/run.txt"
	render
	assert_failure 3
	assert_output "render: $DIR/run.txt does not say RUNS"
}

@test "make bench-render draws make bench's data again; render.sh --help; a wrong argument" {
	local build=$BATS_TEST_TMPDIR/build
	mkdir "$build"
	mv "$DIR" "$build/bench"
	run -0 make -C "$ROOT" --no-print-directory BUILD="$build" bench-render
	assert_output --partial "render: wrote $build/bench/results.md"
	run diff "$FIXTURE/results.md" "$build/bench/results.md"
	assert_success
	run -0 "$ROOT/tests/bench/render.sh" --help
	assert_line --regexp "^Usage: tests/bench/render.sh \[DIR\]"
	run -2 "$ROOT/tests/bench/render.sh" --no-such-option
	assert_output "render: unknown option '--no-such-option'; see tests/bench/render.sh --help"
	run -2 "$ROOT/tests/bench/render.sh" a b
	assert_output "render: one directory at most; see tests/bench/render.sh --help"
}

@test "a run of the receive side alone (BENCH_PARTS=receive): its table, medians with min-max and copy's against each, and no chart" {
	local d=$BATS_TEST_TMPDIR/recv
	mkdir -p "$d"
	grep -vE '^(PARTS|RECV_SIZE|RECV_PAIRS)=' "$DIR/run.txt" >"$d/run.txt"
	printf 'PARTS=receive\nRECV_SIZE=200M\nRECV_PAIRS=3\n' >>"$d/run.txt"
	cat >"$d/receive.csv" <<CSV
sender,mode,receiver_cpu_ms_per_mb
msg-zerocopy,copy,0.6
msg-zerocopy,mmap,0.2
msg-zerocopy,copy,0.2
msg-zerocopy,mmap,0.1
msg-zerocopy,copy,0.4
msg-zerocopy,mmap,0.3
CSV
	run -0 "$ROOT/tests/bench/render.sh" "$d"
	assert_output "render: wrote $d/results.md (the parts it ran: receive)"
	run cat "$d/results.md"
	assert_line --index 0 --regexp "^Machine: .*\. [0-9]{4}-[0-9]{2}-[0-9]{2}\.$"
	assert_line --index 1 "## The receive side: the receiver's CPU, each way it takes the bytes"
	assert_line "| msg-zerocopy into copy | 0.400 (0.200-0.600) | 1.00 |"
	assert_line "| msg-zerocopy into mmap | 0.200 (0.100-0.300) | 2.00 |"
	assert_output --partial "200M a transfer, 3 rounds"
	refute_output --partial "Apache Kafka"
	assert_file_not_exists "$d/results.svg"
}
