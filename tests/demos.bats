#!/usr/bin/env bats
# Demos as data: one table (lib/demos.c) says what every demo is. The
# program lists it (zcviz --list-demos), every script and test asks the
# program instead of keeping a copy, and no other file spells out the
# demos' names as a list or their descriptions. (The Makefile names the
# programs it builds, one a line, SENDERS: a build's list of programs, not
# of demos, held to the table below.)

setup() {
	load test_helper/common-setup
	_common_setup
	cd "$ROOT"
}

# the files that could hold a copy: code, scripts, tests
sources() {
	local files
	# (any user: a copy made for a user without root is not theirs)
	files=$(git -c safe.directory='*' ls-files -- Makefile demos lib scripts viz bpf tests .ci) ||
		fail "git ls-files failed"
	[ -n "$files" ] || fail "no files to look in"
	# (and what a run recorded: a benchmark's data, kept as it was written)
	grep -v -e '^lib/demos\.c$' -e '^tests/fuzz/regressions/' \
		-e '^tests/fixtures/bench/data/' <<<"$files"
}

@test "zcviz --list-demos gives every demo's row, each one a program that is built" {
	local name prog sg c0 c1 title brief lang lab classic n=0
	while IFS=$'\t' read -r name prog sg c0 c1 title brief lang lab classic; do
		n=$((n + 1))
		[[ $name =~ ^[a-z][a-z0-9-]*$ ]] || fail "odd demo name '$name'"
		assert_file_executable "build/$prog"
		[[ $sg = on || $sg = off ]] || fail "$name: scatter-gather '$sg'"
		awk -v a="$c0" -v b="$c1" 'BEGIN { exit !(a >= b && b >= 0) }' ||
			fail "$name: copies $c0 without scatter-gather, $c1 with"
		[ -n "$title" ] && [ -n "$brief" ] || fail "$name: no title"
		[[ $lang = c || $lang = java ]] || fail "$name: written in '$lang'"
		[[ $classic = classic || -z $classic ]] || fail "$name: '$classic', not classic or nothing"
		# in the lab, as on its device; or once more, for pinned pages
		# the receiver on this machine must not see
		awk -v a="$lab" -v b="$([ "$sg" = on ] && echo "$c1" || echo "$c0")" \
			'BEGIN { exit !(a == b || (b < 1 && a == 1)) }' ||
			fail "$name: $lab copies in the lab"
		run -0 "build/$prog" --help
		assert_line --regexp "^Usage: $prog --to HOST:PORT"
	done < <(build/zcviz --list-demos)
	[ "$n" -ge 4 ] || fail "only $n demos"
	# the article's four, in its order
	assert_equal "$(classic_demos | wc -w)" 4
	assert_equal "$DEMOS" "$(build/zcviz --list-demos | cut -f1 | tr '\n' ' ')"
}

# make_senders: the Makefile's SENDERS, as make reads them, one a line
make_senders() {
	make -C "$ROOT" --no-print-directory -pRrq : 2>/dev/null |
		sed -n 's/^SENDERS := //p' | tr ' ' '\n' | sed '/^$/d'
}

@test "the Makefile builds the table's programs and no other: its SENDERS" {
	local want got
	# a Java row's program is zc-java under the row's name
	want=$(build/zcviz --list-demos | awk -F'\t' '{ print $8 == "java" ? "zc-java" : $2 }' | sort -u)
	got=$(make_senders | sed 's/^/zc-/' | sort)
	[ -n "$got" ] || fail "no SENDERS in the Makefile"
	assert_equal "$got" "$want"
}

@test "no other file spells out the demos' names as a list" {
	local names i a b hits
	mapfile -t names < <(build/zcviz --list-demos | cut -f1)
	for ((i = 0; i + 1 < ${#names[@]}; i++)); do
		a=${names[i]} b=${names[i + 1]}
		hits=$(sources | xargs grep -nE -- "$a[^a-z]{1,6}$b([^a-z]|$)" 2>/dev/null || true)
		[ -z "$hits" ] || fail "'$a' then '$b', a copy of the list:
$hits"
	done
}

@test "no other file holds a demo's title as a string" {
	local name title brief hits
	while IFS=$'\t' read -r name _ _ _ _ title brief _; do
		hits=$(sources | xargs grep -nF -- "\"$title\"" 2>/dev/null || true)
		[ -z "$hits" ] || fail "$name's title is written again: $hits"
		hits=$(sources | xargs grep -nF -- "\"$brief\"" 2>/dev/null || true)
		[ -z "$hits" ] || fail "$name's brief title is written again: $hits"
	done < <(build/zcviz --list-demos)
}

@test "the scripts and the tests ask zcviz for the demos" {
	local f
	for f in Makefile demos/lab.sh tests/bench/bench.sh tests/test_helper/common-setup.bash; do
		grep -q -- "--list-demos" "$f" || fail "$f does not ask zcviz --list-demos"
	done
	# and what they ask is what they use: lab.sh knows no demo of its own
	run -2 demos/lab.sh run --loopback no-such-demo /etc/hostname
	assert_output "lab.sh: run: unknown demo 'no-such-demo'; choose $(demo_choices | sed 's/ or all or classic$//' | sed 's/, \([^,]*\)$/ or \1/')"
	run -2 zcviz no-such-demo
	assert_output "zcviz: unknown demo 'no-such-demo'; choose $(demo_choices); see zcviz --help"
}

@test "zcviz --help names every demo with its title" {
	local name title
	run -0 zcviz --help
	while IFS=$'\t' read -r name _ _ _ _ title _; do
		assert_line --regexp "^  $name +${title//[()+]/.}$"
	done < <(build/zcviz --list-demos)
}
