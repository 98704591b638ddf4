#!/usr/bin/env bats
# --record writes a trace that --replay plays back without root or BPF, to
# the same final counters; a bad trace (truncated, empty, binary, another
# version, too large, malformed) is one line and exit 2, never a crash.

setup_file() {
	load test_helper/common-setup
	_common_setup
	# a world-readable place: the replays run as a user without root
	export SHARE
	SHARE=$(mktemp -d /tmp/zc-replay.XXXX)
	chmod 755 "$SHARE"
}

teardown_file() {
	rm -rf "$SHARE"
}

setup() {
	load test_helper/common-setup
	_common_setup
	export LANG=C.UTF-8
}

teardown() {
	tmux_stop
}

# as_user CMD...: without root (nobody, when we are root)
as_user() {
	if [ "$(id -u)" = 0 ]; then
		as_nobody "$@"
	else
		"$@"
	fi
}

recorded() { # recorded: a trace of a real mmap run (needs root)
	require_bpf
	[ -s "$SHARE/mmap.trace" ] ||
		zcviz --json --size 2M --record "$SHARE/mmap.trace" mmap >"$SHARE/mmap.json"
	chmod 644 "$SHARE/mmap.trace"
}

same_counts() { # same_counts JSON JSON
	local key
	for key in .verified .file_bytes .chunk_bytes .sg .edges .cpu_copy_bytes \
		.cpu_copies_per_byte .syscalls .mode_switches .context_switches \
		.page_faults .receiver_copy_bytes .elapsed_ns .sender_cpu_ns .egress; do
		assert_equal "$key=$(jget "$2" "$key")" "$key=$(jget "$1" "$key")"
	done
}

@test "--replay as a user without root reports the recorded counters" {
	recorded
	run -0 --separate-stderr as_user "$USER_ROOT/build/zcviz" --replay "$SHARE/mmap.trace" --json
	same_counts "$(cat "$SHARE/mmap.json")" "$output"
	run -0 as_user "$USER_ROOT/build/zcviz" --replay "$SHARE/mmap.trace" --report
	assert_line --regexp "^  CPU copies of the file +1\.00 x file size +theory 1 +\[ok\]"
}

@test "the replayed dashboard ends on the recorded counters" {
	recorded
	local json
	json=$(cat "$SHARE/mmap.json")
	tmux_start 80x24 "runuser -u nobody -- $USER_ROOT/build/zcviz --replay $SHARE/mmap.trace"
	tmux_wait "zcviz \(replay\)  mmap"
	tmux_keys f
	tmux_wait "\[done\]"
	assert_equal "$(screen_number syscalls)" "$(jget "$json" .syscalls.total)"
	assert_equal "$(screen_number 'mode switches')" "$(jget "$json" .mode_switches)"
	assert_equal "$(screen_number 'page faults')" "$(jget "$json" .page_faults)"
	run tmux_screen
	assert_output --partial "checksum verified"
	assert_output --partial "mmap(): mapped"
	# the key bar offers only what a replay of one warm run can do
	refute_output --partial "c cold"
	refute_output --partial "1-4 demo"
	tmux_keys c
	tmux_wait "that run is not in this recording"
	tmux_keys q
	tmux_wait "EXIT=0"
}

@test "a replay's report says it is one, and of what" {
	recorded
	run -0 as_user "$USER_ROOT/build/zcviz" --replay "$SHARE/mmap.trace" --report
	assert_line --regexp "^  replay of a run recorded by zcviz [0-9.]+, kernel $(uname -r) "
	run -0 as_user "$USER_ROOT/build/zcviz" --replay "$SHARE/mmap.trace" --json
	assert_equal "$(jget "$output" .replay_of)" "zcviz $("$USER_ROOT/build/zcviz" --version | awk '{ print $2 }'), kernel $(uname -r) $(uname -m)"
	# a live run is no replay
	assert_equal "$(jget "$(cat "$SHARE/mmap.json")" '.replay_of // "live"')" live
}

@test "a replay steps one syscall per space, like a live run" {
	recorded
	tmux_start 80x24 "runuser -u nobody -- $USER_ROOT/build/zcviz --step --replay $SHARE/mmap.trace"
	tmux_wait "\[step: space\]"
	tmux_keys Space
	tmux_wait "last syscalls \(1 seen\)"
	tmux_keys Space
	tmux_wait "last syscalls \(2 seen\)"
	run tmux_screen
	assert_output --regexp "mmap\(NULL, 2097152, PROT_READ, MAP_SHARED, [0-9]+, 0\) = 0x[0-9a-f]+   mapped"
}

# bad_trace CONTENT-COMMAND REASON: exit 2 with one line naming it
bad_trace() {
	local f="$SHARE/bad.trace"
	eval "$1" >"$f"
	chmod 644 "$f"
	run -2 as_user "$USER_ROOT/build/zcviz" --replay "$f" --json
	assert_output --regexp "^zcviz: cannot replay: .*$2"
	assert_equal "${#lines[@]}" 1
}

@test "an empty trace is refused" {
	bad_trace "true" "is empty"
}

@test "a truncated trace is refused" {
	recorded
	bad_trace "head -n 20 '$SHARE/mmap.trace'" "is truncated"
	bad_trace "head -n 30 '$SHARE/mmap.trace' | head -c -5" "is truncated: its last line is cut"
}

@test "a binary file is refused" {
	bad_trace "head -c 4096 /dev/urandom" "binary data"
	bad_trace "printf 'zcviz-trace 1\\n\\0\\0\\0end\\n'" "binary data"
}

@test "a trace of another version is refused" {
	bad_trace "printf 'zcviz-trace 4\\nend\\n'" "is a version 4 trace; this zcviz reads versions 1 to 3"
	bad_trace "printf 'hello\\n'" "is not a zcviz trace"
}

@test "an oversized trace is refused" {
	local f="$SHARE/big.trace"
	{ echo "zcviz-trace 1"; head -c $((65 * 1024 * 1024)) /dev/zero | tr '\0' '#'; } >"$f"
	chmod 644 "$f"
	run -2 as_user "$USER_ROOT/build/zcviz" --replay "$f"
	assert_output --partial "is too large for a trace (at most 64 MiB)"
	rm -f "$f"
}

@test "malformed lines are refused with their line number" {
	bad_trace "printf 'zcviz-trace 1\\nrun mmap 1 1 1 0 0 0 0 lo\\ne 1 2 x\\nend-run\\nend\\n'" "line 3: malformed e line"
	bad_trace "printf 'zcviz-trace 1\\nrun scp 1 1 1 0 0 0 0 lo\\nend\\n'" "line 2: malformed run line"
	bad_trace "printf 'zcviz-trace 1\\nend\\n'" "holds no runs"
	bad_trace "printf 'zcviz-trace 1\\nrun mmap 1 1 1 0 0 0 0 lo\\nc 1 99999999999 1\\nend-run\\nend\\n'" "line 3: malformed c line"
}

@test "a missing trace, or --record with --replay, is a usage error" {
	run -2 zcviz --replay /nonexistent/x.trace
	assert_output --partial "cannot read '/nonexistent/x.trace': No such file or directory"
	run -2 zcviz --replay a --record b
	assert_output --partial "give --record or --replay, not both"
}

@test "a trace that is only a newline is refused, not a crash" {
	bad_trace "printf '\\n'" "is not a zcviz trace"
	bad_trace "printf 'zcviz-trace 1\\n\\n'" "does not end with an 'end' line"
}

# runs_trace N: a trace of N copies of a lesson's run
runs_trace() {
	local body
	body=$(sed -e '1d' -e '/^end$/d' "$ROOT/lessons/traces/mmap.trace")
	{
		echo "zcviz-trace 1"
		for _ in $(seq "$1"); do printf '%s\n' "$body"; done
		echo end
	} >"$SHARE/runs.trace"
	chmod 644 "$SHARE/runs.trace"
}

@test "a trace of more runs than there are demos replays every one" {
	runs_trace 6
	run -0 --separate-stderr as_user "$USER_ROOT/build/zcviz" --replay "$SHARE/runs.trace" --json
	assert_equal "${#lines[@]}" 6
	for i in 0 1 2 3 4 5; do
		assert_equal "$(jget "${lines[$i]}" .cpu_copies_per_byte)" 1
	done
	run -0 as_user "$USER_ROOT/build/zcviz" --replay "$SHARE/runs.trace" --report
	assert_equal "$(grep -cE '^  mmap +on +1\.00 x ok' <<<"$output")" 6
}

@test "two traces joined by cat are refused in one line, not replayed as the first alone" {
	local a="$ROOT/lessons/traces/mmap.trace" b="$ROOT/lessons/traces/sendfile.trace" n
	n=$(($(wc -l <"$a") + 1))
	bad_trace "cat '$a' '$b'" "line $n: a second trace starts after the first one's 'end' line: a file holds one trace; replay each on its own$"
	bad_trace "cat '$a'; echo 'run mmap 1 1 1 0 0 0 0 lo'" "line $n: the trace goes on after its 'end' line: a file holds one trace, which ends there; cut what follows$"
	# what is nothing anywhere, a comment or a blank line, is nothing there
	local f="$SHARE/tail.trace"
	{ cat "$a"; printf '\n# replayed in class\n'; } >"$f"
	chmod 644 "$f"
	run -0 --separate-stderr as_user "$USER_ROOT/build/zcviz" --replay "$f" --json
	assert_equal "$(jget "$output" .demo)" mmap
}

@test "a trace of more runs than the limit is refused" {
	runs_trace 1001
	run -2 as_user "$USER_ROOT/build/zcviz" --replay "$SHARE/runs.trace" --json
	assert_output --regexp "^zcviz: cannot replay: line [0-9]+: more runs than a trace may hold \(1000\)$"
}

# 200 runs: some 300 KB of reports, far more than a pipe holds (64 KiB),
# so zcviz is still printing when its reader goes away or a signal comes
@test "a replay's reader going away mid-report (| head -n 1) ends it with 141, never a crash" {
	runs_trace 200
	run --separate-stderr bash -c '"$1" --replay "$2" --report | head -n 1; exit "${PIPESTATUS[0]}"' \
		_ "$USER_ROOT/build/zcviz" "$SHARE/runs.trace"
	assert_equal "$status" 141
	assert_equal "$output" "mmap: 2097152 bytes, chunk 131072, warm cache"
	# nobody is left to tell
	assert_equal "$stderr" ""
}

@test "SIGTERM while a replay prints its reports ends it with 143, never a crash" {
	local fifo="$BATS_TEST_TMPDIR/out" first pid rc=0
	runs_trace 200
	mkfifo "$fifo"
	"$USER_ROOT/build/zcviz" --replay "$SHARE/runs.trace" --report \
		>"$fifo" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	# (bats writes its results to fd 3: the reading end is fd 4)
	exec 4<"$fifo"
	# ready: its first line has come, and the rest waits for the pipe,
	# which we do not read until the signal is sent
	read -r first <&4
	assert_equal "$first" "mmap: 2097152 bytes, chunk 131072, warm cache"
	kill -TERM "$pid"
	timeout 60 cat <&4 >"$BATS_TEST_TMPDIR/rest"
	exec 4<&-
	wait "$pid" || rc=$?
	assert_equal "$rc" 143
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "zcviz: stopped by signal 15"
	# stopped mid-way: no comparison table of runs half read
	! grep -q '^Compared' "$BATS_TEST_TMPDIR/rest" || fail "a table after the signal"
}

@test "a 16 MiB syscall line is read, not chewed on for minutes" {
	local f="$SHARE/long.trace"
	{
		printf 'zcviz-trace 1\nrun mmap 1 1 1 0 0 0 0 lo\ns'
		head -c $((16 * 1024 * 1024 / 4)) /dev/zero | sed 's/\x0/ 1:1/g'
		printf '\nend-run\nend\n'
	} >"$f"
	chmod 644 "$f"
	# a bound against a hang, far beyond what it takes (under a second;
	# the quadratic reader took more than 12 minutes)
	run -1 --separate-stderr timeout 120 "$USER_ROOT/build/zcviz" --replay "$f" --json
	assert_equal "$(jget "$output" .syscalls.write)" 1
}

@test "a signal while a trace is read stops zcviz before it prints anything" {
	local f="$SHARE/big.trace" line
	line='e 1087642 0 832 4 140732803130584 832 0 140732803130551 0 0 0'
	{
		printf 'zcviz-trace 1\nrun mmap 1 1 1 0 0 0 0 lo\n'
		yes "$line" | head -n 100000
		printf 'end-run\nend\n'
	} >"$f"
	chmod 644 "$f"
	# SIGTERM is pending, blocked, when zcviz starts: it arrives the
	# moment zcviz unblocks it, before the trace is read
	run --separate-stderr perl -MPOSIX -e \
		'sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGTERM)); kill TERM => $$; exec @ARGV or exit 127' \
		"$USER_ROOT/build/zcviz" --replay "$f" --json
	assert_equal "$status" 143
	assert_equal "$output" ""
	assert_equal "$stderr" "zcviz: stopped by signal 15"
}

@test "invalid UTF-8 and control characters in a trace reach no output" {
	local f="$SHARE/utf8.trace"
	printf 'zcviz-trace 1\nrun mmap 1 1 1 0 0 0 0 l\xffo"\\\nsender a\xff\xfe \xc2\x9b[2J \xe2\x82\nsink \xed\xa0\x80 ok \xf0\x9f\x99\x82\nend-run\nend\n' >"$f"
	chmod 644 "$f"
	run -1 --separate-stderr as_user "$USER_ROOT/build/zcviz" --replay "$f" --json
	# strict UTF-8 (iconv fails on any invalid byte), strict JSON (jq)
	iconv -f UTF-8 -t UTF-8 <<<"$output" >/dev/null || fail "not UTF-8: $output"
	assert_equal "$(jget "$output" .egress)" 'l?o"\'
	assert_equal "$(jget "$output" .sender)" "a?? ??[2J ??"
	assert_equal "$(jget "$output" .receiver_line)" "??? ok 🙂"
	run -1 as_user "$USER_ROOT/build/zcviz" --replay "$f" --report
	iconv -f UTF-8 -t UTF-8 <<<"$output" >/dev/null || fail "not UTF-8: $output"
	refute_output --regexp $'[\x01-\x08\x0b-\x1f\x7f]'
}

# counters_set TRACE INDEX VALUE...: the trace, its last counters line
# with those counters set (and as many counters as that takes)
counters_set() {
	local f=$1
	shift
	awk -v sets="$*" '
		/^c / { last = NR }
		{ line[NR] = $0 }
		END {
			split(line[last], f, " ")
			n = f[3]
			for (i = 0; i < n; i++) v[i] = f[i + 4]
			k = split(sets, kv, " ")
			for (j = 1; j < k; j += 2) {
				for (i = n; i <= kv[j]; i++) v[i] = 0
				if (kv[j] >= n) n = kv[j] + 1
				v[kv[j]] = kv[j + 1]
			}
			s = "c " f[2] " " n
			for (i = 0; i < n; i++) s = s " " v[i]
			line[last] = s
			for (i = 1; i <= NR; i++) print line[i]
		}' "$f"
}

@test "what the instrument missed at the device is said, never a silent shortfall" {
	local f="$SHARE/missed.trace"
	# 35: the kernel skipped our programs; 34: packets it could not read;
	# 20: payload queued (paged) beyond what the device took
	counters_set "$ROOT/lessons/traces/mmap.trace" 35 5 34 2 20 2098600 >"$f"
	chmod 644 "$f"
	run -0 as_user "$USER_ROOT/build/zcviz" --replay "$f" --report
	assert_line "  note: the kernel skipped our programs 5 times (already running on that CPU);"
	assert_line "  note: 2 packets on the device could not be read; the NIC figures miss them."
	assert_line "  note: 1448 bytes were queued to the device and dropped before it"
	run -0 as_user "$USER_ROOT/build/zcviz" --replay "$f" --json
	assert_equal "$(jget "$output" .programs_missed)" 5
	assert_equal "$(jget "$output" .unparsed_skbs)" 2
	assert_equal "$(jget "$output" .dropped_bytes)" 1448
}

@test "bytes the socket took in a syscall the table does not know are said, on no arrow" {
	local f="$SHARE/unknown.trace"
	# 39, 40: bytes and calls of syscalls viz/syscalls.c does not know
	counters_set "$ROOT/lessons/traces/mmap.trace" 39 4096 40 2 >"$f"
	chmod 644 "$f"
	run -0 as_user "$USER_ROOT/build/zcviz" --replay "$f" --report
	assert_line "  note: 4096 bytes went into the socket in 2 calls of syscalls zcviz's table"
	run -0 as_user "$USER_ROOT/build/zcviz" --replay "$f" --json
	assert_equal "$(jget "$output" .unknown_send_bytes)" 4096
	assert_equal "$(jget "$output" .cpu_copy_bytes)" 2097152
}

@test "bytes the device sent while the kernel ran none of our programs are said, not guessed" {
	local f="$SHARE/unseen.trace"
	# 42: a hole in the flow's sequence numbers at the device's xmit;
	# 43: packets the programs saw there; 44: the device's own count
	counters_set "$ROOT/lessons/traces/sendfile.trace" 42 65160 43 1400 44 1445 >"$f"
	chmod 644 "$f"
	run -0 as_user "$USER_ROOT/build/zcviz" --replay "$f" --report
	assert_line "  note: 65160 bytes of the flow left the device while the kernel ran none of"
	# recorded before zcviz heard TCP's count: the figures stay what the
	# programs saw, and the hole is said beside them
	assert_line --partial "A hole in their sequence numbers shows them"
	assert_line --regexp '^  socket buffer -> NIC +DMA +2097152 '
	assert_line --regexp '^    unseen: on no figure here +65160$'
	assert_line --partial "zcviz's programs saw 1400."
	run -0 as_user "$USER_ROOT/build/zcviz" --replay "$f" --json
	assert_equal "$(jget "$output" .unseen_bytes)" 65160
	assert_equal "$(jget "$output" .tcp)" null
	assert_equal "$(jget "$output" '.device_bytes_by | "\(.programs) \(.tcp_only)"')" "2097152 0"
	assert_equal "$(jget "$output" .device_tx_packets)" 1445
	assert_equal "$(jget "$output" .seen_tx_packets)" 1400
}

# beyond WHAT: the reason a count no run can hold is refused with
beyond() {
	echo "line [0-9]+: run 1 \(traditional\): $1, more than a run can count \(at most 72057594037927936\); the trace is damaged or was made by hand: record the run again$"
}

@test "a trace whose counts no run can hold is refused in one line, before anything adds them up" {
	local t="$ROOT/lessons/traces/traditional.trace" big=9223372036856872960
	# 2^63 + 2 MiB read (2) and copied into the socket (9): added up,
	# they wrapped past 2^64 to twice the file, "2.00 x [ok]"
	bad_trace "counters_set '$t' 2 $big 9 $big" "$(beyond "file_read_bytes is $big")"
	# the CPU time's user and sys (30, 31): their sum wrapped to 1, and
	# the run's time times 2^63 did not fit the result (undefined)
	bad_trace "counters_set '$t' 30 9223372036854775809 31 9223372036854775808" \
		"$(beyond "cpu_user_ns is 9223372036854775809")"
	bad_trace "sed 's/^result 1 6380000 /result 1 18446744073709551615 /' '$t'" \
		"$(beyond "rusage_user_ns is 18446744073709551615")"
	# each syscall's count may be possible, not all of them together
	bad_trace "sed 's/^s 0:16 1:16$/s 0:72057594037927936 1:16/' '$t'" \
		"$(beyond "its syscalls add up to 72057594037927952")"
}

@test "a trace naming more calls than sys_enter counted has no other calls, not 2^64 less some" {
	local f="$SHARE/calls.trace"
	# 16 read()s and 100 write()s, of 32 calls
	sed 's/^s 0:16 1:16$/s 0:16 1:100/' "$ROOT/lessons/traces/traditional.trace" >"$f"
	chmod 644 "$f"
	run -0 --separate-stderr as_user "$USER_ROOT/build/zcviz" --replay "$f" --json
	assert_equal "$(jget "$output" .syscalls.total)" 32
	assert_equal "$(jget "$output" .syscalls.other)" 0
}

@test "first_ns and last_ns are instants, not counts: a machine up for centuries replays" {
	local f="$SHARE/uptime.trace"
	# 28, 29: ns since boot, 584 years in, 5.586503 ms apart
	counters_set "$ROOT/lessons/traces/traditional.trace" 28 18446744073000000000 29 18446744073005586503 >"$f"
	chmod 644 "$f"
	run -0 --separate-stderr as_user "$USER_ROOT/build/zcviz" --replay "$f" --json
	assert_equal "$(jget "$output" .elapsed_ns)" 5586503
}

@test "a program's many syscalls after its last data call leave the log on its data calls" {
	local f="$SHARE/tail.trace" t
	# 80 sched_yield()s after the last sendfile(), as LeakSanitizer makes
	# at exit: more than the log holds
	t=$(grep '^e [0-9]* 40 ' "$ROOT/lessons/traces/sendfile.trace" | tail -n 1 | cut -d' ' -f2)
	awk -v t="$t" '{ print } $1 == "e" && $2 == t && $3 == 40 {
		for (i = 1; i <= 80; i++) printf "e %d 24 0 0 0 0 0 0 0 0 0\n", t + i }' \
		"$ROOT/lessons/traces/sendfile.trace" >"$f"
	chmod 644 "$f"
	local as=""
	[ "$(id -u)" = 0 ] && as="runuser -u nobody --"
	tmux_start 80x24 "$as $USER_ROOT/build/zcviz --replay $f"
	tmux_wait "zcviz \(replay\)  sendfile"
	tmux_keys f
	tmux_wait "\[done\]"
	run tmux_screen
	assert_line --regexp "^  sendfile\(5, 4, &off, 131072\) = 131072   page ref$"
	refute_output --partial "syscall 24("
}

# differs OLD NEW: the paths of OLD's values that NEW does not hold alike
# (NEW may have keys OLD has not: keys are only added)
differs() {
	jq -rn --argjson a "$1" --argjson b "$2" \
		'[$a | paths(scalars) as $p | select(($a | getpath($p)) != ($b | getpath($p))) | $p | map(tostring) | join(".")] | join(" ")'
}

@test "the version 1 traces in lessons/traces replay to the JSON they did before version 2" {
	local d f
	for f in "$ROOT"/tests/fixtures/v1-replay/*.json; do
		d=$(basename "$f" .json)
		assert_equal "$(head -n 1 "$ROOT/lessons/traces/$d.trace")" "zcviz-trace 1"
		run -0 --separate-stderr as_user "$USER_ROOT/build/zcviz" --replay "$USER_ROOT/lessons/traces/$d.trace" --json
		assert_equal "$d: $(differs "$(cat "$f")" "$output")" "$d: "
	done
}

# v2_trace: a version 2 trace of a real run, made once (needs root)
v2_trace() {
	recorded
	assert_equal "$(head -n 1 "$SHARE/mmap.trace")" "zcviz-trace 3"
	grep -q '^counters sys_enter ' "$SHARE/mmap.trace" || fail "no counters line"
}

@test "a version 2 trace names its counters: their order, unknown names and missing ones are read by name" {
	local f="$SHARE/renamed.trace" want
	v2_trace
	want=$(as_user "$USER_ROOT/build/zcviz" --replay "$SHARE/mmap.trace" --json)
	# the counters backwards, and one this zcviz does not know in front
	awk '$1 == "counters" { s = "counters from_the_future"; for (i = NF; i > 1; i--) s = s " " $i; print s; next }
		$1 == "c" { s = "c " $2 " " ($3 + 1) " 42"; for (i = NF; i > 3; i--) s = s " " $i; print s; next }
		{ print }' "$SHARE/mmap.trace" >"$f"
	chmod 644 "$f"
	run -0 --separate-stderr as_user "$USER_ROOT/build/zcviz" --replay "$f" --json
	assert_equal "$(differs "$want" "$output")" ""
	# without its name, a counter is 0: here the bytes write() sent
	awk '$1 == "counters" { for (i = 2; i <= NF; i++) if ($i == "send_copy_bytes") k = i }
		$1 == "counters" || $1 == "c" { s = $1; for (i = 2; i <= NF; i++) if (i != ($1 == "c" ? k + 2 : k)) s = s " " ($1 == "c" && i == 3 ? $3 - 1 : $i); print s; next }
		{ print }' "$SHARE/mmap.trace" >"$f"
	run -0 --separate-stderr as_user "$USER_ROOT/build/zcviz" --replay "$f" --json
	assert_equal "$(jget "$output" .edges.user_to_socket.bytes)" 0
	assert_equal "$(jget "$want" .edges.user_to_socket.bytes)" 2097152
}

@test "a counters line out of place, a counter named twice, or a c line of another length is refused" {
	bad_trace "printf 'zcviz-trace 2\\ncounters sys_enter sys_enter\\nend\\n'" "line 2: a counter named twice"
	bad_trace "printf 'zcviz-trace 1\\ncounters sys_enter\\nend\\n'" "line 2: a counters line where none belongs"
	bad_trace "printf 'zcviz-trace 2\\ncounters sys_enter\\ncounters sys_exit\\nend\\n'" "line 3: a counters line where none belongs"
	bad_trace "printf 'zcviz-trace 2\\ncounters sys_enter sys_exit\\nrun mmap 1 1 1 0 0 0 0 lo\\nc 1 3 1 2 3\\nend-run\\nend\\n'" "line 4: malformed c line"
	bad_trace "printf 'zcviz-trace 2\\nrun mmap 1 1 1 0 0 0 0 lo\\nc 1 1 5\\nend-run\\nend\\n'" "line 3: malformed c line"
}

@test "without clang, bpftool or the kernel's BTF, make builds a replay-only zcviz: it replays every lesson trace, and the live modes exit 3 in one line" {
	local b how t
	for how in CLANG=/nonexistent BPFTOOL=/nonexistent VMLINUX_BTF=/nonexistent; do
		b="$BATS_TEST_TMPDIR/${how%%=*}"
		run -0 --separate-stderr make -s -C "$ROOT" BUILD="$b" "$how" "$b/zcviz"
		assert_regex "$stderr" "SKIP +zcviz's live modes: no (clang|bpftool|BTF \\(/nonexistent\\)); building a replay-only zcviz"
		[ ! -e "$b/zc.bpf.o" ] || fail "$how: the BPF program was built"
		for t in "$ROOT"/lessons/traces/*.trace; do
			run -0 --separate-stderr "$b/zcviz" --replay "$t" --json
			# a run a line (classic.trace holds four): every one, but a
			# watched server's (lesson 13's), which nothing verifies
			assert_equal "$(jq -s 'all(.verified or .watched != null)' <<<"$output")" true
		done
		run -3 "$b/zcviz" --json --size 1M traditional
		assert_output --regexp "^zcviz: this zcviz was built replay-only \\(no (clang|bpftool|BTF \\(/nonexistent\\)) when it was built\\): install what is missing \\(sudo make deps\\) and run make again, or watch a recorded run with --replay FILE$"
		run -3 "$b/zcviz" -p $$
		assert_output --partial "built replay-only"
		run -0 "$b/zcviz" --help
		assert_line "--replay works; sudo make deps, then make, for the rest."
	done
}

@test "a trace of a watched program and of a command (version 3) replays without root to their rows, files, flows and verdicts" {
	local t="$ROOT/tests/fixtures/traces/watched-and-command.trace"
	run -0 as_user zcviz --replay "$t" --json
	assert_equal "${#lines[@]}" 2
	assert_equal "$(jq -r .demo <<<"${lines[0]}")" "pid 4242"
	assert_equal "$(jq -c .watched <<<"${lines[0]}")" '{"pid":4242,"comm":"nginx","ns":2000000000,"received_copy_bytes":0}'
	assert_equal "$(jq -r '.files[0].name, .files[0].sendfile_calls' <<<"${lines[0]}" | tr '\n' ' ')" "sample-64M.bin 69 "
	assert_equal "$(jq -r '.flows[0].local, .flows[0].copied_bytes, .flows[0].verdict' <<<"${lines[0]}")" "127.0.0.1:8080
262
sent by page reference (sendfile or splice), not copied into the socket (0.00 CPU copies per byte)"
	assert_equal "$(jq -r .demo <<<"${lines[1]}")" zc-traditional
	assert_equal "$(jq -r .command <<<"${lines[1]}")" "zc-traditional --to {sink} {file}"
	assert_equal "$(jq -r .theory_cpu_copies_per_byte <<<"${lines[1]}")" 2
}

@test "a version 3 trace's lines of a run outside the table are checked: one line and exit 2 for each bad one" {
	local t="$ROOT/tests/fixtures/traces/watched-and-command.trace" bad="$BATS_TEST_TMPDIR/bad.trace"
	# a watched line in a run of the table's
	sed 's/^run zc-traditional /run traditional /; s/^command 2 .*/watched 1 1 0 x/' "$t" >"$bad"
	run -2 zcviz --replay "$bad" --json
	assert_output --regexp "^zcviz: cannot replay: line [0-9]+: malformed line of a command's or a watched program's run"
	# a flow line short of its counts
	sed 's/^\(wflow .*\) 0 0$/\1/' "$t" >"$bad"
	run -2 zcviz --replay "$bad" --json
	assert_output --partial "malformed line of a command's or a watched program's run"
	# more flows than a run keeps (ZC_MAX_FLOWS)
	awk -v n="$(sed -n 's/^#define ZC_MAX_FLOWS \([0-9]*\).*/\1/p' "$ROOT/bpf/zc.h")" '/^wflow / { for (i = 0; i < n; i++) print } { print }' "$t" >"$bad"
	run -2 zcviz --replay "$bad" --json
	assert_output --partial "malformed line of a command's or a watched program's run"
	# a version 2 trace knows no such run
	sed 's/^zcviz-trace 3$/zcviz-trace 2/' "$t" >"$bad"
	run -2 zcviz --replay "$bad" --json
	assert_output --partial "malformed run line"
}

# strip TRACE: the receiver's row of the dashboard's last frame of TRACE,
# replayed at 80x24 without root
strip() {
	local as=""
	[ "$(id -u)" = 0 ] && as="runuser -u nobody --"
	tmux_start 80x24 "$as $USER_ROOT/build/zcviz --replay $USER_ROOT/lessons/traces/$1"
	tmux_wait "zcviz \(replay\)"
	tmux_keys f
	tmux_wait "\[done\]"
	tmux_screen | grep '^ receiver '
	tmux_stop
}

@test "the receiver's row draws its arrows in a chain from the NIC: mapped, spliced then copied into the page cache, freed unread; an older trace's copy alone" {
	run strip recv-mmap.trace
	assert_output --regexp "^ receiver .DMA 2M.▶ socket .mapped 2M.▶ user buffer  copies 0\.00, [0-9]+ syscalls"
	run strip recv-splice.trace
	assert_output --regexp "^ receiver .DMA 2M.▶ socket .page ref 2M.▶ pipe .CPU copy 2M.▶ page cache"
	run strip recv-discard.trace
	assert_output --regexp "^ receiver .DMA 2M.▶ socket freed unread 2M  copies 0\.00"
	# a trace of zcviz 0.1 knows the receiver's copy, not its syscalls
	run strip sendfile.trace
	assert_output --regexp "^ receiver socket .CPU copy 2M.▶ user buffer  copies 1\.00 *$"
}
