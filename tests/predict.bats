#!/usr/bin/env bats
# A student without root writes predictions down before a replay, and
# lessons/predict says which held, from the recorded run's own numbers.

setup() {
	load test_helper/common-setup
	_common_setup
	command -v jq >/dev/null || skip "needs jq (sudo make deps)"
	as=()
	[ "$(id -u)" != 0 ] || as=(as_nobody)
	P="$USER_ROOT/lessons/predict"
	# a sheet a user without root can read (the test's own directory
	# may be one they cannot enter)
	SHEETS=$(mktemp -d /tmp/zc-predict.XXXX)
	chmod 755 "$SHEETS"
	S="$SHEETS/sheet.txt"
}

teardown() {
	rm -rf "${SHEETS:-}"
}

# answered SHEET DELTA: SHEET with each ? replaced by what the trace (or
# the shipped output, output:FILE) says, plus DELTA
answered() {
	local line trace expr got
	while IFS= read -r line; do
		if [[ $line == *" = ?" ]]; then
			trace=${line%% | *} expr=${line#* | } expr=${expr% = ?}
			case $trace in
			output:*.json) got=$(jq -r "$expr" "$USER_ROOT/lessons/outputs/${trace#output:}") ;;
			output:*) got=$(jq -R -s -r "$expr" "$USER_ROOT/lessons/outputs/${trace#output:}") ;;
			*) got=$("$USER_ROOT/build/zcviz" --replay "$USER_ROOT/lessons/traces/$trace" --json | jq -r "$expr") ;;
			esac
			echo "${line% ?} $(awk -v g="$got" -v d="$2" 'BEGIN { print g + d }')"
		else
			echo "$line"
		fi
	done <"$1"
}

# lessons_with_predictions: the lessons that ask for some
lessons_with_predictions() {
	grep -l '<!-- predict: ' "$ROOT"/lessons/en/*.md | xargs -r -n1 basename | sed 's/\.md$//'
}

@test "every lesson that asks for predictions prints a sheet; filled with the runs' own numbers, all held, as a user without root" {
	local l n
	[ -n "$(lessons_with_predictions)" ] || fail "no lesson asks for predictions"
	for l in $(lessons_with_predictions); do
		run -0 "${as[@]}" "$P" "${l%%-*}"
		n=$(grep -c ' = ?$' <<<"$output")
		[ "$n" -gt 0 ] || fail "$l: a sheet without a question: $output"
		printf '%s\n' "$output" >"$S.q"
		answered "$S.q" 0 >"$S"
		chmod 644 "$S"
		run -0 "${as[@]}" "$P" "$S"
		assert_line "$n of $n predictions held"
		answered "$S.q" 1 >"$S"
		run -1 "${as[@]}" "$P" "$S"
		assert_line "0 of $n predictions held"
		assert_line --regexp "^did not hold: .*; the run says "
	done
}

@test "about N holds within 2 %, and a sheet not filled in or not a sheet is exit 2, in one line" {
	local t=sendfile.trace
	printf '%s\n' "$t | .file_bytes = ~2080000" "$t | .file_bytes = ~2000000" >"$S"
	chmod 644 "$S"
	run -1 "${as[@]}" "$P" "$S"
	assert_line "held:         $t | .file_bytes = ~2080000"
	assert_line --regexp "^did not hold: $t \| \.file_bytes = ~2000000; the run says 2097152$"
	echo "$t | .file_bytes = ?" >"$S"
	run -2 --separate-stderr "${as[@]}" "$P" "$S"
	assert_equal "$stderr" "lessons/predict: predict first: '$t | .file_bytes = ?' still has a ?"
	echo "no-such.trace | .file_bytes = 1" >"$S"
	run -2 --separate-stderr "${as[@]}" "$P" "$S"
	assert_equal "$stderr" "lessons/predict: no trace lessons/traces/no-such.trace"
	echo "just words" >"$S"
	run -2 --separate-stderr "${as[@]}" "$P" "$S"
	assert_equal "$stderr" "lessons/predict: not a prediction: 'just words' (TRACE | JQ = VALUE)"
	run -2 --separate-stderr "${as[@]}" "$P" 99
	assert_equal "$stderr" "lessons/predict: no lesson or file '99': give a lesson's number (01) or a filled-in sheet"
	run -0 "${as[@]}" "$P" --help
	assert_line --partial "lessons/predict LESSON"
}

@test "a trace of several runs: a prediction picks one run, and one that does not is exit 2, in one line" {
	local t=classic.trace
	printf '%s\n' "$t | select(.demo == \"mmap\") | .cpu_copies_per_byte = 1" \
		"$t | select(.demo == \"dma-gather\") | .syscalls.total = 16" >"$S"
	chmod 644 "$S"
	run -0 "${as[@]}" "$P" "$S"
	assert_line "held:         $t | select(.demo == \"mmap\") | .cpu_copies_per_byte = 1"
	assert_line "2 of 2 predictions held"
	echo "$t | .cpu_copies_per_byte = 2" >"$S"
	run -2 --separate-stderr "${as[@]}" "$P" "$S"
	assert_equal "$output" ""
	assert_equal "$stderr" "lessons/predict: '.cpu_copies_per_byte' gives 4 values for $t, one a run: pick one, as in select(.demo == \"traditional\") | .cpu_copies_per_byte"
	echo "$t | select(.demo == \"splice\") | .cpu_copies_per_byte = 0" >"$S"
	run -2 --separate-stderr "${as[@]}" "$P" "$S"
	assert_equal "$stderr" "lessons/predict: 'select(.demo == \"splice\") | .cpu_copies_per_byte' gives no value for $t"
}

@test "a prediction of a shipped output (output:FILE) is read from lessons/outputs/ by jq: JSON, or a log as text; one that is not there, or gives no single value, is exit 2, in one line" {
	local o=output:kafka-tls.json l=output:kafka-cold-3.log
	printf '%s\n' "$o | .cpu_copies_per_byte = ~2" "$o | .edges.pagecache_to_socket.bytes = 1" \
		"$l | capture(\"(?<b>[0-9]+) bytes, 0 of them still cached\").b = 67779750" >"$S"
	chmod 644 "$S"
	run -1 "${as[@]}" "$P" "$S"
	assert_line "held:         $o | .cpu_copies_per_byte = ~2"
	assert_line "did not hold: $o | .edges.pagecache_to_socket.bytes = 1; the run says 0"
	assert_line "held:         $l | capture(\"(?<b>[0-9]+) bytes, 0 of them still cached\").b = 67779750"
	assert_line "2 of 3 predictions held"
	echo "output:no-such.json | .file_bytes = 1" >"$S"
	run -2 --separate-stderr "${as[@]}" "$P" "$S"
	assert_equal "$stderr" "lessons/predict: no output lessons/outputs/no-such.json"
	echo "$o | .files[].read_calls = 1" >"$S"
	run -2 --separate-stderr "${as[@]}" "$P" "$S"
	assert_equal "$output" ""
	assert_equal "$stderr" "lessons/predict: '.files[].read_calls' gives 8 values for kafka-tls.json: it must give one"
	echo "$o | empty = 1" >"$S"
	run -2 --separate-stderr "${as[@]}" "$P" "$S"
	assert_equal "$stderr" "lessons/predict: 'empty' gives no value for kafka-tls.json"
}

@test "lessons/predict ko/NN prints the Korean lesson's sheet: the same predictions, asked in Korean" {
	local l en ko
	for l in $(lessons_with_predictions); do
		run -0 "${as[@]}" "$P" "${l%%-*}"
		en=$output
		run -0 "${as[@]}" "$P" "ko/${l%%-*}"
		ko=$output
		assert_equal "$(grep -v '^#' <<<"$ko")" "$(grep -v '^#' <<<"$en")"
		assert_equal "$(head -n 1 <<<"$ko")" "# $(sed -n '1s/^# //p' "$ROOT/lessons/ko/$l.md"): 재생하기 전에 적는 예측"
		[ "$(grep -c '^#' <<<"$ko")" = "$(grep -c '^#' <<<"$en")" ] || fail "$l: the Korean sheet asks another number of questions"
		[ "$(grep '^#' <<<"$ko" | sed 1,2d)" != "$(grep '^#' <<<"$en" | sed 1,2d)" ] ||
			fail "$l: the Korean sheet asks its questions in the English words"
	done
}
