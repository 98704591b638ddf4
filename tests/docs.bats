#!/usr/bin/env bats
# The README and docs/ cannot drift from the code. They only read files:
# no root, no lab, no build needed.
# - the README stays what a person reads first (under 350 lines), and its
#   quick start is the two commands CI runs (.ci/run);
# - what the docs link to, name or point at exists: files, sections,
#   functions, tables, types and constants;
# - what the code points to in docs/ exists, and nothing points to a
#   design file this repository does not have;
# - what docs/contracts.md promises is what the code does: the JSON's keys
#   and values, the exit statuses, the trace format.

setup() {
	load test_helper/common-setup
	_common_setup
	cd "$ROOT"
	DOCS=(README.md docs/*.md)
}

# section FILE HEADING: the lines of FILE from the heading "## HEADING" to
# the next heading of the same or a higher level, outside code blocks too
section() {
	awk -v h="$2" '
		/^```/ { code = !code }
		!code && /^#+ / {
			level = index($0, " ") - 1
			if (inside && level <= start) exit
			if (substr($0, level + 2) == h) { inside = 1; start = level }
		}
		inside' "$1"
}

# headings FILE: its headings' texts, outside code blocks
headings() {
	awk '/^```/ { code = !code } !code && /^#+ / { sub(/^#+ /, ""); print }' "$1"
}

# slug HEADING: the anchor GitHub gives a heading
slug() {
	tr '[:upper:]' '[:lower:]' <<<"$1" | sed -E 's/[^[:alnum:] _-]//g; s/ /-/g'
}

# code_words: the words in this project's code, scripts and build, one
# a line (for looking names up)
code_words() {
	cat bpf/* viz/*.c viz/*.h demos/*.c demos/*.h lib/*.c lib/*.h demos/*.sh demos/java/*.java \
		tests/unit/*.c tests/fuzz/*.c tests/bench/bench.sh tests/test_helper/*.bash \
		Makefile .ci/run | grep -oE '[A-Za-z_][A-Za-z0-9_]*' | sort -u
}

# xlist FILE NAME: the rows of the X-macro list NAME in FILE (#define
# NAME(X) and its continued lines): each row's first string, in order
xlist() {
	awk -v n="$2" '$0 ~ "^#define " n "\\(" { inside = 1; next }
		inside { print; if (!/\\$/) exit }' "$1" |
		grep -oE '^[[:space:]]*[A-Z]\([A-Z_0-9]+, "[a-z_]+"' | sed -E 's/.*"([a-z_]+)"$/\1/'
}

# ticked FILE...: what the files put between backticks, one a line
ticked() {
	grep -ohE '`[^`]+`' "$@" | tr -d '`' | sort -u
}

@test "the README is under 350 lines, and its quick start is the two commands CI runs: sudo make demo-sendfile, then sudo make test" {
	local lines cmds
	lines=$(wc -l <README.md)
	[ "$lines" -lt 350 ] || fail "README.md has $lines lines: the reference belongs in man/*.h2m or docs/"
	# the quick start's first shell block, its commands without comments
	cmds=$(section README.md "Quick start" |
		awk '/^```sh$/ { n++; inb = 1; next } /^```/ { inb = 0 } inb && n == 1' |
		sed 's/#.*//; s/[[:space:]]*$//' | grep -v '^$')
	assert_equal "$cmds" "sudo make demo-sendfile
sudo make test"
	grep -q '^make demo-sendfile' .ci/run || fail ".ci/run does not run the quick start's first command"
	grep -q '^make test$' .ci/run || fail ".ci/run does not run the quick start's second command"
}

@test "no file of the project points to a design file it does not have (DESIGN dot md)" {
	local name hits
	name=DESIGN
	name+=.md
	[ ! -e "$name" ] || skip "$name exists now"
	hits=$(grep -rIl --exclude-dir=.git --exclude-dir=build -F "$name" . | grep -vx './tests/docs.bats' || true)
	[ -z "$hits" ] || fail "these point to $name, which does not exist (docs/ has what it would have said):
$hits"
}

@test "every pointer of the code into docs/ names a page there, and a section the page has" {
	local f ref page sec n=0
	for f in bpf/* viz/*.[ch] demos/*.[ch] demos/*.sh tests/*.bats tests/test_helper/*.bash Makefile; do
		# comments wrap: join the lines, and drop the " * " that starts each
		while IFS= read -r ref; do
			page=${ref%%.md*}.md
			assert_file_exists "$page"
			n=$((n + 1))
			[[ $ref == *'"'* ]] || continue
			sec=${ref#*\"}
			sec=${sec%\"}
			headings "$page" | grep -qxF -- "$sec" || fail "$f points to '$sec' in $page, which has no such section"
		done < <(tr '\n' ' ' <"$f" | sed -E 's@[[:space:]]+(\*|#|//)[[:space:]]+@ @g; s/[[:space:]]+/ /g' |
			grep -oE 'docs/[a-z]+\.md(,? \(?"[^"]+")?')
	done
	[ "$n" -ge 5 ] || fail "only $n pointers into docs/ found: the search is broken"
}

@test "every relative link in the README and docs/ leads to a file" {
	local f target
	for f in "${DOCS[@]}"; do
		while IFS= read -r target; do
			target=${target%%#*}
			[ -n "$target" ] || continue
			[ -e "$(dirname "$f")/$target" ] || fail "$f links to $target, which does not exist"
		done < <(grep -oE '\]\([^)]+\)' "$f" | sed 's/^](//; s/)$//' | grep -vE '^[a-z]+:')
	done
}

@test "every #anchor a link in the README and docs/ gives is a heading of the page it leads to" {
	local f link page anchor h found n=0
	for f in "${DOCS[@]}"; do
		while IFS= read -r link; do
			page=${link%%#*}
			anchor=${link#*#}
			page=$([ -n "$page" ] && echo "$(dirname "$f")/$page" || echo "$f")
			found=""
			while IFS= read -r h; do
				[ "$(slug "$h")" != "$anchor" ] || found=1
			done < <(headings "$page")
			[ -n "$found" ] || fail "$f links to #$anchor in $page, which has no such heading"
			n=$((n + 1))
		done < <(grep -oE '\]\([^)]*#[^)]+\)' "$f" | sed 's/^](//; s/)$//' | grep -vE '^[a-z]+:')
	done
	[ "$n" -ge 5 ] || fail "only $n anchors found: the search is broken"
}

@test "every file and folder of the project a docs page or a man page names exists" {
	local t base hits="" tops
	tops='(bpf|viz|demos|docs|lessons|man|tests|\.ci)/'
	while IFS= read -r t; do
		# placeholders (demos/NAME.c), what make builds (build/), the
		# kernel's sources (net/, kernel/) and absolute paths are not ours
		grep -qE '(^|[^A-Za-z])(NAME|CLASS|DEMO|NN|FILE|SHEET)([^A-Za-z]|$)' <<<"$t" && continue
		grep -qE '^(build|net|kernel)/|^/' <<<"$t" && continue
		if grep -qE "^$tops" <<<"$t"; then
			compgen -G "$t" >/dev/null || hits+="$t"$'\n'
			continue
		fi
		# a file by its name, or by its end (kafka/pom.xml): somewhere
		# here, or written by make or make bench (results.md)
		grep -qE '^[A-Za-z0-9_][A-Za-z0-9_./-]*\.(c|h|sh|bats|java|xml|h2m|md|trace|json|dict)$' <<<"$t" || continue
		base=$(find . -path ./.git -prune -o -path ./build -prune -o -type f -path "*/$t" -print -quit)
		[ -n "$base" ] || grep -qwF -- "$t" Makefile tests/bench/bench.sh || hits+="$t"$'\n'
	done < <(
		ticked "${DOCS[@]}" | grep -vE '[[:space:]"(]'
		grep -ohE "\b$tops[A-Za-z0-9_./*-]*[A-Za-z0-9_/*]" man/*.h2m
	)
	[ -z "$hits" ] || fail "named in the docs or man pages, but not in the tree:
$hits"
}

@test "every function, table, struct, enum and ZC_ name a docs page gives is one the code has" {
	local t name words missing=""
	words=$(code_words)
	while IFS= read -r t; do
		case $t in
		# the kernel's, named with its file (kernel/trace/bpf_trace.c)
		__bpf_trace_run\(\)) continue ;;
		esac
		name=$t
		name=${name%()}
		name=${name%[]}
		name=${name#struct }
		name=${name#enum }
		grep -qxF -- "$name" <<<"$words" || missing+="$t"$'\n'
	done < <(ticked "${DOCS[@]}" |
		grep -E '^([A-Za-z_][A-Za-z0-9_]*(\(\)|\[\])|(struct|enum) [a-z_][a-z0-9_]*|(ZC|ZCVIZ|ZCLAB|TP|E|RECORD|COUNTS|OUT|BENCH)_[A-Z0-9_]+)$')
	[ -z "$missing" ] || fail "the docs name these, which the code does not have (renamed? update the docs):
$missing"
}

@test "every JSON key docs/contracts.md lists is one viz/json.c or the model writes, and every key they write is listed" {
	local json listed written key missing=""
	json=$(section docs/contracts.md "The JSON of a run")
	[ -n "$json" ] || fail "docs/contracts.md has no section 'The JSON of a run'"
	# written: report.c's "key": in its format strings, and the arrows'
	# keys, model.h's ZC_ARROWS
	[ "$(xlist viz/model.h ZC_ARROWS | wc -l)" -ge 8 ] || fail "fewer than 8 arrows found in viz/model.h's ZC_ARROWS: the search is broken"
	written=$( {
		grep -oE '\\"[a-z_0-9]+\\":' viz/json.c | tr -d '\\":'
		xlist viz/model.h ZC_ARROWS
	} | sort -u)
	[ "$(wc -l <<<"$written")" -ge 60 ] || fail "only $(wc -l <<<"$written") keys found in viz/json.c: the search is broken"
	# listed: the first column of the section's tables
	listed=$(grep -oE '^\| `[a-z_0-9]+` \|' <<<"$json" | sed 's/^| `//; s/` |$//' | sort -u)
	for key in $listed; do
		grep -qxF "$key" <<<"$written" || missing+="listed, not written: $key"$'\n'
	done
	for key in $written; do
		grep -qF "\`$key\`" <<<"$json" || missing+="written, not listed: $key"$'\n'
	done
	[ -z "$missing" ] || fail "docs/contracts.md's JSON and viz/json.c differ:
$missing"
}

@test "the arrows, kinds, tracepoint groups and places of a copy docs/contracts.md gives are the code's, in its order" {
	local json want got
	json=$(section docs/contracts.md "The JSON of a run")
	# the arrows: model.h's ZC_ARROWS (enum zc_edge is made from it), by
	# their keys
	want=$(xlist viz/model.h ZC_ARROWS)
	[ "$(wc -l <<<"$want")" -ge 8 ] || fail "fewer than 8 arrows found in viz/model.h's ZC_ARROWS: the search is broken"
	got=$(grep -A4 '^`edges` has one key per arrow' <<<"$json" | tr '\n' ' ' | sed 's/Each has.*//' |
		grep -oE '`[a-z_]+`' | tr -d '`' | grep -vx edges)
	assert_equal "$got" "$want"
	# the kinds: model.c's kinds[]
	want=$(sed -n '/} kinds\[\] = {/,/^};/p' viz/model.c | sed -n 's/.*= { "\([a-z_]*\)".*/\1/p')
	got=$(grep -E '^\| `kind` \|' <<<"$json" | grep -oE '`[a-z_]+`' | tr -d '`' | grep -vx kind)
	assert_equal "$got" "$want"
	# missing_tracepoints: the groups' names, bpf/zc.h's ZC_PROBES (enum
	# trace_probe and viz/probe.c's table are made from it), in its order
	want=$(xlist bpf/zc.h ZC_PROBES)
	[ "$(wc -l <<<"$want")" -ge 8 ] || fail "fewer than 8 tracepoint groups found in bpf/zc.h's ZC_PROBES: the search is broken"
	got=$(grep -E '^\| `missing_tracepoints` \|' <<<"$json" | grep -oE '`[a-z_]+`' | tr -d '`' | grep -vx missing_tracepoints)
	assert_equal "$got" "$want"
	# copied_at: model_copied_at()'s words, but "nowhere" (then null)
	want=$(sed -n '/^const char \*model_copied_at/,/^}/p' viz/model.c | sed -n 's/.*\[AT_[A-Z]*\] = "\([a-z ]*\)".*/\1/p' | grep -vx nowhere | sort)
	got=$(grep -E '^\| `copied_at` \|' <<<"$json" | grep -oE '`[a-z ]+`' | tr -d '`' | grep -vxE 'copied_at|null' | sort)
	assert_equal "$got" "$want"
}

@test "the exit statuses docs/contracts.md lists are lib/units.h's, each with its number" {
	local listed defined
	defined=$(sed -n 's/^[[:space:]]*\(ZC_EXIT_[A-Z]*\) = \([0-9]*\),.*/\2 \1/p' lib/units.h | sort)
	listed=$(section docs/contracts.md "Exit statuses" | sed -n 's/^| \([0-9]*\) | `\(ZC_EXIT_[A-Z]*\)` |.*/\1 \2/p' | sort)
	[ "$(wc -l <<<"$defined")" -ge 4 ] || fail "only $(wc -l <<<"$defined") statuses found in lib/units.h: the search is broken"
	assert_equal "$listed" "$defined"
	# and zcviz's man page has the same numbers
	assert_equal "$(sed -n '/^\[EXIT STATUS\]/,/^\[/p' man/zcviz.h2m | sed -n 's/^\.B \([0-9]\)$/\1/p' | tr '\n' ' ')" \
		"$(cut -d' ' -f1 <<<"$defined" | tr '\n' ' ')"
}

@test "the trace format docs/contracts.md gives is viz/record.h's, of the version zcviz writes" {
	local fmt line version
	fmt=$(section docs/contracts.md "The trace format")
	version=$(sed -n 's/^#define RECORD_VERSION \([0-9]*\)$/\1/p' viz/record.h)
	[ -n "$version" ] || fail "viz/record.h has no RECORD_VERSION"
	grep -qx "zcviz-trace $version" <<<"$fmt" || fail "docs/contracts.md does not show version $version's first line"
	grep -q "Version $version:" <<<"$fmt" || fail "docs/contracts.md does not say it describes version $version"
	# each record line of record.h's comment, as the docs write it
	while IFS= read -r line; do
		grep -qxF -- "$line" <<<"$fmt" || fail "viz/record.h's '$line' is not in docs/contracts.md's trace format"
	done < <(sed -n 's/^ \*   \(\(run\|file\|command\|watched\|wfile\|wflow\|wproc\|e\|k\|c\|s\|result\|counters\) [A-Z][^ ]*\( [^ ]\+\)*\).*/\1/p' viz/record.h |
		sed -E 's/ {2,}.*//')
}

@test "each recipe of docs/architecture.md is one delimited list: a demo, a measured arrow, an output, an option" {
	local r
	for r in demo arrow output option; do
		[ "$(grep -cx "<!-- recipe: $r -->" docs/architecture.md)" = 1 ] || fail "no single start of the recipe '$r'"
	done
	[ "$(grep -cx '<!-- /recipe -->' docs/architecture.md)" = 4 ] || fail "the recipes are not each closed once"
	# between a start and its end: a list, and no other recipe
	awk '/^<!-- recipe: / { if (inr) { print "a recipe starts inside " name; bad = 1 } inr = 1; name = $3; items = 0; next }
		/^<!-- \/recipe -->$/ { if (!items) { print name " lists nothing"; bad = 1 } inr = 0; next }
		inr && /^([0-9]+\.|-) / { items++ }
		END { exit bad || inr }' docs/architecture.md || fail "a recipe is not one delimited list"
}
