#!/usr/bin/env bash
# kafka.sh: the system people name when they say zero copy, run for real.
# Starts a single-node Apache Kafka broker (KRaft, formatted fresh) in the
# lab's sending namespace, with a plaintext and a TLS listener; produces
# SIZE bytes of records into a topic with kcat from the receiving
# namespace, then has N kcat consumers read the whole topic back, and
# checks that each got every record. zcviz -p watches the broker's JVM
# during the fetch phase and reports what it did. Leaves
# nothing: the broker, its files, the lab and kcat go, on success, error
# and signal.
set -u

PROG=kafka.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$HERE/lab.sh
# zcviz, and Kafka's jars, in BUILD (common.sh)
. "$HERE/common.sh"
# Kafka's jars, as make deps fetches them (ZC_KAFKA_LIB: elsewhere)
KAFKA_LIB=${ZC_KAFKA_LIB:-$BUILD/kafka/lib}
PLAIN_PORT=9092 SSL_PORT=9093 CONTROLLER_PORT=9094
TOPIC=zc
RECORD=1000                           # bytes of a record's value; the last is shorter
DEFAULT_SIZE=$((64 * 1024 * 1024 + 3)) # not a multiple of a record, nor of a page
MAX_CONSUMERS=64

usage() {
	cat <<EOF
Usage: $PROG [--report|--json] [--tls] [--consumers N] [--cold] [--size BYTES] [--sg on|off]
       $PROG --help | --version

Run a real Apache Kafka broker (one node, KRaft) in the lab's sending
namespace, produce BYTES of records into a topic with kcat -P from the
receiving one, then consume the whole topic with N kcat -C at once, and
check that every consumer got every record. zcviz -p watches the broker
during the consumers' fetches: its report (or --json) is the output.

  --tls           produce and consume over the broker's TLS listener
                  (a throwaway CA made for the run), not its plaintext one
  --consumers N   N consumers, each reading the whole topic (1 to $MAX_CONSUMERS; 1)
  --cold          drop the topic's log segments from the page cache before
                  the consumers start (the broker keeps running)
  --size BYTES    the records' values, BYTES in all, $RECORD bytes a record
                  but the last (K, M, G: binary; default $DEFAULT_SIZE, 64 MiB + 3)
  --sg on|off     scatter-gather on the sending device (default on)

Examples:
  sudo demos/kafka.sh                       # plaintext: the log goes by sendfile()
  sudo demos/kafka.sh --tls                 # TLS: the JVM reads and encrypts it
  sudo demos/kafka.sh --consumers 3 --cold  # one read from disk, three sends
  sudo demos/kafka.sh --json --size 10M

Exit status: 0 every consumer got every record, 1 one did not (or kcat
failed), 2 bad usage, 3 something missing (root, java, Kafka's jars: sudo
make deps, kcat, openssl, xxhsum) or the broker did not start.
EOF
}

die() { # die STATUS MESSAGE: one line on stderr, then exit
	echo "$PROG: $2" >&2
	exit "$1"
}

show() { # show CMD...: print a command as you could paste it (as lab.sh does)
	echo "+ $(quote "$@")" >&2
}

show_then() { # show_then TAIL CMD...: the same, TAIL (a redirection, a pipe) after it as it is
	echo "+ $(quote "${@:2}") $1" >&2
}

say() { # say CMD...: print a command, then run it
	show "$@"
	"$@"
}

OUT=--report DIR="" LAB_ID="" BROKER="" WATCHER="" FG="" CONSUMERS=()
cleanup() {
	local i
	# a second signal must not cut the cleanup short
	trap '' INT TERM
	[ -z "$WATCHER" ] || kill "$WATCHER" 2>/dev/null
	[ -z "$FG" ] || kill "$FG" 2>/dev/null
	if [ -n "$BROKER" ] && kill -TERM "$BROKER" 2>/dev/null; then
		# its own shutdown, a few seconds; then no more patience
		for i in $(seq 100); do
			kill -0 "$BROKER" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$BROKER" 2>/dev/null
		wait "$BROKER" 2>/dev/null
	fi
	# the lab's namespaces go with whatever still runs in them (kcat)
	[ -z "$LAB_ID" ] || "$LAB" down "$LAB_ID" >/dev/null 2>&1
	# and then the consumers' pipelines end, before their files go
	[ ${#CONSUMERS[@]} -eq 0 ] || wait "${CONSUMERS[@]}" 2>/dev/null
	[ -z "$DIR" ] || rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# stale_cleanup: what a run killed outright (SIGKILL: no trap ran) left,
# as zcviz does at its start: its lab, with whatever still ran in it (the
# broker, kcat), goes with lab.sh cleanup; then its directory, which names
# a lab that is no more
stale_cleanup() {
	local d id labs
	"$LAB" cleanup >/dev/null 2>&1
	labs=$("$LAB" status 2>/dev/null | awk '$1 == "lab" { sub(/:$/, "", $2); print $2 }')
	for d in "${TMPDIR:-/tmp}"/zc-kafka.*; do
		# only a directory this user made, never through a link
		[ -d "$d" ] && [ ! -L "$d" ] && [ -O "$d" ] || continue
		read -r id <"$d/lab" 2>/dev/null || continue
		grep -qx -- "$id" <<<"$labs" || rm -rf -- "$d"
	done
}

# in_bg CMD...: CMD, waited for in the background, so that a signal is
# handled at once rather than when CMD ends (cleanup kills it); its
# standard input is ours (a job's would be /dev/null)
in_bg() {
	local rc
	"$@" <&0 &
	FG=$!
	wait "$FG"
	rc=$?
	FG=""
	return $rc
}

now() { # now: seconds since the epoch, to the microsecond
	echo "$EPOCHREALTIME"
}

since() { # since T0: seconds since T0, to a tenth
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

bytes_of() { # bytes_of SIZE: 10, 10K, 3M, 1G in bytes; nothing if it is none
	local n=${1%[KMG]} mult=1
	[[ $n =~ ^[0-9]{1,12}$ ]] || return 0
	case $1 in
	*K) mult=1024 ;;
	*M) mult=$((1024 * 1024)) ;;
	*G) mult=$((1024 * 1024 * 1024)) ;;
	esac
	echo $((10#$n * mult))
}

# ---- the broker ---------------------------------------------------------------

# java_cmd HEAP CLASS ARGS...: the java command (JAVA_CMD) that runs CLASS
# from Kafka's jars in the lab's sending namespace with HEAP (-Xmx) and the
# options Kafka's own scripts give (kafka-run-class.sh); log4j as we say
java_cmd() {
	JAVA_CMD=(ip netns exec "$ZCLAB_TX_NS" java "-Xms$1" "-Xmx$1" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
		-XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
		"-Dlog4j2.configurationFile=$DIR/log4j2.properties" -cp "$KAFKA_LIB/*" "${@:2}")
}

# tls_material: a throwaway CA (ca.pem, kcat's trust), and the broker's
# key and certificate for ZCLAB_TX_IP, signed by it, in a PKCS#12 keystore
# (broker.p12) whose password is PASS. Nothing of it outlives the run.
tls_material() {
	PASS=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
	show_then ">$DIR/broker.ext" printf 'subjectAltName = IP:%s\nextendedKeyUsage = serverAuth\n' "$ZCLAB_TX_IP"
	printf 'subjectAltName = IP:%s\nextendedKeyUsage = serverAuth\n' "$ZCLAB_TX_IP" >"$DIR/broker.ext"
	ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$DIR/ca.key" -out "$DIR/ca.pem" -days 1 -subj "/CN=zerocopy-lab throwaway CA" &&
		ossl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$DIR/broker.key" -out "$DIR/broker.csr" -subj "/CN=$ZCLAB_TX_IP" &&
		ossl x509 -req -in "$DIR/broker.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" \
			-CAcreateserial -days 1 -extfile "$DIR/broker.ext" -out "$DIR/broker.pem" &&
		ossl pkcs12 -export -in "$DIR/broker.pem" -inkey "$DIR/broker.key" -certfile "$DIR/ca.pem" \
			-name broker -out "$DIR/broker.p12" -passout "pass:$PASS"
}

ossl() { # ossl ARGS...: openssl ARGS, shown; what it says goes to DIR/openssl.log
	show openssl "$@"
	openssl "$@" 2>>"$DIR/openssl.log"
}

# broker_conf: a single node that is its own controller (KRaft), its data
# in DIR/data; clients reach it on the lab's sending address, plaintext
# and TLS; the controller listens on the namespace's own loopback
broker_conf() {
	cat <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://$ZCLAB_TX_IP:$PLAIN_PORT,SSL://$ZCLAB_TX_IP:$SSL_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$ZCLAB_TX_IP:$PLAIN_PORT,SSL://$ZCLAB_TX_IP:$SSL_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DIR/data
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
ssl.keystore.type=PKCS12
ssl.keystore.location=$DIR/broker.p12
ssl.keystore.password=$PASS
ssl.key.password=$PASS
ssl.client.auth=none
EOF
}

# log4j_conf: everything at INFO, on the standard output (DIR/*.log)
log4j_conf() {
	cat <<EOF
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
EOF
}

# broker_start: format DIR/data afresh and start the broker (BROKER: the
# JVM's pid); returns once it says it has started, or fails saying why
broker_start() {
	local cluster i t0
	broker_conf >"$DIR/server.properties"
	log4j_conf >"$DIR/log4j2.properties"
	# a cluster id is 16 random bytes in URL-safe base64 (StorageTool
	# random-uuid), never one that starts with a dash: the tool would take
	# it for an option (1 in 64: "--cluster-id: expected one argument")
	cluster=-
	while [ "${cluster#-}" != "$cluster" ]; do
		cluster=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
	done
	java_cmd 256m kafka.tools.StorageTool format --cluster-id "$cluster" --config "$DIR/server.properties"
	show "${JAVA_CMD[@]}"
	t0=$(now)
	in_bg "${JAVA_CMD[@]}" >"$DIR/format.log" 2>&1 ||
		die 3 "Kafka's StorageTool failed: $(grep -m 1 -iE 'error|exception' "$DIR/format.log" || tail -n 1 "$DIR/format.log")"
	echo "$PROG: $DIR/data formatted in $(since "$t0") s" >&2
	# the heap kafka-server-start.sh gives it
	java_cmd 1g kafka.Kafka "$DIR/server.properties"
	show_then "&" "${JAVA_CMD[@]}"
	# ip netns exec execs java: the pid is the JVM's
	t0=$(now)
	"${JAVA_CMD[@]}" >"$DIR/broker.log" 2>&1 &
	BROKER=$!
	# ready: its own word, once every listener is up (KafkaRaftServer)
	for i in $(seq 1200); do
		if grep -q 'Kafka Server started' "$DIR/broker.log"; then
			[ "$(cat "/proc/$BROKER/comm" 2>/dev/null)" = java ] ||
				die 3 "the broker's pid $BROKER is not java's: $(cat "/proc/$BROKER/comm" 2>/dev/null)"
			echo "$PROG: the broker (pid $BROKER, java) started in $(since "$t0") s" >&2
			return 0
		fi
		kill -0 "$BROKER" 2>/dev/null || break
		sleep 0.05
	done
	die 3 "the broker did not start: $(grep -m 1 -E 'ERROR|Exception' "$DIR/broker.log" || tail -n 1 "$DIR/broker.log")"
}

# topic_create: TOPIC, one partition, on the broker
topic_create() {
	java_cmd 256m org.apache.kafka.tools.TopicCommand --bootstrap-server "$ZCLAB_TX_IP:$PLAIN_PORT" \
		--create --topic "$TOPIC" --partitions 1 --replication-factor 1
	show "${JAVA_CMD[@]}"
	in_bg "${JAVA_CMD[@]}" >"$DIR/topic.log" 2>&1 ||
		die 3 "could not create the topic: $(grep -m 1 -iE 'error|exception' "$DIR/topic.log" || tail -n 1 "$DIR/topic.log")"
}

# ---- the clients ------------------------------------------------------------------

# kcat_cmd MODE ARGS...: kcat in the lab's receiving namespace, on the
# listener the run uses (KCAT_CMD)
kcat_cmd() {
	KCAT_CMD=(ip netns exec "$ZCLAB_RX_NS" kcat "$1" -b "$BOOTSTRAP" -t "$TOPIC" -p 0)
	[ -z "$TLS" ] || KCAT_CMD+=(-X security.protocol=ssl -X "ssl.ca.location=$DIR/ca.pem")
	KCAT_CMD+=("${@:2}")
}

# records_make: SIZE bytes of values (base64 of random bytes: no newline
# in them) in records of RECORD bytes, each ended by a newline, in
# DIR/records: kcat -P's input, and what each consumer must give back
records_make() {
	head -c $((SIZE / 4 * 3 + 3)) /dev/urandom | base64 -w 0 | head -c "$SIZE" |
		fold -w "$RECORD" >"$DIR/records" && echo >>"$DIR/records"
}

# consume I: consumer I reads the whole partition from its first offset
# (no group) to its end, each record's value then a newline: the same as
# DIR/records when it got every record. Its lines and bytes go to
# DIR/got.I.wc and the xxh3 of them to DIR/got.I.xxh3, as they arrive;
# kcat's status to DIR/got.I.rc.
consume() {
	local i=$1
	kcat_cmd -C -o beginning -e -q -f '%s\n'
	{
		{
			"${KCAT_CMD[@]}" 2>"$DIR/got.$i.err"
			echo $? >"$DIR/got.$i.rc"
		} | tee /dev/fd/3 | xxhsum -H3 - >"$DIR/got.$i.xxh3"
	} 3>&1 | wc -lc >"$DIR/got.$i.wc"
}

# evict: the topic's log segments out of the page cache, written back
# first (dirty pages stay), as zcviz's --cold does for a demo's file;
# says how much of them is still cached, when fincore can tell
evict() {
	local seg left
	for seg in "$DIR/data/$TOPIC-0"/*.log; do
		say sync "$seg" || die 3 "cannot write back $seg"
		say dd if="$seg" iflag=nocache count=0 status=none || die 3 "cannot evict $seg from the page cache"
		if command -v fincore >/dev/null; then
			left=$(fincore -nb -o RES "$seg" 2>/dev/null | tr -d ' ')
			echo "$PROG: $(basename "$seg"): $(stat -c %s "$seg") bytes, ${left:-?} of them still cached" >&2
		fi
	done
}

# ---- the instrument's hook --------------------------------------------------------

# watch_start PID, watch_stop: around the fetch phase (the consumers, and
# nothing before them), zcviz -p PID watches the broker's JVM; its report
# (or --json) goes to stdout when the consumers are done.
watch_start() {
	zcviz_watching "$DIR" "$OUT" -p "$1"
}

watch_stop() {
	kill -INT "$WATCHER"
	wait "$WATCHER" || die 1 "zcviz -p failed: $(head -n 1 "$DIR/zcviz.err")"
	WATCHER=""
	cat "$DIR/zcviz.out"
}

# ---- the run ------------------------------------------------------------------

# The command line, into TLS, SIZE and the globals below.
args_parse() {
	local vars
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help) usage; exit 0 ;;
		-V | --version) # zcviz's version, as nginx.sh's
			vars=$("$ZCVIZ" --version 2>/dev/null) && echo "$PROG ${vars#* }" || echo "$PROG (run make)"
			exit 0 ;;
		--report | --json) OUT=$1 ;;
		--tls) TLS=1 ;;
		--cold) COLD=1 ;;
		--consumers)
			[[ ${2:-} =~ ^[0-9]{1,3}$ ]] && [ "$((10#$2))" -ge 1 ] && [ "$((10#$2))" -le $MAX_CONSUMERS ] ||
				die 2 "--consumers takes a number from 1 to $MAX_CONSUMERS, not '${2:-}'"
			NCONSUMERS=$((10#$2))
			shift ;;
		--size)
			SIZE=$(bytes_of "${2:-}")
			[ -n "$SIZE" ] && [ "$SIZE" -ge 1 ] ||
				die 2 "--size takes a number of bytes (K, M, G: binary), at least 1, not '${2:-}'"
			shift ;;
		--sg)
			[[ ${2:-} = on || ${2:-} = off ]] || die 2 "--sg takes on or off, not '${2:-}'"
			SG=$2
			shift ;;
		*) die 2 "unknown argument '$1'; see $PROG --help" ;;
		esac
		shift
	done
}

# What it needs, each missing one in one line, exit 3.
needs_check() {
	compgen -G "$KAFKA_LIB/kafka_2.13-*.jar" >/dev/null ||
		die 3 "Kafka's jars are not in $KAFKA_LIB: sudo make deps fetches them (with Maven)"
	command -v kcat >/dev/null || die 3 "kcat is not installed: sudo make deps installs it"
	command -v java >/dev/null || die 3 "java is missing: sudo make deps installs openjdk-17-jdk-headless"
	[ -x "$ZCVIZ" ] || die 3 "$ZCVIZ is missing: run make"
	command -v openssl >/dev/null || die 3 "openssl is not installed (the TLS listener's throwaway CA): sudo apt-get install openssl"
	command -v xxhsum >/dev/null || die 3 "xxhsum is not installed: sudo make deps installs xxhash"
	[ "$(id -u)" = 0 ] || die 3 "needs root (the lab): sudo demos/$PROG${*:+ $(quote "$@")}"
}

# The lab, and a directory of this run's own, which names its lab.
place_make() {
	local vars
	stale_cleanup
	# a lab id of at most 7 characters, whatever the pid
	LAB_ID=k$(printf %x $$)
	vars=$("$LAB" up --id "$LAB_ID" --owner $$ --sg "$SG") || die 3 "could not set up the lab"
	eval "$vars"
	DIR=$(mktemp -d "${TMPDIR:-/tmp}/zc-kafka.XXXXXX") || die 3 "cannot make a directory in ${TMPDIR:-/tmp}"
	echo "$LAB_ID" >"$DIR/lab"
	if [ -n "$COLD" ] && [ "$(stat -f -c %T "$DIR")" = tmpfs ]; then
		die 3 "--cold: $DIR is on tmpfs, whose pages cannot leave memory; set TMPDIR to a directory on disk"
	fi
}

# The records, produced into the topic; WANT: their count, bytes, xxh3.
produce() {
	local t0
	records_make || die 3 "cannot write the records in $DIR"
	WANT=$(wc -lc <"$DIR/records")
	WANT=$(echo $WANT) # "LINES BYTES"
	WANT="$WANT $(xxhsum -H3 - <"$DIR/records" | awk '{ print $NF }')"
	t0=$(now)
	kcat_cmd -P
	show_then "<$DIR/records" "${KCAT_CMD[@]}"
	in_bg "${KCAT_CMD[@]}" <"$DIR/records" 2>"$DIR/produce.err" ||
		die 1 "kcat -P failed: $(grep -v '^%' "$DIR/produce.err" | head -n 1)$(grep -m 1 '^%' "$DIR/produce.err")"
	echo "$PROG: produced $SIZE bytes in ${WANT%% *} records of $RECORD bytes (the last $(((SIZE - 1) % RECORD + 1))) over $([ -n "$TLS" ] && echo TLS || echo plaintext) in $(since "$t0") s" >&2
}

# The consumers, all at once, while zcviz -p watches the broker.
fetch() {
	local cold=$COLD consumers=$NCONSUMERS t0 i
	[ -z "$cold" ] || evict
	watch_start "$BROKER"
	t0=$(now)
	kcat_cmd -C -o beginning -e -q -f '%s\n'
	for i in $(seq "$consumers"); do
		show_then "| tee >(wc -lc >&2) | xxhsum -H3  # consumer $i" "${KCAT_CMD[@]}"
		consume "$i" &
		CONSUMERS+=($!)
	done
	for i in "${!CONSUMERS[@]}"; do
		wait "${CONSUMERS[$i]}"
	done
	CONSUMERS=()
	echo "$PROG: $consumers consumer(s) read the topic in $(since "$t0") s" >&2
	watch_stop
}

# Each consumer's lines, bytes and xxh3 against the records'.
verify() {
	local i got bad=0
	for i in $(seq "$NCONSUMERS"); do
		got="$(echo $(cat "$DIR/got.$i.wc" 2>/dev/null)) $(awk '{ print $NF }' "$DIR/got.$i.xxh3" 2>/dev/null)"
		if [ "$(cat "$DIR/got.$i.rc" 2>/dev/null)" != 0 ]; then
			echo "$PROG: consumer $i: kcat -C failed: $(head -n 1 "$DIR/got.$i.err")" >&2
			bad=$((bad + 1))
		elif [ "$got" != "$WANT" ]; then
			set -- $got
			echo "$PROG: consumer $i got $1 records, $(($2 - $1)) bytes, xxh3 $3; not the ${WANT%% *} records, $SIZE bytes, xxh3 ${WANT##* } produced" >&2
			bad=$((bad + 1))
		fi
	done
	[ "$bad" = 0 ] || die 1 "$bad of $NCONSUMERS consumer(s) did not get every record"
	echo "$PROG: every consumer ($NCONSUMERS) got every record: ${WANT%% *} records, $SIZE bytes, xxh3 ${WANT##* }" >&2
}

main() {
	local version
	TLS="" COLD="" NCONSUMERS=1 SIZE=$DEFAULT_SIZE SG=on
	args_parse "$@"
	needs_check "$@"
	version=$(compgen -G "$KAFKA_LIB/kafka_2.13-*.jar" | head -n 1)
	version=${version##*/kafka_2.13-} version=${version%.jar}
	place_make
	if [ -n "$TLS" ]; then
		BOOTSTRAP=$ZCLAB_TX_IP:$SSL_PORT
	else
		BOOTSTRAP=$ZCLAB_TX_IP:$PLAIN_PORT
	fi
	tls_material || die 3 "openssl could not make the TLS material: $(tail -n 1 "$DIR/openssl.log")"
	echo "$PROG: Apache Kafka $version, one node (KRaft), in $ZCLAB_TX_NS: plaintext $ZCLAB_TX_IP:$PLAIN_PORT, TLS $ZCLAB_TX_IP:$SSL_PORT" >&2
	broker_start
	topic_create
	produce
	fetch
	verify
}

main "$@"
