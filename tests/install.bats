#!/usr/bin/env bats
# make install, as a packager runs it: DESTDIR and PREFIX=/usr, into a
# directory of this file's own. zcviz in bin/, the programs it runs and
# the scripts in libexec/zerocopy-lab/, the man pages, the lessons'
# traces; the installed zcviz and scripts find each other there, not in
# the build. Nothing here needs root or the lab.

setup_file() {
	local root
	root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	export DEST="$BATS_FILE_TMPDIR/dest"
	make -C "$root" --no-print-directory install DESTDIR="$DEST" PREFIX=/usr \
		>"$BATS_FILE_TMPDIR/install.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/install.log" >&2; return 1; }
	# as zcviz names them: without links
	export USR LIBEXEC
	USR=$(realpath "$DEST/usr")
	LIBEXEC=$USR/libexec/zerocopy-lab
}

setup() {
	load test_helper/common-setup
	_common_setup
}

# table_programs: the programs the demo table names, one a line
table_programs() {
	demos_list | cut -f2
}

@test "make install puts zcviz in bin, what it runs in libexec/zerocopy-lab, and nothing outside PREFIX" {
	local p t
	assert_equal "$(ls "$DEST")" usr
	assert_file_executable "$USR/bin/zcviz"
	# zc-sink on PATH too: a link to the one beside the senders
	assert_link_exists "$USR/bin/zc-sink"
	assert_equal "$(realpath "$USR/bin/zc-sink")" "$LIBEXEC/zc-sink"
	for p in zc-sink $(table_programs) lab.sh nginx.sh servers.sh kafka.sh; do
		assert_file_executable "$LIBEXEC/$p"
	done
	# the lessons' traces, every one
	for t in "$ROOT"/lessons/traces/*.trace; do
		cmp "$t" "$USR/share/zerocopy-lab/traces/${t##*/}" || fail "${t##*/} is not installed as it is"
	done
	assert_equal "$(ls "$USR/share/zerocopy-lab/traces" | wc -l)" "$(ls "$ROOT"/lessons/traces/*.trace | wc -l)"
}

@test "the programs installed are the table's and no other (the Makefile's SENDERS)" {
	local want got
	# a Java row's program is a link to zc-java, which is installed too
	want=$({ echo zc-sink; demos_list | awk -F'\t' '{ print $2; if ($8 == "java") print "zc-java" }'; } | sort -u)
	got=$(cd "$LIBEXEC" && ls -d zc-* | sort)
	assert_equal "$got" "$want"
}

@test "the installed zcviz runs: --version, and a replay of an installed trace" {
	run -0 "$USR/bin/zcviz" --version
	assert_output "$("$ROOT/build/zcviz" --version)"
	run -0 "$USR/bin/zcviz" --replay "$USR/share/zerocopy-lab/traces/sendfile.trace" --report
	assert_line --regexp "^sendfile: [0-9]+ bytes"
}

@test "the installed zcviz finds its programs and the lab script in libexec, the built one in the build" {
	local p
	run -0 "$USR/bin/zcviz" --paths
	assert_output "$(printf 'programs\t%s\nlab\t%s' "$LIBEXEC" "$LIBEXEC/lab.sh")"
	for p in zc-sink $(table_programs); do
		assert_file_executable "$LIBEXEC/$p"
	done
	run -0 "$ROOT/build/zcviz" --paths
	assert_output "$(printf 'programs\t%s\nlab\t%s' "$(realpath "$ROOT/build")" "$(realpath "$ROOT/demos/lab.sh")")"
}

@test "the installed scripts find the installed zcviz, and a Java demo its classes" {
	local s version
	version=$("$USR/bin/zcviz" --version | cut -d' ' -f2)
	for s in lab.sh nginx.sh servers.sh kafka.sh; do
		run -0 "$LIBEXEC/$s" --version
		assert_output "$s $version"
	done
	command -v java >/dev/null && [ -f "$ROOT/build/java/.built" ] ||
		skip "no Java here, or its classes are not built"
	for p in $(demos_list | awk -F'\t' '$8 == "java" { print $2 }'); do
		run -0 "$LIBEXEC/$p" --check
	done
}

@test "man reads every installed page, from share/man" {
	local p page
	[ -f "$ROOT/build/man/.built" ] || skip "the man pages are not built (no help2man): sudo make deps"
	for p in zcviz zc-sink $(table_programs); do
		page=$USR/share/man/man1/$p.1
		assert_file_exists "$page"
		run -0 env MANWIDTH=200 man -l -P cat "$page"
		assert_line --regexp "^NAME"
		assert_line --regexp "^ +$p - "
	done
	# where man looks for them: MANPATH's man1
	run -0 env MANWIDTH=200 man -M "$USR/share/man" -P cat zcviz
	assert_line --regexp "^ +zcviz - "
}

@test "make uninstall takes away what make install put" {
	local dest=$BATS_TEST_TMPDIR/dest
	run -0 make -C "$ROOT" --no-print-directory install DESTDIR="$dest" PREFIX=/usr
	assert_file_executable "$dest/usr/bin/zcviz"
	run -0 make -C "$ROOT" --no-print-directory uninstall DESTDIR="$dest" PREFIX=/usr
	assert_equal "$(find "$dest" ! -type d)" ""
}
