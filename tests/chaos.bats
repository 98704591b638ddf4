#!/usr/bin/env bats
# Every exit path, at any moment: SIGINT (alone, or Ctrl-C to the whole
# process group), SIGTERM, SIGHUP and SIGKILL at random moments of a run,
# from before the lab exists to after it is gone, in the report and in the
# dashboard. Afterwards no lab, no BPF program and no program of ours is
# left (after a SIGKILL: once the next run has cleaned up), the terminal
# is as it was for every signal that can be caught, and the last message
# is true. 20 trials; 100 with ZC_SLOW=1 (make test-slow).

setup() {
	load test_helper/common-setup
	_common_setup
	require_bpf
	export LANG=C.UTF-8
	TRIALS=20
	[ -z "${ZC_SLOW:-}" ] || TRIALS=100
}

teardown() {
	tmux_stop
	no_bpf_left
	no_lab_left
}

# phase PID: what the run of zcviz PID is doing, seen from outside
phase() {
	local running
	running=$(ours_running)
	if [[ $running == *"/zc-traditional"* ]]; then
		echo mid-transfer
	elif [[ $running == *"/zc-sink"* ]]; then
		echo bpf-attach # the sink listens; the demo waits at its gate
	elif [ -e "/run/zclab/$1" ]; then
		echo lab # set up, or taken down
	else
		echo outside # before the lab, or after it
	fi
}

# rand_delay MAX_MS: a random pause from 0 to MAX_MS
rand_delay() {
	sleep "$(awk -v r="$RANDOM" -v m="$1" 'BEGIN { printf "%.3f", r / 32767 * m / 1000 }')"
}

# settle: no lab.sh of ours still at work (one a SIGKILL orphaned)
settle() {
	local i
	for i in $(seq 100); do
		pgrep -f "$ROOT/demos/lab.sh" >/dev/null || return 0
		sleep 0.1
	done
}

# check_left SIGNAL PHASE: nothing of ours is left
check_left() {
	if [ "$1" = KILL ]; then
		# the next run removes the stale lab; PDEATHSIG took the rest
		settle
		zcviz --json --size 64K mmap >/dev/null 2>&1 3>&- || fail "the run after a SIGKILL ($2) failed"
		settle
	fi
	[ -z "$(ours_running)" ] || fail "left running after SIG$1 ($2): $(ours_running)"
	no_lab_left || fail "a lab was left after SIG$1 ($2)"
	no_bpf_left || fail "BPF programs were left after SIG$1 ($2)"
}

# check_message STATUS SIGNAL PHASE TEXT: the last line tells the truth
check_message() {
	local status=$1 sig=$2 ph=$3 last
	last=$(grep -a 'zcviz: ' <<<"$4" | tail -n 1)
	[ "$sig" = KILL ] && return 0
	[ "$status" = 0 ] && return 0 # it was done before the signal came
	[[ $last =~ ^zcviz:\ stopped\ by\ signal\ [0-9]+(\;\ (the\ lab\ is\ down|the\ BPF\ programs\ are\ detached|the\ lab\ is\ down\ and\ the\ BPF\ programs\ are\ detached))?$ ]] ||
		fail "SIG$sig ($ph): the last message is '$last'"
	# a lab that existed when the signal came is one it must say it removed
	if [ "$ph" = lab ] || [ "$ph" = bpf-attach ] || [ "$ph" = mid-transfer ]; then
		[[ $last == *"the lab is down"* ]] || fail "SIG$sig ($ph): the lab was up, and '$last' does not say it is down"
	fi
}

signal_number() {
	case $1 in INT) echo 2 ;; HUP) echo 1 ;; TERM) echo 15 ;; KILL) echo 9 ;; esac
}

# trial_report SIGNAL GROUP MAX_MS: one run in report mode
trial_report() {
	local sig=$1 group=$2 pid rc=0 ph
	setsid zcviz --report --size 4M --rate 20 traditional >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	pid=$!
	rand_delay "$3"
	ph=$(phase "$pid")
	if [ "$group" = 1 ]; then
		kill -"$sig" -- "-$pid" 2>/dev/null # Ctrl-C: the whole group
	else
		kill -"$sig" "$pid" 2>/dev/null
	fi
	# a bound against a hang, not a measure of speed
	timeout 60 tail --pid="$pid" -f /dev/null || fail "zcviz did not exit after SIG$sig ($ph)"
	wait "$pid" || rc=$?
	case $rc in 0 | $((128 + $(signal_number "$sig")))) ;;
	*) fail "SIG$sig ($ph): exit $rc: $(cat "$BATS_TEST_TMPDIR/out")" ;;
	esac
	check_message "$rc" "$sig" "$ph" "$(cat "$BATS_TEST_TMPDIR/out")"
	check_left "$sig" "$ph"
	echo "$ph"
}

# trial_dashboard SIGNAL MAX_MS: one run under the dashboard, in tmux
trial_dashboard() {
	local sig=$1 pid ph i rc screen
	tmux_start 80x24 "stty -a >before; $ROOT/build/zcviz --size 256K traditional; rc=\$?; stty -a >after; (exit \$rc)"
	for i in $(seq 100); do
		pid=$(ours_pids zcviz) && [ -n "$pid" ] && break
		sleep 0.02
	done
	rand_delay "$2"
	ph=$(phase "$pid")
	case $sig in
	INT) tmux_keys C-c ;; # the terminal's Ctrl-C, to its foreground group
	HUP) tmx kill-session -t zc ;; # the window closes
	*) kill -"$sig" "$pid" ;;
	esac
	timeout 60 tail --pid="$pid" -f /dev/null || fail "zcviz did not exit after SIG$sig ($ph)"
	if [ "$sig" = INT ] || [ "$sig" = TERM ]; then
		tmux_wait "EXIT=[0-9]+" 30
		screen=$(tmux_screen)
		rc=$(sed -n 's/^EXIT=\([0-9]*\)$/\1/p' <<<"$screen")
		case $rc in 0 | $((128 + $(signal_number "$sig")))) ;;
		*) fail "SIG$sig ($ph): exit $rc: $screen" ;;
		esac
		check_message "$rc" "$sig" "$ph" "$screen"
		diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" >/dev/null ||
			fail "SIG$sig ($ph): the terminal was left changed"
	fi
	tmux_stop
	check_left "$sig" "$ph"
	echo "$ph"
}

@test "signals at random moments leave no lab, no BPF, no process, no broken terminal" {
	local t0 full i sig mode seen=""
	# how long a whole run takes here, so that the moments cover it
	t0=$(date +%s%N)
	zcviz --report --size 4M --rate 20 traditional >/dev/null 2>&1 3>&-
	full=$((($(date +%s%N) - t0) / 1000000 * 12 / 10))
	for i in $(seq "$TRIALS"); do
		sig=$(shuf -n 1 -e INT TERM HUP KILL)
		if ((i % 3 == 0)); then
			mode=dashboard
			seen+=" dashboard:$(trial_dashboard "$sig" 2500)"
		else
			mode=report
			seen+=" report:$(trial_report "$sig" $((RANDOM % 2)) "$full")"
		fi
	done
	# which moments the signals found, for the log (bats --verbose-run)
	echo "# $TRIALS trials (a run takes ${full} ms); where the signal came:" \
		"$(tr ' ' '\n' <<<"${seen# }" | sort | uniq -c | awk '{ printf "%s %s, ", $2, $1 }')" >&3
}
