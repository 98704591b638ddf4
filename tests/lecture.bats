#!/usr/bin/env bats
# The lecture (lessons/en/12-lecture-plan.md) runs itself on a projector's
# 80x24: the article's four demos, a title card before each, and their
# table at the end; live with root, and from the recorded trace without.

setup() {
	load test_helper/common-setup
	_common_setup
	command -v tmux >/dev/null || skip "needs tmux (sudo make deps)"
}

teardown() {
	tmux_stop
	[ "$(id -u)" != 0 ] || no_bpf_left
	no_lab_left
}

# play_classic: in the window, each of the four's card (numbered among the
# four), then the demo, at full speed; then the table of those four only
play_classic() {
	local d i=0 n
	n=$(classic_demos | wc -w)
	assert_equal "$n" 4
	for d in $(classic_demos); do
		i=$((i + 1))
		tmux_wait "$i / $n   $d" 30
		tmux_keys Space
		tmux_wait "zcviz .* $d" 30
		tmux_keys f
		tmux_keys f
	done
	tmux_wait "all four, measured" 60
	run tmux_screen
	for d in $(classic_demos); do
		assert_line --regexp "^ +$d +o(n|ff) +[0-9.]+ x ok "
	done
	assert_equal "$(grep -cE '^ +[a-z-]+ +o(n|ff) +[0-9.]+ x ' <<<"$output")" 4
}

@test "live: zcviz --step --size 1M classic plays the article's four and ends on their table" {
	require_bpf
	tmux_start 80x24 "'$ROOT/build/zcviz' --step --size 1M classic"
	play_classic
}

@test "without root: the classic trace replays the four and ends on their table" {
	local as=""
	[ "$(id -u)" != 0 ] || as="runuser -u nobody --"
	tmux_start 80x24 "$as '$USER_ROOT/build/zcviz' --replay '$USER_ROOT/lessons/traces/classic.trace'"
	play_classic
}
