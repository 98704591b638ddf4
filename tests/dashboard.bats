#!/usr/bin/env bats
# The live dashboard, driven in tmux: every stage, arrow kind and byte
# count on screen at 80x24 and 160x48; step, pause, demo switching and quit
# keys; resizing; ASCII and monochrome fallbacks; a terminal left as it was
# found, whatever ends the run. Needs root and BTF for the live runs.

setup() {
	load test_helper/common-setup
	_common_setup
	require_bpf
	export LANG=C.UTF-8
}

teardown() {
	tmux_stop
	no_bpf_left
	no_lab_left
}

ZCVIZ() {
	echo "$ROOT/build/zcviz"
}

# short_size BYTES: as the dashboard writes sizes (4M, 63.8M, 4097)
short_size() {
	awk -v b="$1" 'BEGIN {
		split("K M G", u, " "); x = b; i = 0
		while (x >= 1024 && i < 3) { x /= 1024; i++ }
		if (!i) printf "%d", b; else if (x == int(x)) printf "%d%s", x, u[i]; else printf "%.1f%s", x, u[i]
	}'
}

# a finished sendfile run: every stage, kind and count on the screen
check_full_frame() {
	local screen gso="CPU copy at GSO 4(\.[0-9])?M" copies="1\.0[0-2]"
	screen=$(tmux_screen)
	# packets the kernel ran none of our programs for are said on the
	# screen, and are missing from the copy's bytes and so from the ratio
	if grep -q "some packets left while the kernel ran none of our programs" <<<"$screen"; then
		gso="CPU copy at GSO [0-9.]+M"
		copies="(0\.[0-9]{2}|1\.0[0-2])"
	fi
	for what in "disk" "page cache" "user buffer" "socket buffer" "NIC" \
		"user space" "kernel" "mode switches 64" "syscalls 32" \
		"DMA" "page ref 4M" "$gso" "write\(\): CPU copy" \
		"read\(\): CPU copy" "CPU copies of the file $copies x file size" \
		"theory 1 \[ok\]" "checksum verified" "receiver copy 4M" \
		"last syscalls" "sendfile\(.*131072\) = 131072" "q quit"; do
		grep -Eq -- "$what" <<<"$screen" || fail "'$what' is not on the screen:
$screen"
	done
}

@test "at 80x24 every stage, arrow kind and byte count appears" {
	tmux_start 80x24 "$(ZCVIZ) --size 4M sendfile"
	tmux_wait "zcviz  sendfile"
	tmux_keys f
	tmux_wait "\[done\]"
	check_full_frame
}

@test "at 160x48 the frame grows and shows the same" {
	tmux_start 160x48 "$(ZCVIZ) --size 4M sendfile"
	tmux_wait "zcviz  sendfile"
	tmux_keys f
	tmux_wait "\[done\]"
	check_full_frame
	# the log uses the extra rows
	[ "$(tmux_screen | grep -c 'sendfile(.*131072) = 131072')" -ge 20 ]
}

@test "--step: each space runs exactly one syscall and adds one log line" {
	local i calls seen
	tmux_start 80x24 "$(ZCVIZ) --step --size 1M traditional"
	tmux_wait "\[step: space\]"
	assert_equal "$(screen_number syscalls)" 0
	for i in 1 2 3 4 5; do
		tmux_keys Space
		tmux_wait "last syscalls \($i seen\)" 5
		tmux_wait "syscalls $i " 5
	done
	# read, write, read, write, read: the arrow each one lit
	run tmux_screen
	assert_line --regexp "^  read\(4, buf, 131072\) = 131072   CPU copy$"
	assert_line --regexp "^  write\(5, buf, 131072\) = 131072   CPU copy$"
	sleep 1
	assert_equal "$(screen_number syscalls)" 5
}

# number_settled LABEL: the number after LABEL once two looks 0.3 s apart
# agree (at most 10 s)
number_settled() {
	local a b i
	b=$(screen_number "$1")
	for i in $(seq 33); do
		sleep 0.3
		a=$b b=$(screen_number "$1")
		[ "$a" != "$b" ] || break
	done
	echo "$b"
}

# number_above LABEL N SECONDS: until the number after LABEL passes N
number_above() {
	local i
	for i in $(seq $(($3 * 10))); do
		[ "$(screen_number "$1")" -gt "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

@test "p freezes the counters, and p again lets them run" {
	local a b c
	tmux_start 80x24 "$(ZCVIZ) --size 8M traditional"
	tmux_wait "syscalls [1-9]"
	tmux_keys p
	tmux_wait "\[paused\]"
	# what was granted before the key may still run: until it has
	a=$(number_settled syscalls)
	# paused, nothing is granted: nothing may move, however long
	sleep 2
	b=$(screen_number syscalls)
	assert_equal "$b" "$a"
	tmux_keys p
	number_above syscalls "$b" 20 || fail "still $b syscalls after resuming"
	# paused, a space steps: the label says so
	tmux_keys p
	tmux_wait "\[paused\]"
	tmux_keys Space
	tmux_wait "\[step: space\]"
}

@test "1-5 switch the demo" {
	tmux_start 80x24 "$(ZCVIZ) --size 1M traditional"
	tmux_wait "zcviz  traditional: read\(\) \+ write\(\)"
	tmux_keys 3
	tmux_wait "zcviz  sendfile: sendfile\(\) to a device without scatter-gather"
	tmux_wait "(sg|scatter-gather) off"
	tmux_keys 2
	tmux_wait "zcviz  mmap: mmap\(\) \+ write\(\)"
	tmux_keys 4
	tmux_wait "zcviz  dma-gather"
	tmux_keys 5
	tmux_wait "zcviz  splice: splice\(\)"
	tmux_keys 1
	tmux_wait "zcviz  traditional"
}

@test "q exits 0 and leaves the terminal settings as they were" {
	tmux_start 80x24 "stty -a >before; $(ZCVIZ) --size 1M mmap; rc=\$?; stty -a >after; (exit \$rc)"
	tmux_wait "zcviz  mmap"
	tmux_keys q
	tmux_wait "EXIT=0"
	run diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	assert_success
	# it quit mid-run: that run has no report, and it says so
	tmux_wait "quit during the mmap run \([0-9]+ of 1048576 bytes sent\)"
	tmux_wait "it did not finish, so it is neither verified nor reported"
}

@test "below 80x24 it asks for a larger terminal, and comes back" {
	tmux_start 80x24 "$(ZCVIZ) --size 8M traditional"
	tmux_wait "zcviz  traditional"
	tmx resize-window -t zc -x 70 -y 20
	tmux_wait "make the terminal at least 80x24 \(it is 70x20\)"
	tmx resize-window -t zc -x 80 -y 24
	tmux_wait "zcviz  traditional"
	tmux_wait "q quit"
	[ -n "$(ours_pids zc-traditional)" ] || fail "the demo is not running"
	tmux_keys q
	tmux_wait "EXIT=0"
}

@test "TERM=dumb, LANG=C, NO_COLOR=1: an ASCII frame in plain text" {
	tmux_start 80x24 "TERM=dumb LANG=C LC_ALL=C NO_COLOR=1 $(ZCVIZ) --size 1M dma-gather"
	# frames scroll by on a dumb terminal: read the history too
	HISTORY=1 tmux_wait "zcviz  dma-gather"
	tmux_keys f
	HISTORY=1 tmux_wait "\[done\]" 30
	run tmux_screen -e -S -60
	assert_output --partial "| disk |"
	assert_output --partial "+------+     +------------+"
	refute_output --regexp $'\e\\['
	refute_output --partial "─"
}

@test "LANG=C draws ASCII; NO_COLOR=1 draws without colour" {
	tmux_start 80x24 "LANG=C LC_ALL=C $(ZCVIZ) --size 1M traditional"
	tmux_wait "zcviz  traditional"
	run tmux_screen
	assert_output --partial "| page cache |"
	refute_output --partial "│"
	tmux_keys q
	tmux_wait "EXIT=0"
	tmux_start 80x24 "NO_COLOR=1 $(ZCVIZ) --size 1M traditional"
	tmux_wait "zcviz  traditional"
	run tmux_screen -e
	assert_output --partial "│ page cache │"
	refute_output --regexp $'\e\\[(3[0-7]|9[0-7])m'
}

# killed SIGNAL: the run ends; no lab, no BPF, and the terminal is sane
killed() {
	tmux_start 80x24 "stty -a >before; $(ZCVIZ) --size 8M traditional; rc=\$?; stty -a >after; (exit \$rc)"
	tmux_wait "syscalls [1-9]"
	kill -"$1" $(ours_pids zcviz)
	tmux_wait "EXIT=$2"
	run diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	assert_success
}

@test "SIGTERM restores the terminal, removes the lab, detaches BPF" {
	killed TERM 143
}

@test "SIGHUP (the window closes) removes the lab and detaches BPF" {
	local i
	tmux_start 80x24 "$(ZCVIZ) --size 8M traditional"
	tmux_wait "syscalls [1-9]"
	tmx kill-session -t zc
	for i in $(seq 50); do
		[ -n "$(ours_pids zcviz)" ] || break
		sleep 0.1
	done
	assert_equal "$(ours_pids zcviz)" ""
}

@test "all: a title card before each demo, the comparison at the end" {
	local names n i=0 d ran=0 count=(zero one two three four five six seven eight nine ten eleven twelve)
	names=$(demos_list | cut -f1)
	n=$(wc -l <<<"$names")
	tmux_start 80x24 "$(ZCVIZ) --size 1M all"
	for d in $names; do
		i=$((i + 1))
		tmux_wait "$i / $n   $d" 30
		tmux_keys Space
		tmux_wait "zcviz  $d" 30
		# a demo this machine cannot run says why, and the sequence
		# goes on without it
		if [[ " $(runnable_demos) " != *" $d "* ]]; then
			tmux_wait "\[failed\]" 30
			tmux_keys Space # on at once
			continue
		fi
		ran=$((ran + 1))
		tmux_keys f
		tmux_keys f
		# over: space goes on to the next without the pause (after the
		# last, the comparison comes up at once)
		tmux_wait "\[done\]|all [a-z]+, measured" 30
		tmux_keys Space
	done
	tmux_wait "all ${count[ran]}, measured" 30
	run tmux_screen
	assert_line --regexp "^ +traditional +on +2\.00 x ok +2 +16 +32 "
	assert_line --regexp "^ +mmap +on +1\.00 x ok +1 +9 +18 "
	assert_line --regexp "^ +sendfile +off +1\.0[0-2] x ok +1 +8 +16 "
	assert_line --regexp "^ +dma-gather +on +0\.00 x ok +0 +8 +16 "
	assert_line --regexp "^ +splice +on +0\.00 x ok +0 +16 +32 "
}

@test "make demo-sendfile opens the dashboard; its counts are the run's --json" {
	local trace="$BATS_TEST_TMPDIR/run.trace" json
	# the same run, twice: on the screen, and recorded for --json
	tmux_start 80x24 "make -C '$ROOT' --no-print-directory demo-sendfile ZCVIZ_FLAGS='--record $trace'"
	tmux_wait "zcviz  sendfile"
	tmux_keys f
	tmux_wait "\[done\]" 60
	run tmux_screen
	tmux_keys q
	tmux_wait "EXIT=0"
	json=$(zcviz --replay "$trace" --json)
	assert_equal "$(jget "$json" .verified)" true
	assert_output --regexp "syscalls $(jget "$json" .syscalls.total) "
	assert_output --partial "mode switches $(jget "$json" .mode_switches) "
	assert_output --regexp "ctx sw $(jget "$json" .context_switches.voluntary)v/$(jget "$json" .context_switches.involuntary)i"
	assert_output --partial "page faults $(jget "$json" .page_faults) "
	# from the exact ratio: the JSON's is already rounded to 4 places, and
	# rounding 1.0050 again is not what the screen did with 1.00504
	assert_output --partial "CPU copies of the file $(awk -v c="$(jget "$json" .cpu_copy_bytes)" -v f="$(jget "$json" .file_bytes)" 'BEGIN { printf "%.2f", c / f }') x file size"
	# the arrows: 64M of page references, and the copy at GSO, the run's
	# (with what the instrument says it did not see, the whole file)
	assert_equal "$(jget "$json" .edges.pagecache_to_socket.bytes)" 67108864
	assert_output --partial "page ref 64M"
	assert_output --partial "CPU copy at GSO $(short_size "$(jget "$json" .edges.socket_to_nic.segmentation_copy_bytes)")"
	# TCP's own count was heard, and our programs saw no more than it
	assert_equal "tcp $(jget "$json" '.tcp != null') overseen $(jget "$json" .overseen_bytes)" "tcp true overseen 0"
	assert_equal "$(jget "$json" '.edges.socket_to_nic.segmentation_copy_bytes - .retransmitted_bytes')" 67108864
}

@test "the programs the dashboard starts get none of its descriptors, and SIGPIPE as usual" {
	local i sink demo ign
	tmux_start 80x24 "$(ZCVIZ) --size 8M traditional"
	tmux_wait "syscalls [1-9]"
	sink=$(ours_pids zc-sink)
	demo=$(ours_pids zc-traditional)
	# the dashboard's error log is a deleted temporary file; the sink
	# has stdin, its two pipes and sockets; the demo also its handshake
	# on 3, the file and the socket
	run ls -l "/proc/$sink/fd" "/proc/$demo/fd"
	refute_output --partial "(deleted)"
	refute_output --partial "/dev/pts"
	# SIGPIPE (13) is not ignored in the sink: bit 12 of SigIgn, a hex
	# mask (the demos ignore it themselves, to report a receiver gone)
	ign=$(awk '$1 == "SigIgn:" { print $2 }' "/proc/$sink/status")
	assert_equal "$(((16#$ign >> 12) & 1))" 0
	tmux_keys q
	tmux_wait "EXIT=0"
}

@test "resizing the terminal while runs start fails none of them" {
	local i
	tmux_start 80x24 "$(ZCVIZ) --size 1M traditional"
	tmux_wait "zcviz  traditional"
	# r starts the run again: its sink and demo start while the window
	# changes size (SIGWINCH) under them
	for i in $(seq 8); do
		tmux_keys r
		tmx resize-window -t zc -x 100 -y 30
		tmx resize-window -t zc -x 80 -y 24
		sleep 0.2
	done
	tmux_wait "syscalls [1-9]"
	run tmux_screen
	refute_output --partial "[failed]"
	refute_output --partial "did not start"
	tmux_keys q
	tmux_wait "EXIT=0"
}
