#!/usr/bin/env bats
# Every input that ever crashed the trace reader (tests/fuzz/regressions/,
# kept by make fuzz) and the lessons' traces go through the fuzz harness
# and through zcviz --replay again: no crash, no sanitizer report, only
# the exit statuses of the contract.

setup() {
	load test_helper/common-setup
	_common_setup
}

inputs() {
	ls "$ROOT"/tests/fuzz/regressions/* "$ROOT"/lessons/traces/*.trace 2>/dev/null
}

@test "the fuzz harness runs every kept input without a finding" {
	[ -x "$ROOT/build/fuzz-trace" ] || skip "needs libFuzzer (libclang-rt-dev: sudo make deps) to build build/fuzz-trace"
	local f
	for f in $(inputs); do
		run "$ROOT/build/fuzz-trace" -runs=1 "$f"
		[ "$status" -eq 0 ] || fail "$f: exit $status: $output"
	done
}

@test "zcviz --replay takes every kept input: a report, or one line and exit 2" {
	local f mode
	for f in $(inputs); do
		for mode in --json --report; do
			run --separate-stderr zcviz --replay "$f" "$mode"
			case $status in
			0 | 1) ;;
			2) [ "${#stderr_lines[@]}" -eq 1 ] || fail "$f $mode: $stderr" ;;
			*) fail "$f $mode: exit $status: $stderr" ;;
			esac
			if [ "$mode" = --json ] && [ -n "$output" ]; then
				iconv -f UTF-8 -t UTF-8 <<<"$output" >/dev/null || fail "$f: not UTF-8"
				jq -e . >/dev/null <<<"$output" || fail "$f: not JSON"
			fi
		done
	done
}
