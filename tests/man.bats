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

# The rows of zcviz's option table (viz/options.c) and of its outputs
# (viz/output.c), as --NAME, read from the sources
table_options() {
	sed -n '/^static const struct opt_row options\[\] = {$/,/^};$/p' "$ROOT/viz/options.c" |
		grep -oE '^	\{ "[a-z-]+"' | sed 's/.*"\(.*\)"/--\1/'
	sed -n '/^const struct output outputs\[\] = {$/,/^};$/p' "$ROOT/viz/output.c" |
		grep -oE '^	\{ "[a-z-]+"' | sed 's/.*"\(.*\)"/--\1/'
}

@test "zcviz's options: each row of its table is in --help, in the man page, and taken by the command line, and no other" {
	local want help page o
	want=$(table_options | sort)
	[ "$(wc -l <<<"$want")" -ge 20 ] || fail "only $(wc -l <<<"$want") rows found in viz/options.c: the search is broken"
	help=$(zcviz --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+' | sort)
	assert_equal "$help" "$want"
	page=$(MANWIDTH=200 man -l -P cat "$ROOT/build/man/zcviz.1" |
		grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u)
	assert_equal "$page" "$want"
	# each is an option the command line knows (a wrong value or a
	# missing one is another error, never "unknown option")
	for o in $want; do
		run zcviz "$o" x
		refute_output --partial "unknown option"
	done
}
