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

# c_only DIR: the same run as a machine without a JDK or Apache Kafka
# would have measured it: no java-* rows, methods or files, and the line
# that says why there are no Kafka rows
c_only() {
	sed -i '/,java-/d' "$1/results.csv" "$1/copies.csv"
	sed -i -e '/^METHODS=\|^DEMOS=/s/ java-[a-z0-9-]*//g' -e '/^LABELS=/s/|java-[^|]*//g' "$1/run.txt"
	rm -f "$1"/*-java-* "$1"/kafka-*.txt
	echo "Apache Kafka's jars or kcat are missing (sudo make deps): no Kafka rows" >"$1/kafka-none.txt"
}

@test "render.sh writes the tables bench.sh wrote before the split, from the same data" {
	render
	assert_success
	assert_line "render: wrote $DIR/results.md and results.svg"
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
