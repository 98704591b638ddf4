#!/usr/bin/env bats
# The network lab: namespaces and a veth pair with scatter-gather set per
# demo, every command printed as it can be pasted, labs that coexist, and
# clear refusals.

setup() {
	load test_helper/common-setup
	_common_setup
	F="$BATS_TEST_TMPDIR/file"
	make_file "$F" 300000
}

teardown() {
	lab_down
}

# sg_of DEMO: the scatter-gather state the sender itself read from its
# egress device (ethtool ioctl), as reported in its summary
sg_of() {
	run -0 lab.sh run "$1" "$F"
	assert_line --regexp '^match: 300000 bytes'
	sed -n "s/^zc-$1: .*egress zclab-[a-z0-9]*-t, scatter-gather \([a-z]*\); receiver agrees$/\1/p" <<<"$output"
}

@test "the lab turns scatter-gather off for sendfile and on for the others" {
	require_root
	assert_equal "$(sg_of sendfile)" off
	assert_equal "$(sg_of traditional)" on
	assert_equal "$(sg_of mmap)" on
	assert_equal "$(sg_of dma-gather)" on
}

@test "--sg overrides the demo's default, and ethtool agrees" {
	require_root
	run -0 lab.sh run --sg off traditional "$F"
	assert_line --regexp 'egress zclab-[a-z0-9]+-t, scatter-gather off; receiver agrees$'
	lab_up off
	run -0 ip netns exec "$ZCLAB_TX_NS" ethtool -k "$ZCLAB_TX_DEV"
	assert_line "scatter-gather: off"
	lab_down
	lab_up on
	run -0 ip netns exec "$ZCLAB_TX_NS" ethtool -k "$ZCLAB_TX_DEV"
	assert_line "scatter-gather: on"
}

@test "dma-gather warns when its device cannot gather" {
	require_root
	run -0 lab.sh run --sg off dma-gather "$F"
	assert_line --partial "zc-dma-gather: warning: zclab-"
	assert_line --partial "cannot gather (scatter-gather off)"
}

@test "lab.sh prints every ip and ethtool command it runs" {
	require_root
	LAB_ID=p$((RANDOM % 100000))
	run -0 --separate-stderr lab.sh up --id "$LAB_ID" --owner $$ --sg off
	assert_line "ZCLAB_TX_NS=zclab-$LAB_ID-tx"
	[[ "$stderr" == *"+ ip netns add zclab-$LAB_ID-tx"* ]]
	[[ "$stderr" == *"+ ip link add zclab-$LAB_ID-t netns zclab-$LAB_ID-tx numtxqueues 1 numrxqueues 1 type veth peer name zclab-$LAB_ID-r netns zclab-$LAB_ID-rx numtxqueues 1 numrxqueues 1"* ]]
	[[ "$stderr" == *"+ ip netns exec zclab-$LAB_ID-rx ethtool -K zclab-$LAB_ID-r gro on"* ]]
	[[ "$stderr" == *"+ ip netns exec zclab-$LAB_ID-rx sh -c 'echo 1 >/sys/class/net/zclab-$LAB_ID-r/queues/rx-0/rps_cpus'"* ]]
	[[ "$stderr" == *"+ ip netns exec zclab-$LAB_ID-tx ethtool -K zclab-$LAB_ID-t sg off"* ]]
	run -0 --separate-stderr lab.sh down "$LAB_ID"
	[[ "$stderr" == *"+ ip netns delete zclab-$LAB_ID-tx"* ]]
	LAB_ID=""
}

# rps_of ID: the receiver's RPS CPU mask, as a number
rps_of() {
	local mask
	mask=$(ip netns exec "zclab-$1-rx" cat "/sys/class/net/zclab-$1-r/queues/rx-0/rps_cpus")
	echo $((16#${mask//,/}))
}

@test "the printed commands, pasted into bash, build the same lab" {
	require_root
	local cmds
	LAB_ID=p$((RANDOM % 100000))
	run -0 --separate-stderr lab.sh up --id "$LAB_ID" --owner $$ --sg off
	cmds=$(sed -n 's/^+ //p' <<<"$stderr")
	lab.sh down "$LAB_ID" 2>/dev/null
	# (refute_output: the list may be empty, and refute_line fails on that)
	run -0 ip netns list
	refute_output --partial "zclab-$LAB_ID-"
	# as a student would paste them: one shell, each line as printed
	run -0 bash -e <<<"$cmds"
	run -0 ip -n "zclab-$LAB_ID-rx" -o addr show dev "zclab-$LAB_ID-r"
	assert_output --partial "inet 198.18.0.2/30"
	run -0 ip netns exec "zclab-$LAB_ID-tx" ethtool -k "zclab-$LAB_ID-t"
	assert_line "scatter-gather: off"
	# the redirect of the sh -c line happened inside the namespace
	assert_equal "$(rps_of "$LAB_ID")" 1
	# and it carries a transfer
	sink_start 198.18.0.2 "zclab-$LAB_ID-rx"
	run -0 ip netns exec "zclab-$LAB_ID-tx" zc-sendfile --to "198.18.0.2:$SINK_PORT" "$F"
	assert_output --partial "scatter-gather off; receiver agrees"
	sink_stop
}

@test "run prints the sink and the demo it starts, with the binaries' paths" {
	require_root
	cd "$ROOT"
	run -0 --separate-stderr lab.sh run sendfile "$F"
	[[ "$stderr" =~ \+\ ip\ netns\ exec\ zclab-[0-9]+-rx\ build/zc-sink\ --listen\ 198\.18\.0\.2:5201\ --once\ \& ]]
	[[ "$stderr" =~ \+\ ip\ netns\ exec\ zclab-[0-9]+-tx\ build/zc-sendfile\ --to\ 198\.18\.0\.2:5201\ "$F" ]]
	# pasted together, the demo would not wait for the sink: the line says to
	[[ "$stderr" == *"--once &  # wait until it says 'listening on'"* ]]
	# from elsewhere, the paths are absolute; the demo's options are kept
	cd "$BATS_TEST_TMPDIR"
	run -0 --separate-stderr lab.sh run --loopback traditional file --chunk 64K
	[[ "$stderr" == *"+ $ROOT/build/zc-sink --listen 127.0.0.1:0 --once &"* ]]
	[[ "$stderr" =~ \+\ "$ROOT"/build/zc-traditional\ --to\ 127\.0\.0\.1:[0-9]+\ --chunk\ 64K\ file ]]
}

@test "two labs coexist, status lists both, down removes one" {
	require_root
	local a b
	lab_up on
	a=$LAB_ID
	lab_up off
	b=$LAB_ID
	run -0 lab.sh status
	assert_line --regexp "^lab $a: zclab-$a-tx -> zclab-$a-rx, zclab-$a-t scatter-gather on, owner $$ running"
	assert_line --regexp "^lab $b: zclab-$b-tx -> zclab-$b-rx, zclab-$b-t scatter-gather off, owner $$ running"
	# each lab carries its own traffic
	sink_start "$ZCLAB_RX_IP" "zclab-$a-rx"
	run -0 ip netns exec "zclab-$a-tx" zc-sendfile --to "198.18.0.2:$SINK_PORT" "$F"
	sink_stop
	lab.sh down "$a" 2>/dev/null
	run -0 ip netns list
	refute_line --partial "zclab-$a-"
	assert_line --partial "zclab-$b-tx"
}

@test "lab.sh refuses bad arguments with one line, exit 2" {
	run -2 lab.sh up --sg maybe
	assert_output "lab.sh: up: --sg takes on or off, not 'maybe'"
	run -2 lab.sh up --id 'Bad/Id'
	assert_output --partial "the id must be 1 to 7 lower-case letters or digits"
	run -2 lab.sh run bogus "$F"
	assert_output --partial "unknown demo 'bogus'"
	run -2 lab.sh frobnicate
	assert_output --partial "unknown command 'frobnicate'"
}

@test "without root, lab.sh says so (exit 3) and run falls back to loopback" {
	if [ "$(id -u)" = 0 ]; then
		local dir
		dir=$(mktemp -d /tmp/zc-lab.XXXX)
		chmod 755 "$dir"
		cp "$F" "$dir/file"
		chmod 644 "$dir/file"
		run -3 as_nobody "$USER_ROOT/demos/lab.sh" up
		assert_output --partial "needs root"
		cd "$dir"
		run -0 as_nobody "$USER_ROOT/demos/lab.sh" run sendfile file
		cd "$ROOT"
		rm -rf "$dir"
	else
		run -3 lab.sh up
		cd "$BATS_TEST_TMPDIR"
		run -0 lab.sh run sendfile file
	fi
	# the same command, with root, in the lab (not the dashboard)
	local here=$ROOT
	[ "$(id -u)" = 0 ] && here=$USER_ROOT
	assert_line --partial "running over loopback, whose scatter-gather is always on. For the lab: sudo $here/demos/lab.sh run sendfile file"
	assert_line --regexp '^match: 300000 bytes'
}

@test "lab.sh run refuses a bad --sg with one line, exit 2" {
	run -2 lab.sh run --sg x traditional "$F"
	assert_output "lab.sh: run: --sg takes on or off, not 'x'"
}
