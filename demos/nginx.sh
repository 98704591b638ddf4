#!/usr/bin/env bash
# nginx.sh: a real server nobody here wrote, measured: the nginx rows of
# servers.sh, on their own (the lessons use them). Runs Debian's nginx in
# the lab's sending namespace with sendfile on or off, fetches FILE with
# curl from the receiving namespace, and watches nginx (its master, and
# so its worker) with zcviz -p meanwhile; prints zcviz's report (or
# --json), and checks that the bytes curl got are FILE's. Leaves nothing.
set -u

PROG=nginx.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# zcviz, and the sample, in BUILD (common.sh)
. "$HERE/common.sh"

usage() {
	cat <<EOF
Usage: $PROG [--report|--json] on|off [FILE]
       $PROG --help | --version

Serve FILE (default: build/sample-64M.bin) with nginx, sendfile on or off,
to curl across the lab, and measure nginx with zcviz -p. servers.sh does
the same for the other servers people run.

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

main() {
	local out=--report mode file
	case ${1:-} in
	-h | --help) usage; exit 0 ;;
	-V | --version) echo "$PROG $("$ZCVIZ" --version 2>/dev/null | cut -d' ' -f2 || echo '(run make)')"; exit 0 ;;
	--report | --json) out=$1; shift ;;
	esac
	mode=${1:-}
	file=${2:-$BUILD/sample-64M.bin}
	[ "$mode" = on ] || [ "$mode" = off ] || die 2 "give on or off (nginx's sendfile); see $PROG --help"
	[ $# -le 2 ] || die 2 "give at most one FILE; see $PROG --help"
	ZC_PROG=$PROG exec "$HERE/servers.sh" "$out" nginx "$mode" "$file"
}

main "$@"
