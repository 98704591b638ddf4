#!/usr/bin/env bash
# deps.sh: the Debian/Ubuntu packages zerocopy-lab needs, in groups, and
# the one place that installs them (make deps runs it; make demo-NAME, as
# root, runs make deps EXTRAS=no first). Everything else only checks:
# a build without a package it needs stops with exit 3 and one line that
# names what to install and the command that does.
set -u -o pipefail

PROG=deps.sh
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP" || exit 3
# what the Makefile passes (make LIBURING_H=/none, CLANG=/none pretend)
BUILD=${ZC_BUILD:-build}
CLANG=${CLANG:-clang}
LIBURING_H=${LIBURING_H:-/usr/include/liburing.h}

usage() {
	cat <<EOF
Usage: $PROG missing GROUP...
       $PROG check GROUP
       $PROG install [--no-extras]
       $PROG --help

The Debian/Ubuntu packages zerocopy-lab needs, in groups: build (to build
the demos and zcviz and to run them), bpf (zcviz's live modes), test (make
test, test-slow and bench), fuzz (make fuzz), all (those four), extras
(optional: a JDK, nginx, curl, liburing, iperf3, gnuplot, Maven, kcat).

  missing  print the packages of the groups that are not installed, one a line
  check    exit 3 with one line when a package of GROUP is missing: which,
           what needs them and the command that installs them
  install  install every missing package of all (root, with apt-get), then
           the extras and Apache Kafka, unless --no-extras; without root, or
           without apt-get, exit 3 with one line naming them
EOF
}

die() { # die STATUS MESSAGE: one line on stderr, then exit
	echo "$PROG: $2" >&2
	exit "$1"
}

# deps_of GROUP: its packages, each PACKAGE=PROBE, the probe a command or a
# file the package provides
deps_of() {
	local rt
	case $1 in
	build) # the lab needs ip and ethtool
		echo gcc=gcc make=make pkg-config=pkg-config zlib1g-dev=/usr/include/zlib.h \
			libxxhash-dev=/usr/include/xxhash.h libncurses-dev=/usr/include/ncurses.h \
			iproute2=ip ethtool=ethtool ;;
	bpf) # without them zcviz is built replay-only
		echo clang=clang llvm=llvm-strip bpftool=bpftool \
			libbpf-dev=/usr/include/bpf/libbpf.h libelf-dev=/usr/include/libelf.h ;;
	test) # only for make test, test-slow and bench: a student without them can build
		echo tmux=tmux jq=jq bats=bats xxhash=xxhsum help2man=help2man \
			asciinema=asciinema libxml2-utils=xmllint \
			bats-assert=/usr/lib/bats/bats-assert/load.bash \
			bats-support=/usr/lib/bats/bats-support/load.bash \
			bats-file=/usr/lib/bats/bats-file/load.bash ;;
	fuzz) # libFuzzer's runtime (a Recommends of clang's packages): clang
		# names the file when it has it, else only its name
		rt=$("$CLANG" -print-file-name="libclang_rt.fuzzer-$(uname -m).a" 2>/dev/null)
		echo "libclang-rt-dev=${rt:-libclang_rt.fuzzer}" ;;
	all) deps_of build && deps_of bpf && deps_of test && deps_of fuzz ;;
	# Optional: the Java demos need a JDK, demos/servers.sh (real servers,
	# measured) the servers and curl, io-uring-zc liburing, make bench's
	# peer iperf3 and its chart gnuplot, demos/kafka.sh Maven (to fetch
	# Apache Kafka, below) and kcat (Debian has Kafka's clients, not its
	# broker). Without them those are left out and say what to install.
	extras)
		echo openjdk-17-jdk-headless=javac nginx-light=nginx curl=curl \
			"liburing-dev=$LIBURING_H" iperf3=iperf3 gnuplot-nox=gnuplot maven=mvn kcat=kcat \
			apache2=apache2 lighttpd=lighttpd haproxy=haproxy caddy=caddy vsftpd=vsftpd nodejs=node ;;
	*) die 2 "unknown group '$1'; see $PROG --help" ;;
	esac
}

# who GROUP: what needs them, for a message
who() {
	case $1 in
	build) echo "needed to build" ;;
	bpf) echo "needed by zcviz's live modes" ;;
	test) echo "needed by make test and make bench" ;;
	fuzz) echo "needed by make fuzz" ;;
	all) echo "needed to build and test" ;;
	extras) echo "optional: the Java demos, the servers, io_uring, iperf3, Maven and kcat for Kafka" ;;
	esac
}

# missing GROUP...: the packages whose probe is missing, one a line;
# bpftool lives in /usr/sbin
missing() {
	local g d p f list
	for g; do
		list=$(deps_of "$g") || exit
		for d in $list; do
			p=${d%%=*} f=${d#*=}
			case $f in
			/*) test -e "$f" ;;
			*) command -v "$f" || test -x "/usr/sbin/$f" ;;
			esac >/dev/null || echo "$p"
		done
	done
}

# missing_line GROUP...: the same, on one line
missing_line() {
	local m
	m=$(missing "$@" | tr '\n' ' ') || exit
	echo "${m% }"
}

# check GROUP: exit 3 when one of its packages is missing, naming them,
# what needs them and the command that installs them
cmd_check() {
	local m how
	[ $# = 1 ] || die 2 "check: give one GROUP; see $PROG --help"
	m=$(missing_line "$1") || exit
	[ -n "$m" ] || exit 0
	if [ "$(id -u)" = 0 ]; then
		how="make deps (it installs them)"
	else
		how="sudo apt-get install $m"
	fi
	echo "deps: missing $m ($(who "$1")); run: $how" >&2
	exit 3
}

# get GROUP: installs its missing packages (as root, with apt-get);
# otherwise, or when apt-get fails, says so and returns 3
get() {
	local m
	m=$(missing_line "$1") || return
	[ -n "$m" ] || return 0
	if grep -qi ubuntu /etc/os-release 2>/dev/null; then
		m=$(echo "$m" | sed "s/bpftool/linux-tools-common linux-tools-$(uname -r)/")
	fi
	if ! command -v apt-get >/dev/null; then
		echo "deps: missing $m ($(who "$1")); install these Debian/Ubuntu packages or your distribution's equivalents" >&2
		return 3
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing $m ($(who "$1")); run: sudo apt-get install $m" >&2
		return 3
	fi
	echo "deps: installing $m ($(who "$1"))"
	mkdir -p "$BUILD"
	export DEBIAN_FRONTEND=noninteractive
	services_held
	# $m unquoted: a word a package
	# shellcheck disable=SC2086
	{ apt-get install -y -q $m || { apt-get update -q && apt-get install -y -q $m; }; } \
		>"$BUILD/deps.log" 2>&1 || {
		services_released
		tail -n 20 "$BUILD/deps.log" >&2
		echo "deps: apt-get failed; the log is $BUILD/deps.log" >&2
		return 3
	}
	services_released
}

# The servers are programs servers.sh starts, never services: while
# apt-get installs them, invoke-rc.d is told that no service may start
# (policy-rc.d, exit 101), by a file of ours that goes again after, and
# only where there was none (an administrator's is theirs to keep).
POLICY=/usr/sbin/policy-rc.d
POLICY_OURS=""
services_held() {
	[ ! -e "$POLICY" ] && [ ! -L "$POLICY" ] || return 0
	(set -o noclobber && printf '#!/bin/sh\n# zerocopy-lab: make deps installs, starts nothing\nexit 101\n' >"$POLICY") 2>/dev/null &&
		chmod 755 "$POLICY" && POLICY_OURS=yes
}
services_released() {
	[ -z "$POLICY_OURS" ] || rm -f "$POLICY"
	POLICY_OURS=""
}

# Apache Kafka, for demos/kafka.sh: one pinned release (KAFKA_POM's
# kafka.version says which), the broker and the tools it runs, with their
# dependencies, from Maven Central, fetched with Maven into KAFKA_LIB,
# kafka.sh's classpath, with a copy of the POM they were fetched for
# beside them (KAFKA_STAMP): a changed POM is fetched again. Maven's own
# cache (~/.m2) makes a second fetch quick; make clean removes the jars.
KAFKA_POM=demos/kafka/pom.xml
KAFKA_LIB=$BUILD/kafka/lib
KAFKA_STAMP=$KAFKA_LIB/.pom.xml

kafka_fetched() { # true when KAFKA_LIB holds what KAFKA_POM asks for
	cmp -s "$KAFKA_POM" "$KAFKA_STAMP"
}

# kafka_fetch: fetches Apache Kafka into KAFKA_LIB unless it is there, and
# says what it did; a new folder that replaces the old only once Maven has
# filled it. Optional: it never fails make deps.
kafka_fetch() {
	local version new
	! kafka_fetched || return 0
	if ! command -v mvn >/dev/null; then
		echo "deps: Apache Kafka is not fetched: Maven (mvn) is missing; sudo make deps installs maven, then fetches it"
		return 0
	fi
	version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")
	echo "deps: fetching Apache Kafka $version and its dependencies from Maven Central into $KAFKA_LIB (optional: demos/kafka.sh)"
	mkdir -p "$BUILD/kafka" && rm -rf "$KAFKA_LIB.new" || return
	case $KAFKA_LIB in
	/*) new=$KAFKA_LIB.new ;;
	*) new=$(pwd -P)/$KAFKA_LIB.new ;; # Maven's own directory is another
	esac
	if mvn -B -q -f "$KAFKA_POM" dependency:copy-dependencies -DincludeScope=runtime \
		-DoutputDirectory="$new" >"$BUILD/kafka/mvn.log" 2>&1 &&
		cp "$KAFKA_POM" "$KAFKA_LIB.new/${KAFKA_STAMP##*/}"; then
		rm -rf "$KAFKA_LIB" && mv "$KAFKA_LIB.new" "$KAFKA_LIB" &&
			echo "deps: Apache Kafka $version: $(ls "$KAFKA_LIB"/*.jar | wc -l) jars, $(du -sh "$KAFKA_LIB" | cut -f1), in $KAFKA_LIB"
	else
		rm -rf "$KAFKA_LIB.new"
		tail -n 20 "$BUILD/kafka/mvn.log" >&2
		echo "deps: Maven failed: Apache Kafka is not fetched (its log: $BUILD/kafka/mvn.log); demos/kafka.sh says so"
	fi
}

# install [--no-extras]: everything for building and for testing (CI runs
# make deps first), then the optional extras, which never fail it
cmd_install() {
	local extras=yes m
	case ${1:-} in
	"") ;;
	--no-extras) extras=no ;;
	*) die 2 "install: unknown argument '$1'; see $PROG --help" ;;
	esac
	if [ $extras = yes ]; then
		m=$(missing_line all extras) || exit
	else
		m=$(missing_line all) || exit
	fi
	if [ -z "$m" ] && { [ $extras = no ] || kafka_fetched; }; then
		echo "deps: everything is installed"
	else
		get all || exit
	fi
	[ $extras = yes ] || return 0
	get extras ||
		echo "deps: the optional packages are not installed: the demos that need them are left out, and say why"
	kafka_fetch
}

main() {
	local cmd=${1:-}
	[ $# -gt 0 ] && shift
	case $cmd in
	missing) [ $# -gt 0 ] || die 2 "missing: give a GROUP; see $PROG --help"
		missing "$@" ;;
	check) cmd_check "$@" ;;
	install) cmd_install "$@" ;;
	-h | --help | help) usage ;;
	"") usage >&2; exit 2 ;;
	*) die 2 "unknown command '$cmd'; see $PROG --help" ;;
	esac
}

main "$@"
