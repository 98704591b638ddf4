#!/usr/bin/env bash
# servers.sh: the servers people run, measured. Each row of SERVERS is a
# program from Debian, the setting that decides whether it copies what it
# serves, and the CPU copies per byte its sources and issue trackers lead
# one to expect. servers.sh starts the program in the lab's sending
# namespace with a configuration of its own in a directory of its own
# (never as a system service), fetches a file with its protocol's own
# client (curl: HTTP, or FTP) from the receiving namespace, checks every
# byte, and watches the program's whole process tree with zcviz -p
# meanwhile. Leaves nothing: the lab, the servers and their files go, on
# success, error and signal. nginx.sh is its first row, on its own.
set -u

PROG=${ZC_PROG:-servers.sh}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$HERE/lab.sh
# zcviz, and the sample, in BUILD (common.sh)
. "$HERE/common.sh"
PORT=8080
BACKEND_PORT=8081 # haproxy's backend

# PROGRAM|SETTING|SWITCH|COMMAND|PACKAGE|EXPECTED|CLIENT|WHY: the program,
# the setting servers.sh takes, the switch in the program's own words, the
# command it needs and the package that has it, the CPU copies per byte
# expected, how the file is fetched (http; gzip: asking for gzip; text:
# the same, of the file as text, in hex, which compresses; ftp), and what
# the verdict says (an extended regex): why it copies or not, and so why
# when the copies differ from EXPECTED
SERVERS=(
	"nginx|on|sendfile on|nginx|nginx-light|0|http|page reference"
	"nginx|off|sendfile off|nginx|nginx-light|2|http|user-space loop"
	"apache2|sendfile|EnableSendfile On|apache2|apache2|0|http|page reference"
	"apache2|mmap|EnableMMAP On, EnableSendfile Off|apache2|apache2|1|http|mapped"
	"apache2|off|EnableMMAP Off, EnableSendfile Off|apache2|apache2|2|http|user-space loop"
	"lighttpd|sendfile|network-backend sendfile|lighttpd|lighttpd|0|http|page reference"
	"lighttpd|writev|network-backend writev|lighttpd|lighttpd|2|http|mapped|user-space loop"
	"haproxy|splice|option splice-response|haproxy|haproxy|0|http|spliced"
	"haproxy|off|no splicing|haproxy|haproxy|2|http|received from a socket into user memory"
	"caddy|plain|file_server|caddy|caddy|0|http|page reference"
	"caddy|gzip|file_server, encode gzip, a text file|caddy|caddy|2|text|compressed"
	"caddy|gzip-binary|encode gzip, a file it does not compress|caddy|caddy|2|gzip|user-space loop"
	"python3|http.server|python3 -m http.server|python3|python3|2|http|user-space loop"
	"node|pipe|createReadStream().pipe(res)|node|nodejs|2|http|user-space loop"
	"vsftpd|sendfile|use_sendfile=YES|vsftpd|vsftpd|0|ftp|page reference"
	"vsftpd|off|use_sendfile=NO|vsftpd|vsftpd|2|ftp|user-space loop"
)

list() { # the table, a row a line: PROGRAM SETTING EXPECTED COMMAND PACKAGE WHY, tab-separated
	local r
	for r in "${SERVERS[@]}"; do
		IFS='|' read -r R_PROG R_SET R_SWITCH R_CMD R_PKG R_EXPECT R_CLIENT R_WHY <<<"$r"
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$R_PROG" "$R_SET" "$R_EXPECT" "$R_CMD" "$R_PKG" "$R_WHY"
	done
}

rows_text() { # the table, as --help shows it
	local r p s w e
	for r in "${SERVERS[@]}"; do
		IFS='|' read -r p s w _ _ e _ <<<"$r"
		printf '  %-8s %-11s %-38s %s\n' "$p" "$s" "$w" "$e"
	done
}

usage() {
	cat <<EOF
Usage: $PROG [--report|--json] [--record TRACE] [--worker] [--reload] PROGRAM SETTING [FILE]
       $PROG --table [FILE]
       $PROG --list | --help | --version

Serve FILE (default: build/sample-64M.bin) with PROGRAM, set as SETTING,
to a client across the lab, and measure the program's processes with
zcviz -p: its report (or --json), and its trace with --record. --table does so for every row whose
program is installed, and prints a line each: CPU copies per byte against
what is expected, the verdict, throughput, the server's CPU per GB.
zcviz watches the program's first process and every one it starts;
--worker watches its first child alone (nginx's worker), --reload sends
it SIGHUP once watched, so that a new worker serves (nginx, apache2).
--list prints the table, a row a line: PROGRAM SETTING EXPECTED COMMAND
PACKAGE WHY (what the verdict says when the copies differ), tab-separated.

Rows (PROGRAM SETTING: the switch; expected CPU copies per byte):
$(rows_text)

Example:
  sudo demos/$PROG apache2 mmap       # does apache copy what it maps?
  sudo demos/$PROG --table            # every server installed

Exit status: 0 the client got the file (--table: every row did, within
0.02 of what is expected or with a verdict that says why not), 1 it did
not, 2 bad usage, 3 something missing (root, the program, curl, zcviz).
EOF
}

die() { # die STATUS MESSAGE
	echo "$PROG: $2" >&2
	exit "$1"
}

DIR="" SERVER="" BACKEND="" WATCHER="" LAB_ID=""
cleanup() {
	[ -z "$WATCHER" ] || kill "$WATCHER" 2>/dev/null
	server_stop
	[ -z "$LAB_ID" ] || "$LAB" down "$LAB_ID" >/dev/null 2>&1
	[ -z "$DIR" ] || rm -rf "$DIR"
	DIR="" LAB_ID="" WATCHER=""
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# server_stop: the server, its children, and haproxy's backend
server_stop() {
	local p
	for p in $SERVER $BACKEND; do
		pkill -TERM -P "$p" 2>/dev/null
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	SERVER="" BACKEND=""
}

# row PROGRAM SETTING: sets R_* from its row of SERVERS; false if none
row() {
	local r
	for r in "${SERVERS[@]}"; do
		IFS='|' read -r R_PROG R_SET R_SWITCH R_CMD R_PKG R_EXPECT R_CLIENT R_WHY <<<"$r"
		[ "$R_PROG" = "$1" ] && [ "$R_SET" = "$2" ] && return 0
	done
	return 1
}

# in_tx CMD...: CMD in the lab's sending namespace, in the background
in_tx() {
	ip netns exec "$ZCLAB_TX_NS" "$@" >>"$DIR/server.log" 2>&1 </dev/null &
}

# listening PORT: until something listens on PORT in the sending namespace
listening() {
	local i
	for i in $(seq 200); do
		ip netns exec "$ZCLAB_TX_NS" ss -Hltn "sport = :$1" | grep -q . && return 0
		kill -0 "$SERVER" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

. "$HERE/servers.conf.sh"

# served FILE: FILE as the server serves it, $DIR/www/$SERVED (a copy,
# that a server which drops root may read; as text, for a text row)
served() {
	SERVED=file
	if [ "$R_CLIENT" = text ]; then
		SERVED=file.txt
		od -An -tx1 -v "$1" >"$DIR/www/$SERVED" # its bytes in hex
	else
		cp "$1" "$DIR/www/$SERVED"
	fi && chmod 644 "$DIR/www/$SERVED"
}

# fetch OUT: the file from the server, as its row says, into OUT
fetch() {
	local url=http://$ZCLAB_TX_IP:$PORT/$SERVED
	case $R_CLIENT in
	http) ip netns exec "$ZCLAB_RX_NS" curl -sS -o "$1" -w '%{speed_download}' "$url" ;;
	gzip | text) ip netns exec "$ZCLAB_RX_NS" curl -sS --compressed -o "$1" -w '%{speed_download}' "$url" ;;
	ftp) ip netns exec "$ZCLAB_RX_NS" curl -sS -o "$1" -w '%{speed_download}' "ftp://$ZCLAB_TX_IP:$PORT/$SERVED" ;;
	esac
}

# child_of PID [NOT]: its first child but NOT, once it has one
child_of() {
	local i c
	for i in $(seq 200); do
		c=$(pgrep -P "$1" | grep -Evx "${2:-0}" | head -n 1)
		[ -n "$c" ] && { echo "$c"; return 0; }
		sleep 0.05
	done
	return 1
}

# watch_start PID OUT: zcviz -p PID, in the background, once it says it
# is watching
watch_start() {
	zcviz_watching "$DIR" "$2" ${RECORD:+--record "$RECORD"} -p "$1"
}

# checks PROGRAM SETTING FILE: what the row needs, or exit 3
checks() {
	row "$1" "$2" || die 2 "no row '$1 $2'; $PROG --list names them"
	[ -f "$3" ] && [ -r "$3" ] || die 2 "'$3' is not a readable regular file"
	[ "$(id -u)" = 0 ] || die 3 "needs root (the lab, zcviz): sudo demos/$PROG $1 $2"
	command -v "$R_CMD" >/dev/null || die 3 "$R_CMD is not installed: sudo make deps installs $R_PKG"
	command -v curl >/dev/null || die 3 "curl is not installed: sudo make deps installs it"
	[ -x "$ZCVIZ" ] || die 3 "$ZCVIZ is missing: run make"
}

# serve OUT FILE: the row's program serves FILE, watched by zcviz (OUT:
# its output option); zcviz's output in $DIR/zcviz.out, the client's
# speed in bytes a second in $DIR/speed; 1 when the bytes differ
serve() {
	local out=$1 file=$2 got watched
	LAB_ID=s$$
	eval "$("$LAB" up --id "$LAB_ID" --owner $$ --sg on 2>/dev/null)" ||
		die 3 "could not set up the lab"
	DIR=$(mktemp -d /tmp/zc-server.XXXXXX) || die 3 "cannot make a directory in /tmp"
	chmod 755 "$DIR" # servers that drop root read the file as another user
	mkdir -m 755 "$DIR/www"
	served "$file" || die 3 "cannot copy $file into $DIR"
	echo "$PROG: $R_PROG ($R_SWITCH) serves $file on $ZCLAB_TX_IP:$PORT in $ZCLAB_TX_NS" >&2
	"start_$R_PROG" "$R_SET" || die 3 "$R_PROG did not start: $(tail -n 3 "$DIR/server.log" 2>/dev/null)"
	listening "$PORT" || die 3 "$R_PROG did not start: $(tail -n 3 "$DIR/server.log" 2>/dev/null)"
	watched=$SERVER
	[ -z "$WORKER" ] || watched=$(child_of "$SERVER") || die 3 "$R_PROG started no worker"
	watch_start "$watched" "$out"
	[ -z "$RELOAD" ] || reload
	echo "$PROG: curl in $ZCLAB_RX_NS ($R_CLIENT); zcviz -p $watched watches" >&2
	fetch "$DIR/got" >"$DIR/speed" || die 1 "curl failed"
	kill -INT "$WATCHER"
	wait "$WATCHER" || die 1 "zcviz -p failed: $(cat "$DIR/zcviz.err")"
	WATCHER=""
	got=$(stat -c %s "$DIR/got")
	cmp -s "$DIR/www/$SERVED" "$DIR/got" || die 1 "curl got $got bytes, not the file's $(stat -c %s "$DIR/www/$SERVED")"
	echo "$PROG: curl got $got bytes, the file's every byte, at $(awk -v s="$(cat "$DIR/speed")" 'BEGIN { printf "%.1f", s / 1e6 }') MB/s" >&2
}

# reload: SIGHUP to the server once watched; until a new worker runs and
# the old ones have gone, so that the new one serves
reload() {
	local old new i
	old=$(pgrep -P "$SERVER" | tr '\n' '|')
	kill -HUP "$SERVER"
	new=$(child_of "$SERVER" "${old%|}") || die 3 "$R_PROG started no worker on SIGHUP"
	for i in $(seq 200); do
		pgrep -P "$SERVER" | grep -Eqx "${old%|}" || break
		sleep 0.05
	done
	echo "$PROG: SIGHUP: $R_PROG started worker $new while watched" >&2
}

# one OUT PROGRAM SETTING FILE: a row, zcviz's output printed
one() {
	checks "$2" "$3" "$4"
	serve "$1" "$4"
	cat "$DIR/zcviz.out"
}

# table_line JSON STDERR: a measured row as a line of the table (R_* set);
# false when its copies differ from what is expected by more than 0.02
# and its verdict does not say why
table_line() {
	local copies verdict cpu mbps mark=ok
	copies=$(jq -r '.cpu_copies_per_byte' <<<"$1")
	verdict=$(jq -r '.verdict' <<<"$1")
	cpu=$(jq -r '(.sender_cpu_ns.user + .sender_cpu_ns.sys) / 1e6 / (.file_bytes / 1e9) | . * 10 | round / 10' <<<"$1")
	mbps=$(sed -n 's/.* at \([0-9.]*\) MB\/s$/\1/p' <<<"$2")
	if awk -v c="$copies" -v e="$R_EXPECT" 'BEGIN { d = c - e; exit !(d > 0.02 || d < -0.02) }'; then
		mark=explained
		grep -Eq -- "$R_WHY" <<<"$verdict" || mark=DIFFERS
	fi
	printf '%-8s %-36s %6.2f %6s %-9s %8s %9s  %s\n' "$R_PROG" "$R_SWITCH" \
		"$copies" "$R_EXPECT" "$mark" "${mbps:-?}" "$cpu" "$verdict"
	[ $mark != DIFFERS ]
}

# table FILE: every row whose program is installed, measured
table() {
	local r j err rc=0
	err=$(mktemp /tmp/zc-servers.XXXXXX) || die 3 "cannot make a file in /tmp"
	printf '%-8s %-36s %6s %6s %-9s %8s %9s  %s\n' program switch copies expect "" MB/s "CPU ms/GB" why
	for r in "${SERVERS[@]}"; do
		IFS='|' read -r R_PROG R_SET R_SWITCH R_CMD R_PKG R_EXPECT R_CLIENT R_WHY <<<"$r"
		if ! command -v "$R_CMD" >/dev/null; then
			printf '%-8s %-36s not installed: sudo make deps installs %s\n' "$R_PROG" "$R_SWITCH" "$R_PKG"
			continue
		fi
		if j=$("$HERE/servers.sh" --json "$R_PROG" "$R_SET" "$1" 2>"$err"); then
			table_line "$j" "$(tail -n 1 "$err")" || rc=1
		else
			printf '%-8s %-36s failed: %s\n' "$R_PROG" "$R_SWITCH" "$(tail -n 1 "$err")"
			rc=1
		fi
	done
	rm -f "$err"
	return $rc
}

WORKER="" RELOAD="" RECORD=""

main() {
	local out=--report
	while :; do
		case ${1:-} in
		--report | --json) out=$1 ;;
		--worker) WORKER=1 ;;
		--reload) RELOAD=1 ;;
		--record)
			[ -n "${2:-}" ] || die 2 "--record takes a FILE; see $PROG --help"
			RECORD=$(realpath -m "$2")
			shift ;;
		*) break ;;
		esac
		shift
	done
	case ${1:-} in
	-h | --help) usage; exit 0 ;;
	-V | --version) echo "$PROG $("$ZCVIZ" --version 2>/dev/null | cut -d' ' -f2 || echo '(run make)')"; exit 0 ;;
	--list) list; exit 0 ;;
	--table)
		[ $# -le 2 ] || die 2 "give at most one FILE; see $PROG --help"
		command -v jq >/dev/null || die 3 "jq is not installed: sudo make deps installs it"
		table "${2:-$BUILD/sample-64M.bin}"
		exit ;;
	esac
	[ $# -ge 2 ] && [ $# -le 3 ] || die 2 "give PROGRAM SETTING [FILE]; see $PROG --help"
	one "$out" "$1" "$2" "${3:-$BUILD/sample-64M.bin}"
}

main "$@"
