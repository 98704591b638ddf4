#!/usr/bin/env bats
# Nothing is left behind: a run killed with SIGKILL leaves a lab that
# `lab.sh cleanup` removes, and cleanup spares labs whose owner is alive.

setup() {
	load test_helper/common-setup
	_common_setup
}

teardown() {
	lab_down
	[ -n "${RUN_PID:-}" ] && kill -9 "$RUN_PID" 2>/dev/null
	true
}

no_zclab_left() { # no_zclab_left ID
	run ip netns list
	refute_output --partial "zclab-$1-"
	run ip -o link show
	refute_output --partial "zclab-$1-"
}

@test "a run killed with SIGKILL is removed by lab.sh cleanup" {
	require_root
	local f="$BATS_TEST_TMPDIR/file" id i
	make_file "$f" $((8 * 1024 * 1024))
	# 1 MB/s: the demo is still sending when the runner is killed
	lab.sh run traditional "$f" --rate 1 >/dev/null 2>&1 3>&- &
	RUN_PID=$!
	id=$RUN_PID
	# wait until the demo itself runs inside the lab's sender namespace
	for i in $(seq 200); do
		ip netns pids "zclab-$id-tx" 2>/dev/null | xargs -r ps -o comm= -p |
			grep -qx zc-traditional && break
		sleep 0.05
	done
	run -0 ip netns pids "zclab-$id-tx"
	refute_output ""
	kill -9 "$RUN_PID"
	wait "$RUN_PID" 2>/dev/null || true
	RUN_PID=""
	run -0 lab.sh status
	assert_line --regexp "^lab $id: .*owner $id gone"
	run -0 lab.sh cleanup
	assert_line --regexp "^cleanup: removed [1-9][0-9]* stale lab"
	no_zclab_left "$id"
	# the demo and the sink that were inside went with their namespaces
	run pgrep -f "zc-.*$f"
	assert_output ""
}

@test "cleanup spares a lab whose owner is running" {
	require_root
	lab_up on
	run -0 lab.sh cleanup
	run -0 ip netns list
	assert_line --partial "zclab-$LAB_ID-tx"
}

@test "cleanup removes a lab whose owner's pid was reused" {
	require_root
	sleep 30 3>&- &
	local pid=$! id=r$((RANDOM % 10000))
	lab.sh up --id "$id" --owner "$pid" >/dev/null 2>&1
	# the same pid, another process: pretend by rewriting the start time
	sed -i 's/^\([0-9]*\) [0-9]*/\1 1/' "/run/zclab/$id"
	run -0 lab.sh cleanup
	no_zclab_left "$id"
	kill "$pid"
}

@test "cleanup removes a half-built lab with no state file" {
	require_root
	local id=h$((RANDOM % 10000))
	ip netns add "zclab-$id-tx"
	ip link add "zclab-$id-t" type veth peer name "zclab-$id-r"
	run -0 lab.sh cleanup
	no_zclab_left "$id"
}
