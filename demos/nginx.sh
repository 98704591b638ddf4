#!/usr/bin/env bash
# nginx.sh: a real server nobody here wrote, measured. Runs Debian's nginx
# in the lab's sending namespace with sendfile on or off, fetches FILE with
# curl from the receiving namespace, and watches nginx's worker with
# zcviz -p meanwhile; prints zcviz's report (or --json), and checks that
# the bytes curl got are FILE's. Leaves nothing: the lab, nginx and its
# files go, on success, error and signal.
set -u

PROG=nginx.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$HERE/lab.sh
# zcviz, and the sample, in BUILD (common.sh)
. "$HERE/common.sh"
PORT=8080

usage() {
	cat <<EOF
Usage: $PROG [--report|--json] on|off [FILE]
       $PROG --help | --version

Serve FILE (default: build/sample-64M.bin) with nginx, sendfile on or off,
to curl across the lab, and measure nginx's worker with zcviz -p.

Example:
  sudo demos/nginx.sh on          # does nginx copy the file?
  sudo demos/nginx.sh --json off build/sample-64M.bin

Exit status: 0 curl got the file, 1 it did not, 2 bad usage, 3 something
missing (root, nginx, curl, zcviz).
EOF
}

die() { # die STATUS MESSAGE
	echo "$PROG: $2" >&2
	exit "$1"
}

DIR="" MASTER="" WATCHER="" LAB_ID=""
cleanup() {
	[ -z "$WATCHER" ] || kill "$WATCHER" 2>/dev/null
	[ -z "$MASTER" ] || { kill -QUIT "$MASTER" 2>/dev/null; wait "$MASTER" 2>/dev/null; }
	[ -z "$LAB_ID" ] || "$LAB" down "$LAB_ID" >/dev/null 2>&1
	[ -z "$DIR" ] || rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# nginx_conf MODE: a server of its own, everything under $DIR
nginx_conf() {
	cat <<EOF
user root; # to read FILE wherever it is
worker_processes 1;
daemon off;
pid $DIR/nginx.pid;
error_log $DIR/error.log;
events { worker_connections 16; }
http {
	access_log off;
	sendfile $1;
	default_type application/octet-stream;
	client_body_temp_path $DIR/tmp;
	proxy_temp_path $DIR/tmp;
	fastcgi_temp_path $DIR/tmp;
	uwsgi_temp_path $DIR/tmp;
	scgi_temp_path $DIR/tmp;
	server {
		listen $ZCLAB_TX_IP:$PORT;
		root $DIR/www;
	}
}
EOF
}

# worker_of MASTER: its worker's pid, once it has one and listens
worker_of() {
	local i w
	for i in $(seq 100); do
		w=$(pgrep -P "$1" | head -n 1)
		[ -n "$w" ] && ip netns exec "$ZCLAB_TX_NS" ss -ltn | grep -q ":$PORT " &&
			{ echo "$w"; return 0; }
		sleep 0.05
	done
	return 1
}

main() {
	local out=--report mode file i got
	case ${1:-} in
	-h | --help) usage; exit 0 ;;
	-V | --version) echo "$PROG $("$ZCVIZ" --version 2>/dev/null | cut -d' ' -f2 || echo '(run make)')"; exit 0 ;;
	--report | --json) out=$1; shift ;;
	esac
	mode=${1:-}
	file=${2:-$BUILD/sample-64M.bin}
	[ "$mode" = on ] || [ "$mode" = off ] || die 2 "give on or off (nginx's sendfile); see $PROG --help"
	[ $# -le 2 ] || die 2 "give at most one FILE; see $PROG --help"
	[ -f "$file" ] && [ -r "$file" ] || die 2 "'$file' is not a readable regular file"
	[ "$(id -u)" = 0 ] || die 3 "needs root (the lab, zcviz): sudo demos/$PROG $*"
	command -v nginx >/dev/null || die 3 "nginx is not installed: sudo make deps installs nginx-light"
	command -v curl >/dev/null || die 3 "curl is not installed: sudo make deps installs it"
	[ -x "$ZCVIZ" ] || die 3 "$ZCVIZ is missing: run make"

	LAB_ID=n$$
	eval "$("$LAB" up --id "$LAB_ID" --owner $$ --sg on 2>/dev/null)" ||
		die 3 "could not set up the lab"
	DIR=$(mktemp -d /tmp/zc-nginx.XXXXXX) || die 3 "cannot make a directory in /tmp"
	mkdir "$DIR/www" "$DIR/tmp"
	ln -s "$(realpath "$file")" "$DIR/www/file"
	nginx_conf "$mode" >"$DIR/nginx.conf"
	echo "$PROG: nginx, sendfile $mode, serving $file on $ZCLAB_TX_IP:$PORT in $ZCLAB_TX_NS" >&2
	ip netns exec "$ZCLAB_TX_NS" nginx -c "$DIR/nginx.conf" 2>"$DIR/nginx.err" &
	MASTER=$!
	local worker
	worker=$(worker_of "$MASTER") || die 3 "nginx did not start: $(cat "$DIR/nginx.err" "$DIR/error.log" 2>/dev/null | head -n 3)"

	"$ZCVIZ" "$out" -p "$worker" >"$DIR/zcviz.out" 2>"$DIR/zcviz.err" &
	WATCHER=$!
	for i in $(seq 100); do
		grep -q "^zcviz: watching " "$DIR/zcviz.err" && break
		kill -0 "$WATCHER" 2>/dev/null || die 3 "zcviz -p failed: $(cat "$DIR/zcviz.err")"
		sleep 0.05
	done
	echo "$PROG: curl http://$ZCLAB_TX_IP:$PORT/file in $ZCLAB_RX_NS; zcviz -p $worker watches" >&2
	ip netns exec "$ZCLAB_RX_NS" curl -sS -o "$DIR/got" "http://$ZCLAB_TX_IP:$PORT/file" ||
		die 1 "curl failed"
	kill -INT "$WATCHER"
	wait "$WATCHER" || die 1 "zcviz -p failed: $(cat "$DIR/zcviz.err")"
	WATCHER=""
	cat "$DIR/zcviz.out"
	got=$(stat -c %s "$DIR/got")
	cmp -s "$file" "$DIR/got" || die 1 "curl got $got bytes, not the file's $(stat -c %s "$file")"
	echo "$PROG: curl got $got bytes, the file's every byte" >&2
}

main "$@"
