#!/usr/bin/env bats
# The man pages: one for zcviz, zc-sink and every program of the table,
# made from the programs' own --help (help2man), so they cannot drift from
# it; each reads with man -l from the tree, with no warning from groff.

setup() {
	load test_helper/common-setup
	_common_setup
	command -v help2man >/dev/null || skip "needs help2man (sudo make deps)"
	[ -f "$ROOT/build/man/.built" ] || skip "the man pages are not built: run make"
}

@test "every program has a man page that man -l reads, groff without a warning" {
	local p page
	for p in zcviz zc-sink $(demos_list | cut -f2); do
		page="$ROOT/build/man/$p.1"
		assert_file_exists "$page"
		run -0 man -l -P cat "$page"
		assert_line --regexp "^NAME"
		assert_line --regexp "^SYNOPSIS"
		assert_line --regexp "^OPTIONS"
		assert_line --regexp "^SEE ALSO"
		run -0 groff -man -ww -z "$page"
		assert_output ""
	done
}

@test "zcviz's page names every demo with its title, and its options; a sender's NAME is its row's title" {
	local name prog title
	run -0 man -l -P cat "$ROOT/build/man/zcviz.1"
	while IFS=$'\t' read -r name prog _ _ _ title _; do
		assert_line --regexp "^ +$name( |$)"
	done < <(demos_list)
	assert_line --regexp "^ +--batch N"
	assert_line --regexp "^ +ZCVIZ_WITHOUT"
	while IFS=$'\t' read -r name prog _ _ _ title _; do
		run -0 env MANWIDTH=200 man -l -P cat "$ROOT/build/man/$prog.1"
		assert_line --regexp "^ +$prog - ${title//[()+]/.}$"
	done < <(demos_list)
}
