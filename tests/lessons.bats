#!/usr/bin/env bats
# The lessons cannot drift from the code or from the machine:
# - English and Korean have the same lessons, sections, commands, checks
#   and code quotes (lessons/README.md explains the markers);
# - every ```sh block runs (from the repository's top, as root on CI);
# - every `<!-- zcviz: ... -->` number matches what zcviz --json measures,
#   every `<!-- trace: ... -->` number what the shipped trace replays,
#   every `<!-- bench: ... -->` number what a results file of make bench
#   says (tests/bench/), and every `<!-- output: ... -->` number what a
#   shipped output of a run that needs root says (lessons/outputs/);
# - every `<!-- lines: FILE A-B -->` quote equals those lines;
# - the shipped traces replay to the end as a user without root;
# - a student without root can do every lesson's predictions and exercise:
#   each lesson with a predict section or an exercise asks predictions of
#   shipped traces or outputs (`<!-- predict: TRACE | JQ | WHAT -->`, TRACE
#   output:FILE for lessons/outputs/FILE; the same TRACE and JQ in English
#   and Korean) and says how to check them (lessons/predict;
#   tests/predict.bats checks the sheets); each part of an exercise that
#   needs root (a ### section is a part of its own) replays a trace or
#   reads a shipped output and asks predictions of it, and the exercises'
#   commands without sudo run as nobody;
# - what the lessons say about themselves holds (their numbers in titles
#   and citations, the dashboard's keys), claims that went stale once do
#   not come back, and every relative link leads to a file.

# the lessons, by their English files; the lecture plan is not a lesson
LESSONS=$(cd "$BATS_TEST_DIRNAME/../lessons/en" && ls -- *.md | sed 's/\.md$//')
TAUGHT=$(grep -v -- -lecture-plan <<<"$LESSONS")

setup() {
	load test_helper/common-setup
	_common_setup
	cd "$ROOT"
}

# markers FILE KIND: the markers of a kind, in order (s, zcviz, trace, bench, output, lines, predict)
markers() {
	grep -o "<!-- $2: [^>]* -->" "$1" || true
}

# predictions FILE: its predictions' "TRACE | JQ", in order, without the
# question (WHAT, after the last " | "), which is in the file's language
predictions() {
	local m
	while IFS= read -r m; do
		m=${m#<!-- predict: }
		m=${m% -->}
		echo "${m% | *}"
	done < <(markers "$1" predict)
}

# sh_blocks FILE: the shell blocks, each line prefixed with its block number
sh_blocks() {
	awk '/^```sh$/ { n++; inb = 1; next } /^```/ { inb = 0 } inb { print n ": " $0 }' "$1"
}

@test "every lesson exists in English and in Korean, and every demo has one and a trace" {
	local l d
	assert_equal "$(cd lessons/ko && ls -- *.md)" "$(cd lessons/en && ls -- *.md)"
	for l in $LESSONS; do
		assert_file_exists "lessons/ko/$l.md"
	done
	# a demo's lesson is named after it, or after its family (06-java
	# teaches every java-* demo)
	for d in $DEMOS; do
		compgen -G "lessons/en/[0-9][0-9]-$d.md" >/dev/null ||
			compgen -G "lessons/en/[0-9][0-9]-${d%%-*}.md" >/dev/null || fail "the demo $d has no lesson"
		assert_file_exists "lessons/traces/$d.trace"
	done
}

@test "English and Korean have the same sections, commands, checks and quotes" {
	local l kind
	for l in $LESSONS; do
		for kind in s zcviz trace bench output lines; do
			[ "$(markers "lessons/en/$l.md" $kind)" = "$(markers "lessons/ko/$l.md" $kind)" ] ||
				fail "$l: the '$kind' markers differ between en and ko"
		done
		[ "$(predictions "lessons/en/$l.md")" = "$(predictions "lessons/ko/$l.md")" ] ||
			fail "$l: the predictions (TRACE | JQ) differ between en and ko"
		[ "$(sh_blocks "lessons/en/$l.md")" = "$(sh_blocks "lessons/ko/$l.md")" ] ||
			fail "$l: the shell blocks differ between en and ko"
		[ -n "$(markers "lessons/en/$l.md" s)" ] || fail "$l: no sections"
	done
}

@test "every lesson but the lecture plan has every part a lesson needs" {
	local l s
	for l in $TAUGHT; do
		for s in learn picture code predict run observe explain questions exercise; do
			grep -q "<!-- s: $s -->" "lessons/en/$l.md" || fail "$l has no '$s' section"
		done
		grep -q "<details>" "lessons/en/$l.md" || fail "$l: answers are not folded away"
		grep -q -- "--replay lessons/traces/" "lessons/en/$l.md" ||
			fail "$l does not say how to watch a trace without root"
	done
}

@test "a lesson that predicts or has an exercise asks predictions of shipped traces or outputs, and says how to check them without root" {
	local f l n m t
	for f in lessons/en/*.md lessons/ko/*.md; do
		while IFS= read -r m; do
			m=${m#<!-- predict: }
			m=${m% -->}
			[[ $m == *" | "*" | "?* ]] || fail "$f: '$m' is not TRACE | JQ | WHAT"
			t=${m%% | *}
			if [[ $t == output:* ]]; then
				[ -f "lessons/outputs/${t#output:}" ] || fail "$f asks a prediction of lessons/outputs/${t#output:}, which does not exist"
			else
				[ -f "lessons/traces/$t" ] || fail "$f asks a prediction of lessons/traces/$t, which does not exist"
			fi
		done < <(markers "$f" predict)
	done
	for l in $LESSONS; do
		grep -qE '<!-- s: (predict|exercise) -->' "lessons/en/$l.md" || continue
		n=${l:0:2}
		[ -n "$(markers "lessons/en/$l.md" predict)" ] ||
			fail "$l has a predict section or an exercise, and no <!-- predict: TRACE | JQ | WHAT --> for a student without root"
		sh_blocks "lessons/en/$l.md" | grep -qx "[0-9]*: lessons/predict $n" ||
			fail "$l does not print its sheet in a shell block (lessons/predict $n)"
		grep -qF "lessons/predict ko/$n" "lessons/ko/$l.md" ||
			fail "ko/$l does not say how to print the Korean sheet (lessons/predict ko/$n)"
	done
}

# exercise_parts FILE: how many parts its exercise has: the text before
# its first ### heading, and each ### section (a heading in a code block
# is none)
exercise_parts() {
	sed -n '/<!-- s: exercise -->/,$p' "$1" |
		awk '/^```/ { code = !code } !code && /^### / { n++ } END { print n + 1 }'
}

# exercise_part FILE N: part N of its exercise (1: before the first ###)
exercise_part() {
	sed -n '/<!-- s: exercise -->/,$p' "$1" |
		awk -v n="$2" 'BEGIN { p = 1 } /^```/ { code = !code } !code && /^### / { p++ } p == n'
}

@test "an exercise that needs root can be done without it: each part of it replays a shipped trace (or reads a shipped output) and asks predictions of it" {
	local l f n i ex sh replayed asked
	for l in $TAUGHT; do
		for f in "lessons/en/$l.md" "lessons/ko/$l.md"; do
			n=$(exercise_parts "$f")
			for i in $(seq "$n"); do
				# a part is done on its own: lesson 09's nginx (a ### of
				# its own) cannot lean on the replay before it
				ex=$(exercise_part "$f" "$i")
				sh=$(sh_blocks /dev/stdin <<<"$ex")
				grep -q '^[0-9]*: sudo ' <<<"$sh" || continue
				# the traces it replays, and the outputs it reads (as output:FILE)
				replayed=$({
					grep -oE -- '--replay lessons/traces/[^ ]+\.trace' <<<"$sh" | sed 's|.*/||'
					grep -oE -- 'lessons/outputs/[^ /]+' <<<"$sh" | sed 's|.*/|output:|'
				} | sort -u)
				[ -n "$replayed" ] || fail "$f, its exercise's part $i ($(head -n 1 <<<"$ex")): needs root and replays no trace (nor reads a shipped output)"
				asked=$(grep -o '<!-- predict: [^ ]*' <<<"$ex" | sed 's/.* //' | sort -u)
				[ "$asked" = "$replayed" ] || fail "$f, its exercise's part $i ($(head -n 1 <<<"$ex")): replays (or reads)
$replayed
and asks predictions of
$asked"
			done
		done
	done
}

@test "every exercise can be done as a user without root: its commands without sudo run as nobody, from the shipped files" {
	local l f n b script as=() ran=0
	[ "$(id -u)" = 0 ] && as=(as_nobody)
	for l in $TAUGHT; do
		# the shell blocks are the same in both languages (checked above)
		f=lessons/en/$l.md
		for n in $(sh_blocks /dev/stdin < <(sed -n '/<!-- s: exercise -->/,$p' "$f") | cut -d: -f1 | sort -un); do
			script=$(sh_blocks /dev/stdin < <(sed -n '/<!-- s: exercise -->/,$p' "$f") | sed -n "s/^$n: //p")
			grep -q '^sudo ' <<<"$script" && continue
			# from the top of the checkout a user without root can read
			run "${as[@]}" timeout 60 bash -e -o pipefail -c "cd \"\$1\" && $script" bash "$USER_ROOT" </dev/null
			[ "$status" -eq 0 ] || fail "$f, the exercise's block $n failed without root ($status):
$script
--- output
$output"
			ran=$((ran + 1))
		done
	done
	echo "# $ran blocks of the exercises run without root" >&3
	[ "$ran" -gt 0 ] || fail "no exercise has a command without root"
}

@test "every code quote equals the lines of the file it names" {
	local f spec file range a b want got
	for f in lessons/*/*.md; do
		while IFS= read -r spec; do
			file=$(awk '{ print $3 }' <<<"$spec")
			range=$(awk '{ print $4 }' <<<"$spec")
			a=${range%-*} b=${range#*-}
			want=$(sed -n "${a},${b}p" "$file")
			# the ```c block right after the marker
			got=$(awk -v m="$spec" 'index($0, m) { f = 1; next }
				f && /^```[a-z]+$/ { q = 1; next } q && /^```$/ { exit } q { print }' "$f")
			[ "$got" = "$want" ] || fail "$f: the quote of $file $range differs from the file:
--- quoted
$got
--- $file
$want"
		done < <(markers "$f" lines)
	done
}

# run_block FILE N: one shell block, from the top of the repository
run_block() {
	local script
	script=$(sh_blocks "$1" | sed -n "s/^$2: //p")
	[ "$(id -u)" = 0 ] && script=$(sed 's/^sudo //; s/| sudo /| /g; s/&& sudo /\&\& /g' <<<"$script")
	run timeout 300 bash -e -o pipefail -c "$script" </dev/null
	[ "$status" -eq 0 ] || fail "$1, block $2 failed ($status):
$script
--- output
$output"
}

# cannot_run TEXT: the first demo TEXT names that this machine cannot run
# (its program's --check says why: no JVM, no io_uring), or nothing
cannot_run() {
	local d runnable
	runnable=" $(runnable_demos) "
	for d in $DEMOS; do
		[[ $runnable == *" $d "* ]] && continue
		if grep -qE -- "(^|[ /-])$d( |$)" <<<"$1"; then
			echo "$d"
			return 0
		fi
	done
	return 0
}

@test "every shell block in the lessons runs" {
	require_bpf
	local f n d
	for f in lessons/en/*.md; do
		for n in $(sh_blocks "$f" | cut -d: -f1 | sort -un); do
			# an optional extra's block runs where it is installed
			if sh_blocks "$f" | grep -q "^$n: .*demos/nginx.sh" && ! command -v nginx >/dev/null; then
				echo "# $f, block $n: skipped, no nginx (sudo make deps)" >&3
				continue
			fi
			if sh_blocks "$f" | grep -q "^$n: .*demos/kafka.sh" &&
				! { compgen -G "${ZC_KAFKA_LIB:-$ROOT/build/kafka/lib}/kafka_2.13-*.jar" >/dev/null && command -v kcat >/dev/null; }; then
				echo "# $f, block $n: skipped, no Apache Kafka's jars or no kcat (sudo make deps)" >&3
				continue
			fi
			d=$(cannot_run "$(sh_blocks "$f" | sed -n "s/^$n: //p")")
			if [ -n "$d" ]; then
				echo "# $f, block $n: skipped, $d cannot run here" >&3
				continue
			fi
			run_block "$f" "$n"
		done
	done
	no_bpf_left
}

# marker_parts MARKER KIND: "<!-- KIND: ARGS | JQ = VALUE -->" into the
# variables args, expr and want
marker_parts() {
	local spec=${1#<!-- $2: }
	spec=${spec% -->}
	args=${spec%% | *}
	expr=${spec#* | }
	want=${expr##* = }
	expr=${expr% = *}
}

# check_value GOT WANT: WANT is exact (the same text, or the same number:
# 131.0 is jq's 131), or ~N (within 2 %)
check_value() {
	local num='^-?[0-9]+(\.[0-9]+)?$'
	case $2 in
	~*) within "$1" "${2#\~}" "$(awk -v w="${2#\~}" 'BEGIN { w = w < 0 ? -w : w; print (w > 1 ? 0.02 * w : 0.02) }')" ;;
	*) [ "$1" = "$2" ] || { [[ $1 =~ $num && $2 =~ $num ]] && awk -v a="$1" -v b="$2" 'BEGIN { exit !(a == b) }'; } ;;
	esac
}

@test "the numbers the lessons state are what zcviz measures here" {
	require_bpf
	declare -A cache
	local spec args expr want got
	while IFS= read -r spec; do
		marker_parts "$spec" zcviz
		[ -z "$(cannot_run "$args")" ] || continue
		if [ -z "${cache[$args]:-}" ]; then
			cache[$args]=$(zcviz --json $args 2>/dev/null) || fail "zcviz --json $args failed"
		fi
		got=$(jq -r "$expr" <<<"${cache[$args]}")
		check_value "$got" "$want" || fail "zcviz --json $args | jq '$expr' = $got; the lessons say $want"
	done < <(cat lessons/en/*.md | grep -o '<!-- zcviz: [^>]* -->' | sort -u)
}

@test "the shipped traces replay to the end without root, and agree with the lessons" {
	local t spec args expr want got as=()
	[ "$(id -u)" = 0 ] && as=(as_nobody)
	for t in $DEMOS; do
		assert_file_exists "lessons/traces/$t.trace"
		run -0 --separate-stderr "${as[@]}" "$USER_ROOT/build/zcviz" --replay "$USER_ROOT/lessons/traces/$t.trace" --json
		assert_equal "$(jget "$output" .verified)" true
		assert_equal "$(jget "$output" .demo)" "$t"
	done
	# the exercises' variants and the lecture's classic.trace too: every
	# run of every shipped trace (one JSON object a run); a watched
	# server's (lesson 13's) nothing verifies: it says so
	for t in lessons/traces/*.trace; do
		run -0 --separate-stderr "${as[@]}" "$USER_ROOT/build/zcviz" --replay "$USER_ROOT/$t" --json
		[ "$(jq -s 'length > 0 and (map(.verified or .watched != null) | all)' <<<"$output")" = true ] ||
			fail "$t: a run not verified, or none"
	done
	while read -r t _; do
		assert_file_exists "lessons/traces/$t.trace"
	done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' lessons/traces/variants)
	while IFS= read -r spec; do
		marker_parts "$spec" trace
		got=$("${as[@]}" "$USER_ROOT/build/zcviz" --replay "$USER_ROOT/lessons/traces/$args" --json | jq -r "$expr")
		check_value "$got" "$want" || fail "the trace $args: jq '$expr' = $got; the lessons say $want"
	done < <(cat lessons/en/*.md | grep -o '<!-- trace: [^>]* -->' | sort -u)
}

# bench_json FILE: a results file of make bench (Markdown) as one JSON
# object. Each table is under the heading above it, without the heading's
# last parenthesis ("Cold page cache (evicted ...)" is "Cold page cache";
# a second table under the same heading is "HEADING (2)"); each row under
# its first cell (a row whose first cell is empty is "ABOVE / SECOND");
# each cell under its column's header. A cell that starts with a number
# is that number: the median of "131.0 (106.0-209.6)", 73 of "73 % less
# time"; any other cell is its text. The line "Machine: ..." is the key
# Machine, with the rest of the line as text.
bench_json() {
	awk -F'|' '
	function trim(x) { gsub(/^[ \t]+|[ \t]+$/, "", x); return x }
	/^Machine: / { printf "Machine\t\t\t%s\n", substr($0, 10); next }
	/^## / { h = substr($0, 4); sub(/ \([^()]*\)$/, "", h); n = 0; state = 0; next }
	/^\|/ {
		if (state == 0) { # a table begins: its header
			name = ++n > 1 ? h " (" n ")" : h
			for (i = 2; i < NF; i++) col[i] = trim($i)
			state = 1; next
		}
		if (state == 1) { state = 2; next } # the |---| line
		key = trim($2)
		if (key == "") key = above " / " trim($3); else above = key
		for (i = 3; i < NF; i++) printf "%s\t%s\t%s\t%s\n", name, key, col[i], trim($i)
		next
	}
	{ state = 0 }' "$1" |
		jq -R -s '[split("\n")[] | select(length > 0) | split("\t")] |
			reduce .[] as $c ({};
				($c[3] | if test("^-?[0-9]+(\\.[0-9]+)?( |$)") then split(" ")[0] | tonumber else . end) as $v |
				if $c[0] == "Machine" then .Machine = $c[3]
				else .[$c[0]][$c[1]][$c[2]] = $v end)'
}

@test "the numbers the lessons quote from a benchmark are what its results file says" {
	local spec args expr want got file
	declare -A cache
	while IFS= read -r spec; do
		marker_parts "$spec" bench
		file=tests/bench/$args
		assert_file_exists "$file"
		if [ -z "${cache[$args]:-}" ]; then
			cache[$args]=$(bench_json "$file") || fail "cannot read $file"
		fi
		got=$(jq -r "$expr" <<<"${cache[$args]}") || fail "$args: jq '$expr' failed"
		check_value "$got" "$want" || fail "$file: jq '$expr' = $got; the lessons say $want"
	done < <(cat lessons/en/*.md | grep -o '<!-- bench: [^>]* -->' | sort -u)
}

# output_json FILE: a shipped output (lessons/outputs/) as jq reads it: a
# .json file as it is, any other (what a run printed) as one JSON string
output_json() {
	case $1 in
	*.json) jq -c . "$1" ;;
	*) jq -R -s . "$1" ;;
	esac
}

@test "the numbers the lessons quote from a shipped output are what it says" {
	local spec args expr want got file n=0
	declare -A cache
	while IFS= read -r spec; do
		marker_parts "$spec" output
		file=lessons/outputs/$args
		assert_file_exists "$file"
		if [ -z "${cache[$args]:-}" ]; then
			cache[$args]=$(output_json "$file") || fail "jq cannot read $file"
		fi
		got=$(jq -r "$expr" <<<"${cache[$args]}") || fail "$args: jq '$expr' failed"
		[[ -n $got && $got != *$'\n'* ]] || fail "$file: jq '$expr' gives no single value: '$got'"
		check_value "$got" "$want" || fail "$file: jq '$expr' = $got; the lessons say $want"
		n=$((n + 1))
	done < <(cat lessons/en/*.md | grep -o '<!-- output: [^>]* -->' | sort -u)
	echo "# $n numbers checked against lessons/outputs/" >&3
}

@test "make lessons lists them" {
	run -0 make --no-print-directory lessons
	assert_line --partial "lessons/en/00-setup.md"
	assert_line --partial "lessons/ko/$(cd lessons/ko && ls -- *.md | tail -n 1)"
}

@test "the README's table of lessons names the traces each exercise replays (the lecture's: plan B's)" {
	local l n row want got
	for l in $LESSONS; do
		n=${l:0:2}
		row=$(grep -E "^\| $n \| " README.md) || fail "README.md: no row for lesson $n"
		if [ "$l" = "$(grep -- -lecture-plan <<<"$LESSONS")" ]; then
			want=$(sed -n '/<!-- s: fallback -->/,$p' "lessons/en/$l.md")
		else
			want=$(sed -n '/<!-- s: exercise -->/,$p' "lessons/en/$l.md")
		fi
		want=$(sh_blocks /dev/stdin <<<"$want" | grep -oE -- '--replay lessons/traces/[^ ]+\.trace' | sed 's|.*/||; s|\.trace$||' | sort -u)
		got=$(awk -F' [|] ' '{ print $4 }' <<<"$row" | grep -oE '`[a-z0-9-]+`' | tr -d '`' | sort -u)
		[ "$got" = "$want" ] || fail "README.md, lesson $n: names the traces
$got
where the lesson replays
$want"
	done
}

# ---- the lecture ---------------------------------------------------------------

@test "the lecture plays the article's four and their table, live and from a trace, turns scatter-gather off in one command, and ends on a check" {
	local plan d lang n
	for plan in lessons/*/*-lecture-plan.md; do
		lang=$(basename "$(dirname "$plan")")
		n=$(lesson_num "$plan")
		# live: the four with their table, then dma-gather without scatter-gather
		grep -qx '\$ sudo build/zcviz --step --size 1M classic' "$plan" ||
			fail "$plan: does not play the four with 'zcviz --step --size 1M classic'"
		grep -qx '\$ sudo build/zcviz --step --size 1M --sg off dma-gather' "$plan" ||
			fail "$plan: does not turn scatter-gather off in one command"
		! grep -nE 'ip netns exec|ethtool -K' "$plan" || fail "$plan: types lab commands by hand"
		# plan B: the same, from traces, the table included
		sh_blocks "$plan" | grep -qx '[0-9]*: build/zcviz --step --replay lessons/traces/classic.trace' ||
			fail "$plan: plan B does not replay classic.trace"
		sh_blocks "$plan" | grep -qx '[0-9]*: build/zcviz --step --replay lessons/traces/dma-gather-sg-off.trace' ||
			fail "$plan: plan B does not replay the run without scatter-gather"
		# the closing check: each of the four's copies and calls, from the trace
		sh_blocks "$plan" | grep -qx "[0-9]*: lessons/predict $n" || fail "$plan: no sheet for the closing check"
		[ "$lang" = en ] || grep -qF "lessons/predict $lang/$n" "$plan" || fail "$plan: no $lang sheet"
		for d in $(classic_demos); do
			grep -qF "<!-- predict: classic.trace | select(.demo == \"$d\") | .cpu_copies_per_byte | " "$plan" ||
				fail "$plan: the closing check does not ask $d's copies"
			grep -qF "<!-- predict: classic.trace | select(.demo == \"$d\") | .syscalls.total | " "$plan" ||
				fail "$plan: the closing check does not ask $d's system calls"
		done
	done
	# classic.trace is the four, in the table's order, and ends on their table
	run -0 --separate-stderr build/zcviz --replay lessons/traces/classic.trace --json
	assert_equal "$(jq -rs 'map(.demo) | join(" ")' <<<"$output")" "$(classic_demos | sed 's/ $//')"
	run -0 --separate-stderr build/zcviz --replay lessons/traces/classic.trace
	assert_line "Compared (same file, measured):"
}

@test "the lecture's timeline adds up: its rows follow each other from 0 to the title's minutes, 5 of them slack, and each part's heading is a row" {
	local plan total rows r a b end h
	for plan in lessons/*/*-lecture-plan.md; do
		total=$(head -n 1 "$plan" | grep -oE '[0-9]+(-minute|분)' | grep -oE '^[0-9]+')
		[ -n "$total" ] || fail "$plan: its title says no length"
		rows=$(sed -n '/<!-- s: timeline -->/,/<!-- s: [a-z]* -->$/p' "$plan" | sed -n 's/^| \([0-9]*-[0-9]*\) |.*/\1/p')
		[ -n "$rows" ] || fail "$plan: no timeline"
		end=0
		for r in $rows; do
			a=${r%-*} b=${r#*-}
			[ "$a" = "$end" ] || fail "$plan: the row $r starts at $a, the row before it ends at $end"
			[ "$b" -gt "$a" ] || fail "$plan: the row $r lasts no time"
			end=$b
		done
		[ "$end" = "$total" ] || fail "$plan: the timeline ends at $end, the title says $total"
		grep -qE "^\| $((total - 5))-$total \| (slack|여유) \|" "$plan" || fail "$plan: the last 5 minutes are not the slack"
		while IFS= read -r h; do
			grep -qx "$h" <<<"$rows" || fail "$plan: a heading says ($h), which is no row of the timeline"
		done < <(grep -E '^## .*\([0-9]+-[0-9]+\) <!-- s: ' "$plan" | sed 's/.*(\([0-9]*-[0-9]*\)).*/\1/')
		[ "$(grep -cE '^## .*\([0-9]+-[0-9]+\) <!-- s: ' "$plan")" = "$(($(wc -l <<<"$rows") - 1))" ] ||
			fail "$plan: not every row but the slack has its part"
	done
}

# ---- what the lessons say about themselves and the dashboard ---------------
# Claims that went stale once (a lesson renumbered, a demo added) and must
# not come back: each is held against the files or the code that decide it.

# lesson_num FILE: the number a lesson's file name gives it (09-beyond.md: 09)
lesson_num() {
	basename "$1" | cut -c1-2
}

@test "every lesson's title carries its file's number (make lessons prints it)" {
	local f want got
	for f in lessons/en/*.md lessons/ko/*.md; do
		want=$(lesson_num "$f")
		got=$(sed -n '1s/^# \([0-9][0-9]\) · .*/\1/p' "$f")
		[ "$got" = "$want" ] || fail "$f: its title says '$(head -n 1 "$f")', its file name $want"
	done
}

@test "a lesson cited by number exists, and the lecture's homework is those lessons' exercises" {
	local f n plan last cited nn args ex
	for f in lessons/en/*.md lessons/ko/*.md README.md; do
		for n in $(grep -oiE '(lessons?|레슨) [0-9]{2}((,| and| to|~) ?[0-9]{2})*' "$f" | grep -oE '[0-9]{2}' | sort -u); do
			compgen -G "lessons/en/$n-*.md" >/dev/null || fail "$f cites lesson $n, which does not exist"
		done
	done
	last=$(lesson_num "$(ls lessons/en/*.md | grep -v -- -lecture-plan | tail -n 1)")
	for plan in lessons/*/*-lecture-plan.md; do
		# "it follows lessons 00 to NN": NN is the last lesson
		for nn in $(tr '\n' ' ' <"$plan" | grep -oE '(lessons 00 to |레슨 00~)[0-9]{2}' | grep -oE '[0-9]{2}$'); do
			[ "$nn" = "$last" ] || fail "$plan: says lessons 00 to $nn; the last lesson is $last"
		done
		# homework: "NN (`ARGS`...": ARGS is in lesson NN's exercise
		cited=$(sed -n '/<!-- s: close -->/,/<!-- s: /p' "$plan" | tr '\n' ' ' | grep -oE '[0-9]{2} ?\(`[^`]+`')
		[ -n "$cited" ] || fail "$plan: the homework names no exercise"
		while IFS= read -r nn; do
			args=$(sed 's/^[0-9]* *(`\(.*\)`$/\1/' <<<"$nn")
			n=${nn:0:2}
			ex=$(sed -n '/<!-- s: exercise -->/,$p' "$(dirname "$plan")/$n"-*.md)
			grep -qF -- "$args" <<<"$ex" ||
				fail "$plan: the homework gives lesson $n's exercise as '$args'; lesson $n's exercise has no such command"
		done <<<"$cited"
	done
}

@test "the dashboard's demo keys are what the lessons and the README say" {
	local n f
	# viz/dash.c: demo_keys(), one key per demo of the table, at most 9
	n=$(demos_list | wc -l)
	[ "$n" -le 9 ] || n=9
	for f in lessons/en/*.md lessons/ko/*.md README.md; do
		if grep -nE '  1-[0-9]+ demo  ' "$f" | grep -vE "  1-$n demo  "; then
			fail "$f: a key bar with demo keys other than 1-$n"
		fi
		if grep -nE '`1`( to |~|-)`[0-9]+`' "$f" | grep -vE "\`1\`( to |~|-)\`$n\`"; then
			fail "$f: says the demo keys are other than 1 to $n"
		fi
	done
}

@test "the lessons and the README do not repeat claims that went stale" {
	local f re hits=""
	# each, a claim once made and since false: why is in the comment
	local -a stale=(
		# lesson 00 counted the lessons after it; there are more now
		'next (two|three|four|five|six|seven|eight|nine|ten) lessons'
		'이후 [^ ]+ 개 레슨'
		# zcviz all plays every demo this machine can run, not four
		'zcviz all` runs the four'
		'All four with the instrument'
		'네 개를 모두 실행'
		# a system call that blocks does give the CPU to another task
		'A system call does not hand the CPU'
		'시스템 콜은 CPU를 다른 태스크에 넘기지 않습니다'
		# the project's bench has mmap+write faster than read+write at every size
		'mmap was usually \*?slower'
		'mmap was usually \*?not\*? faster'
		'mmap은 대체로 [^.]*빠르지 \*?않았'
		'mmap은 [^.]*대체로 [^.]*느렸'
		'mmap이 대체로 traditional보다 느렸'
		# the JDK's TLS cannot hand its keys to the kernel: kTLS is no way back for Kafka
		'Kernel TLS would let the kernel encrypt'
		'커널 TLS가 있으면 커널이 `sendfile\(\)` 도중에'
		# Korean: the number of chunks doubles, not the chunk; "linear", not a
		# calque of "flat"; the seed's name for the article; "two exceptions";
		# the scheduler's switch is 문맥 교환, the article's is 모드 전환
		'청크가 두 배가 되므로'
		'평평한'
		'고전 아티클'
		'단서가 두 가지'
		'컨텍스트 스위치([^칭]|$)'
		'이 코스'
		# in a virtual machine the disk's "DMA" is the hypervisor's work
		'DMA by the disk controller'
		'디스크 컨트롤러의 DMA'
		# the lecture plays the article's four (classic), not every demo
		# (all: ten, three JVMs among them), and toggles scatter-gather in
		# one command, not in five lines typed into a lab made by hand
		'--size 1M all'
		'zclab-zl45'
		# lesson 09's nginx part is done without root, from the shipped
		# outputs of two runs of demos/nginx.sh (zcviz cannot record -p)
		'nginx part[^.|]*needs root'
		'but (the nginx part|lesson 09.s nginx part)'
		'asks nothing about it'
		'이 부분은 root가 필요'
		'nginx의 trace는 없고'
	)
	for f in lessons/en/*.md lessons/ko/*.md lessons/*.md README.md; do
		for re in "${stale[@]}"; do
			if grep -nE -- "$re" "$f" >/dev/null; then
				hits+="$f: $(grep -nE -- "$re" "$f" | head -n 1)"$'\n'
			fi
		done
	done
	[ -z "$hits" ] || fail "stale claims:
$hits"
}

# kafka_stale FILE: what FILE says of Kafka that Kafka 4 made untrue, a
# line each ("FILE: why: the paragraph"). It judges a paragraph at a time
# (a table's rows one by one; an answer in <details> with its question;
# a question itself, ending in "?", claims nothing): a broker converting
# records to an older format for old consumers (down-conversion) told as
# anything but gone since Kafka 4.0, which removed it; and kernel TLS
# named beside Kafka without saying that the JDK's TLS cannot use it (it
# cannot hand its keys to the kernel, so a broker sends with sendfile()
# only on plaintext listeners)
kafka_stale() {
	awk -v f="$1" '
	function check(p, ctx,   l) {
		l = tolower(ctx "\n" p)
		if ((l ~ /down-?conver|다운 ?컨버전/ || (l ~ /kafka/ && l ~ /convert|변환/ && l ~ /format|형식/)) &&
			!(l ~ /kafka 4\.0/ && l ~ /removed|gone|no longer|없앴|사라졌|제거/))
			print f ": down-conversion, not as gone since Kafka 4.0: " p
		if (l ~ /kafka/ && l ~ /ktls|kernel tls|커널 tls|커널의 tls/ && p !~ /\?[ \t\n]*$/ &&
			l !~ /jdk.s tls[^.]*(cannot|has no|no way)/ && l !~ /jdk의 tls[^.]*(없|못)/)
			print f ": Kafka and kernel TLS, without saying the JDK cannot use it: " p
	}
	BEGIN { RS = "" }
	# a numbered question, and the answer folded away after it
	/^[0-9]+\. / { q = $0; inq = 0 }
	/^<details>/ { inq = q != ""; next }
	/^<\/details>/ { q = ""; inq = 0; next }
	!/^[0-9]+\. / && !/^<details>/ && !inq { q = "" }
	/^\|/ { n = split($0, rows, "\n"); for (i = 1; i <= n; i++) check(rows[i], ""); next }
	{ check($0, inq ? q : "") }' "$1"
}

@test "what the lessons say of Kafka holds for Kafka 4: down-conversion only as gone since 4.0, kernel TLS never as a way back to sendfile(), and lesson 11 is Kafka's in both languages, with the same sections" {
	local f lang s hits
	for lang in en ko; do
		f=lessons/$lang/11-kafka.md
		assert_file_exists "$f"
		head -n 1 "$f" | grep -q '^# 11 · .*Kafka' || fail "$f: its title is not Kafka's: $(head -n 1 "$f")"
		[ "$(markers "$f" s | tr '\n' ' ')" = "$(for s in learn picture code predict run observe explain questions exercise; do echo "<!-- s: $s -->"; done | tr '\n' ' ')" ] ||
			fail "$f: its sections are not a lesson's: $(markers "$f" s | tr '\n' ' ')"
	done
	hits=$(for f in lessons/en/*.md lessons/ko/*.md lessons/*.md README.md; do kafka_stale "$f"; done)
	[ -z "$hits" ] || fail "claims about Kafka that Kafka 4 made untrue:
$hits"
}

@test "the article's own '65 %' is discussed once, against its table (its table shows 46-71 %)" {
	local f
	for f in lessons/en/*.md lessons/ko/*.md; do
		case $f in */10-*) continue ;; esac
		if grep -nE '65 ?%' "$f"; then
			fail "$f quotes the article's 65 %; lesson 10 sets it beside the article's table, which shows 46-71 % less time"
		fi
	done
}

@test "every relative link in the lessons and the README points to a file, and both courses link the glossary" {
	local f target
	for f in lessons/*.md lessons/en/*.md lessons/ko/*.md README.md; do
		while IFS= read -r target; do
			target=${target%%#*}
			[ -n "$target" ] || continue
			assert_file_exists "$(dirname "$f")/$target"
		done < <(grep -oE '\]\([^)]+\)' "$f" | sed 's/^](//; s/)$//' | grep -vE '^[a-z]+:')
	done
	grep -q '](../glossary.md)' lessons/en/00-setup.md || fail "lessons/en/00-setup.md does not link the glossary"
	grep -q '](../glossary.md)' lessons/ko/00-setup.md || fail "lessons/ko/00-setup.md does not link the glossary"
}
