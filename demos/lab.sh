#!/usr/bin/env bash
# lab.sh: the zerocopy-lab network lab. Two network namespaces joined by a
# veth pair, so that a demo sends through a real network device whose
# scatter-gather we can switch off (lo's is fixed on):
#
#   zclab-ID-tx (sender)                          zclab-ID-rx (receiver)
#   zclab-ID-t 198.18.0.1/30  <==== veth ====>  zclab-ID-r 198.18.0.2/30
#
# Every ip/ethtool command, and the sink and demo that run uses, is printed
# (with a leading +) before it runs, quoted so that you can paste it into a
# root shell and repeat it by hand. 198.18.0.0/15 is the range reserved for
# benchmarking (RFC 2544): it never leaves this machine.
set -u

PROG=lab.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# the programs and zcviz, in BUILD (common.sh)
. "$HERE/common.sh"
STATE=${ZCLAB_STATE:-/run/zclab}
TX_IP=198.18.0.1
RX_IP=198.18.0.2
PORT=5201

usage() {
	cat <<EOF
Usage: $PROG up [--id ID] [--sg on|off] [--mtu BYTES] [--owner PID]
       $PROG down ID
       $PROG status
       $PROG cleanup
       $PROG run [--sg on|off] [--loopback] DEMO FILE [DEMO-OPTIONS...]
       $PROG --help | --version

The network lab for the zerocopy-lab demos (needs root).

  up       create namespaces zclab-ID-tx and zclab-ID-rx and a veth pair
           between them; scatter-gather on the sender's device is on unless
           --sg off. --mtu sets both devices' MTU (68 to 65535; 1500
           unless given): zcviz --recv mmap sets one whose TCP segments
           carry a page of payload each, which zero-copy receive maps.
           Prints the lab as shell variables (eval "\$($PROG up)").
           ID defaults to the owner's pid; the owner defaults to the caller.
  down     remove lab ID (its veth goes with its namespaces)
  status   list the labs, their owners and scatter-gather state
  cleanup  remove the labs whose owner has exited (e.g. after a SIGKILL)
  run      bring a lab up, run zc-sink in zclab-ID-rx and zc-DEMO in
           zclab-ID-tx, compare their bytes and checksums, tear it down.
           DEMO is a demo that build/zcviz --list-demos names; scatter-
           gather is as the demo wants (off for sendfile) unless --sg says.
           --loopback runs over 127.0.0.1 instead (no lab, no root needed).

Examples:
  sudo $PROG run sendfile build/sample-64M.bin
  sudo $PROG run --sg off traditional build/sample-64M.bin --chunk 64K
  eval "\$(sudo $PROG up --sg off)"; sudo $PROG down "\$ZCLAB_ID"
EOF
}

die() { # die STATUS MESSAGE: one line on stderr, then exit
	echo "$PROG: $2" >&2
	exit "$1"
}

shown() { # shown PATH: PATH as you would type it from here (build/zc-sink)
	local p=$1
	[[ $p = "$PWD"/* ]] && p=${p#"$PWD"/}
	[[ $p = */* ]] || p=./$p # not on PATH: a bare name would not run
	echo "$p"
}

say() { # say CMD...: print a command as you could paste it, then run it
	echo "+ $(quote "$@")" >&2
	"$@"
}

need_root() {
	[ "$(id -u)" = 0 ] || die 3 "$1 needs root (network namespaces and ethtool); run it with sudo"
	command -v ip >/dev/null || die 3 "ip is missing; install iproute2 (sudo make deps)"
	command -v ethtool >/dev/null || die 3 "ethtool is missing; install ethtool (sudo make deps)"
	mkdir -p "$STATE"
}

names() { # names ID: set the lab's names
	TX_NS=zclab-$1-tx RX_NS=zclab-$1-rx TX_DEV=zclab-$1-t RX_DEV=zclab-$1-r
}

start_time() { # start_time PID: the process's start time, empty if gone
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) } # the fields after "(comm) "
	set -- $stat
	echo "${20}"
}

owner_of_caller() { # the process that ran us, looking through sudo
	local pid=$PPID
	while [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sudo ]; do
		pid=$(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null) || break
	done
	echo "$pid"
}

lab_alive() { # lab_alive ID: is the lab's owner still running?
	local owner start
	[ -f "$STATE/$1" ] || return 1
	read -r owner start _ <"$STATE/$1" || return 1
	[ -n "$owner" ] && [ "$(start_time "$owner")" = "$start" ]
}

sg_set() { # sg_set ID on|off
	names "$1"
	say ip netns exec "$TX_NS" ethtool -K "$TX_DEV" sg "$2" >/dev/null
}

sg_get() { # sg_get ID: prints on, off or ?
	names "$1"
	ip netns exec "$TX_NS" ethtool -k "$TX_DEV" 2>/dev/null |
		awk '$1 == "scatter-gather:" { print $2; f = 1 } END { if (!f) print "?" }'
}

cmd_up() {
	local id="" sg=on mtu=1500 owner
	owner=$(owner_of_caller)
	while [ $# -gt 0 ]; do
		case $1 in
		--id) id=${2:-}; shift ;;
		--sg) sg=${2:-}; shift ;;
		--mtu) mtu=${2:-}; shift ;;
		--owner) owner=${2:-}; shift ;;
		*) die 2 "up: unknown argument '$1'; see $PROG --help" ;;
		esac
		shift
	done
	[ -n "$id" ] || id=$owner
	[[ $id =~ ^[a-z0-9]{1,7}$ ]] || die 2 "up: the id must be 1 to 7 lower-case letters or digits, not '$id'"
	[[ $sg = on || $sg = off ]] || die 2 "up: --sg takes on or off, not '$sg'"
	[[ $mtu =~ ^[0-9]{2,5}$ ]] && [ "$mtu" -ge 68 ] && [ "$mtu" -le 65535 ] ||
		die 2 "up: --mtu takes bytes from 68 to 65535, not '$mtu'"
	[ -n "$(start_time "$owner")" ] || die 2 "up: owner $owner is not a running process"
	need_root "lab.sh up"
	names "$id"
	if [ -f "$STATE/$id" ] || ip netns list | grep -qw "$TX_NS"; then
		lab_alive "$id" && die 2 "up: lab $id exists and its owner is running; pick another --id"
		lab_down "$id"
	fi
	# The state file comes first, so that a SIGKILL at any later point
	# leaves something for cleanup to find. ZCLAB_TAG (the tests set
	# it) names who made the lab, so that a check for labs left behind
	# looks only at its own.
	echo "$owner $(start_time "$owner") $sg ${ZCLAB_TAG:--} $mtu" >"$STATE/$id"
	lab_build "$id" "$sg" "$mtu" || { lab_down "$id" 2>/dev/null; die 3 "up: could not build lab $id (see the commands above)"; }
	cat <<EOF
ZCLAB_ID=$id
ZCLAB_TX_NS=$TX_NS
ZCLAB_RX_NS=$RX_NS
ZCLAB_TX_DEV=$TX_DEV
ZCLAB_RX_DEV=$RX_DEV
ZCLAB_TX_IP=$TX_IP
ZCLAB_RX_IP=$RX_IP
ZCLAB_SG=$sg
ZCLAB_MTU=$mtu
EOF
}

# A fresh device speaks IPv6 by itself (MLD reports, router solicitations)
# at moments of its own choosing. The lab's devices carry only what a run
# sends, so that their own packet counts can be held against an
# independent count, packet for packet: IPv6 is off in the lab's
# namespaces, before their devices exist (they take the default).
ipv6_off() { # ipv6_off NS
	[ ! -d /proc/sys/net/ipv6 ] ||
		say ip netns exec "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
}

lab_build() { # lab_build ID SG MTU
	names "$1"
	say ip netns add "$TX_NS" &&
		say ip netns add "$RX_NS" &&
		ipv6_off "$TX_NS" && ipv6_off "$RX_NS" &&
		say ip link add "$TX_DEV" netns "$TX_NS" numtxqueues 1 numrxqueues 1 type veth peer name "$RX_DEV" netns "$RX_NS" numtxqueues 1 numrxqueues 1 &&
		say ip -n "$TX_NS" addr add "$TX_IP/30" dev "$TX_DEV" &&
		say ip -n "$RX_NS" addr add "$RX_IP/30" dev "$RX_DEV" &&
		say ip -n "$TX_NS" link set "$TX_DEV" up &&
		say ip -n "$RX_NS" link set "$RX_DEV" up &&
		say ip -n "$TX_NS" link set lo up &&
		say ip -n "$RX_NS" link set lo up &&
		rx_ordered "$1" &&
		sg_set "$1" "$2" &&
		mtu_set "$1" "$3"
}

mtu_set() { # mtu_set ID MTU: both ends, as a path's MTU is its smallest
	names "$1"
	[ "$2" = 1500 ] && return 0 # a veth's own
	say ip -n "$TX_NS" link set "$TX_DEV" mtu "$2" &&
		say ip -n "$RX_NS" link set "$RX_DEV" mtu "$2"
}

# A real NIC delivers a flow in order. veth hands each packet to the
# backlog of whichever CPU sent it, so segments sent from two CPUs can
# arrive out of order, and TCP retransmits them for nothing. Steering the
# receive side to one CPU (RPS) and GRO (one ordered ring, NAPI) keep the
# flow in order.
rx_ordered() { # rx_ordered ID
	names "$1"
	say ip netns exec "$RX_NS" ethtool -K "$RX_DEV" gro on >/dev/null &&
		say ip netns exec "$RX_NS" sh -c "echo 1 >/sys/class/net/$RX_DEV/queues/rx-0/rps_cpus"
}

lab_down() { # lab_down ID: remove whatever of the lab exists
	names "$1"
	local ns pids
	for ns in "$TX_NS" "$RX_NS"; do
		ip netns list | grep -qw "$ns" || continue
		# a namespace outlives its name while a process is inside it
		mapfile -t pids < <(ip netns pids "$ns")
		[ ${#pids[@]} -eq 0 ] || say kill -9 "${pids[@]}"
		say ip netns delete "$ns"
	done
	# a veth left in this namespace by a lab killed half-way
	ip link show "$TX_DEV" >/dev/null 2>&1 && say ip link delete "$TX_DEV"
	# the state file goes last, and only when nothing of the lab is
	# left: until then, cleanup can find it
	if ip netns list | grep -qE "^($TX_NS|$RX_NS)( |$)" ||
		ip link show "$TX_DEV" >/dev/null 2>&1; then
		echo "$PROG: lab $1 is not completely removed; try again: $PROG down $1" >&2
		return 1
	fi
	rm -f "$STATE/$1"
}

cmd_down() {
	[ $# -eq 1 ] || die 2 "down: give exactly one lab ID (see $PROG status)"
	[[ $1 =~ ^[a-z0-9]{1,7}$ ]] || die 2 "down: '$1' is not a lab ID (see $PROG status)"
	need_root "lab.sh down"
	lab_down "$1"
}

lab_ids() { # every lab ID that has a state file, a namespace or a veth
	{
		ls "$STATE" 2>/dev/null
		ip netns list 2>/dev/null | sed -n 's/^zclab-\([a-z0-9]*\)-[tr]x.*/\1/p'
		ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: zclab-\([a-z0-9]*\)-[tr][@:].*/\1/p'
	} | sort -u
}

cmd_status() {
	local id owner start sg mtu any=""
	need_root "lab.sh status"
	for id in $(lab_ids); do
		any=1
		owner=? start="" sg=?
		[ -f "$STATE/$id" ] && read -r owner start _ <"$STATE/$id"
		lab_alive "$id" && state="owner $owner running" || state="owner $owner gone (lab.sh cleanup removes it)"
		names "$id"
		# the MTU where it is not a veth's own 1500 (lab.sh up --mtu)
		mtu=$(ip -n "$TX_NS" -o link show "$TX_DEV" 2>/dev/null | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
		if [ -n "$mtu" ] && [ "$mtu" != 1500 ]; then mtu=", mtu $mtu"; else mtu=""; fi
		echo "lab $id: $TX_NS -> $RX_NS, $TX_DEV scatter-gather $(sg_get "$id")$mtu, $state"
	done
	[ -n "$any" ] || echo "no labs"
}

cmd_cleanup() {
	local id n=0
	need_root "lab.sh cleanup"
	for id in $(lab_ids); do
		lab_alive "$id" && continue
		lab_down "$id"
		n=$((n + 1))
	done
	echo "cleanup: removed $n stale lab(s)"
}

# ---- run: one demo, end to end ------------------------------------------

# demo_row NAME: its program and scatter-gather, from the one table of
# demos (zcviz --list-demos); an unknown name is exit 2
demo_row() {
	local name prog sg names=""
	[ -x "$ZCVIZ" ] || die 3 "run: $ZCVIZ is missing; run make first"
	while IFS=$'\t' read -r name prog sg _; do
		[ "$name" = "$1" ] && { DEMO_PROG=$prog DEMO_SG=$sg; return 0; }
		names+="${names:+, }$name"
	done < <("$ZCVIZ" --list-demos)
	die 2 "run: unknown demo '$1'; choose ${names%, *} or ${names##*, }"
}

sum_of() { # sum_of LINE: the xxh3=... field (the checksum)
	sed -n 's/.*xxh3=\([0-9a-f]*\).*/\1/p' <<<"$1"
}

bytes_of() { # bytes_of LINE: the number before " bytes"
	sed -n 's/.* \([0-9]*\) bytes.*/\1/p' <<<"$1"
}

wait_listening() { # wait_listening ERRFILE PID: prints the port
	local i
	for i in $(seq 100); do
		if grep -q 'listening on' "$1" 2>/dev/null; then
			sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$1"
			return 0
		fi
		kill -0 "$2" 2>/dev/null || break
		sleep 0.05
	done
	cat "$1" >&2
	return 1
}

run_compare() { # run_compare SENDER-LINE SINK-LINE
	local sb sc rb rc
	sb=$(bytes_of "$1") sc=$(sum_of "$1") rb=$(bytes_of "$2") rc=$(sum_of "$2")
	if [ -n "$sb" ] && [ "$sb" = "$rb" ] && [ "$sc" = "$rc" ]; then
		echo "match: $sb bytes, xxh3 $sc at both ends"
		return 0
	fi
	echo "MISMATCH: sent ${sb:-?} bytes xxh3 ${sc:-?}, received ${rb:-?} bytes xxh3 ${rc:-?}"
	return 1
}

cmd_run() {
	local sg="" loop="" demo file args=("$@")
	while [ $# -gt 0 ]; do
		case $1 in
		--sg) sg=${2:-}; shift ;;
		--loopback) loop=1 ;;
		-*) die 2 "run: unknown argument '$1'; see $PROG --help" ;;
		*) break ;;
		esac
		shift
	done
	[ $# -ge 2 ] || die 2 "run: give a DEMO and a FILE; see $PROG --help"
	[[ -z $sg || $sg = on || $sg = off ]] || die 2 "run: --sg takes on or off, not '$sg'"
	demo=$1 file=$2
	shift 2
	demo_row "$demo"
	[ -n "$sg" ] || sg=$DEMO_SG
	[ -x "$BUILD/$DEMO_PROG" ] || die 3 "run: $BUILD/$DEMO_PROG is missing; run make first"
	if [ -z "$loop" ] && [ "$(id -u)" != 0 ]; then
		echo "$PROG: the lab needs root (network namespaces); running over loopback, whose scatter-gather is always on. For the lab: sudo $(quote "$(shown "$HERE/lab.sh")" run "${args[@]}")" >&2
		loop=1
	fi
	RUN_TMP=$(mktemp -d) || die 3 "run: mktemp failed"
	trap 'run_teardown' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	if [ -n "$loop" ]; then
		run_one "" "" 127.0.0.1:0 "$demo" "$file" "$@"
	else
		RUN_ID=$$
		local vars
		vars=$(cmd_up --id "$RUN_ID" --owner $$ --sg "$sg") || exit
		eval "$vars"
		# the lab's receiver namespace is ours alone, so a fixed port is
		# free and the printed commands can be repeated as they are
		run_one "$ZCLAB_RX_NS" "$ZCLAB_TX_NS" "$RX_IP:$PORT" "$demo" "$file" "$@"
	fi
}

run_one() { # run_one RX-NETNS TX-NETNS ADDR:PORT DEMO FILE [DEMO-OPTIONS]; no NETNS: here
	local listen=$3 demo=$4 file=$5 rx=() tx=() sink port rc
	[ -z "$1" ] || rx=(ip netns exec "$1")
	[ -z "$2" ] || tx=(ip netns exec "$2")
	shift 5
	sink=("${rx[@]}" "$(shown "$BUILD/zc-sink")" --listen "$listen" --once)
	# pasted, the next line must wait until the sink listens, as we do
	if [ "${listen##*:}" = 0 ]; then
		echo "+ $(quote "${sink[@]}") &  # port 0: it picks one; wait until it says which, and use it below" >&2
	else
		echo "+ $(quote "${sink[@]}") &  # wait until it says 'listening on'" >&2
	fi
	"${sink[@]}" >"$RUN_TMP/sink.out" 2>"$RUN_TMP/sink.err" &
	SINK_PID=$!
	port=$(wait_listening "$RUN_TMP/sink.err" "$SINK_PID") || die 1 "run: zc-sink did not start"
	say "${tx[@]}" "$(shown "$BUILD/$DEMO_PROG")" --to "${listen%:*}:$port" "$@" "$file" >"$RUN_TMP/sender.out"
	rc=$?
	cat "$RUN_TMP/sender.out"
	[ $rc -eq 0 ] || exit $rc
	wait "$SINK_PID" || { SINK_PID=""; cat "$RUN_TMP/sink.err" >&2; exit 1; }
	SINK_PID=""
	cat "$RUN_TMP/sink.out"
	run_compare "$(cat "$RUN_TMP/sender.out")" "$(cat "$RUN_TMP/sink.out")"
}

run_teardown() {
	[ -n "${SINK_PID:-}" ] && kill "$SINK_PID" 2>/dev/null
	[ -n "${RUN_ID:-}" ] && lab_down "$RUN_ID"
	rm -rf "$RUN_TMP"
}

main() {
	local cmd=${1:-}
	[ $# -gt 0 ] && shift
	case $cmd in
	up) cmd_up "$@" ;;
	down) cmd_down "$@" ;;
	status) cmd_status "$@" ;;
	cleanup) cmd_cleanup "$@" ;;
	run) cmd_run "$@" ;;
	-h | --help | help) usage ;;
	-V | --version) echo "$PROG $("$ZCVIZ" --version 2>/dev/null | cut -d' ' -f2 || echo '(run make)')" ;;
	"") usage >&2; exit 2 ;;
	*) die 2 "unknown command '$cmd'; see $PROG --help" ;;
	esac
}

main "$@"
