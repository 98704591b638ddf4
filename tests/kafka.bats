#!/usr/bin/env bats
# A real Apache Kafka broker (demos/kafka.sh): one node in the lab's sending
# namespace, records produced and consumed by kcat from the receiving one,
# over plaintext or TLS, by one consumer or several, from a warm or a cold
# log; every consumer must give back every record, and a consumer that
# misses one or gets one wrong is caught. Without Kafka's jars, kcat or
# java: one line, exit 3. Nothing is left behind, on success or signal.
# The live runs need root and the extras (sudo make deps) and skip without.

setup() {
	load test_helper/common-setup
	_common_setup
	REAL_PATH=$PATH
}

teardown() {
	PATH=$REAL_PATH
	[ -z "${KAFKA_PID:-}" ] || { kill -KILL "$KAFKA_PID" 2>/dev/null; wait "$KAFKA_PID" 2>/dev/null; } || true
	nothing_left
}

# nothing_left: no broker, no kcat, no temporary directory, no lab of ours
nothing_left() {
	assert_equal "$(pgrep -f 'kafka\.Kafka .*/zc-kafka\.' || true)" ""
	assert_equal "$(pgrep -f 'kcat -[PC] -b 198\.18\.' || true)" ""
	assert_equal "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'zc-kafka.*' -user "$(id -u)")" ""
	[ "$(id -u)" != 0 ] || no_lab_left
}

# require_kafka: root and BPF (zcviz -p watches the broker), Kafka's jars
# and kcat, or skip saying what to do
require_kafka() {
	require_bpf
	compgen -G "${ZC_KAFKA_LIB:-$ROOT/build/kafka/lib}/kafka_2.13-*.jar" >/dev/null ||
		skip "needs Apache Kafka's jars: sudo make deps fetches them (Maven)"
	command -v kcat >/dev/null || skip "needs kcat: sudo make deps installs it"
	command -v java >/dev/null || skip "needs java: sudo make deps installs openjdk-17-jdk-headless"
}

# path_without NAME...: PATH, less the commands NAME (a directory of links
# to every other command), as a machine without them has it
path_without() {
	local d n bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
		ln -s "$d"/* "$bin"/ 2>/dev/null || true
	done
	for n in "$@"; do rm -f "$bin/$n"; done
	echo "$bin"
}

# fake_jars: a folder that looks like Kafka's jars to kafka.sh's check
fake_jars() {
	mkdir -p "$BATS_TEST_TMPDIR/jars"
	touch "$BATS_TEST_TMPDIR/jars/kafka_2.13-4.4.0.jar"
	echo "$BATS_TEST_TMPDIR/jars"
}

# one_broken_consumer HOW: a kcat on PATH that is the real one, but for
# the first consumer (kcat -C) to start, whose records it passes on with
# one dropped (HOW=drop) or one byte changed (HOW=change)
one_broken_consumer() {
	local bin=$BATS_TEST_TMPDIR/kcat-bin real
	real=$(command -v kcat)
	mkdir -p "$bin"
	cat >"$bin/kcat" <<EOF
#!/bin/bash
case " \$* " in
*" -C "*) mkdir "$bin/broken" 2>/dev/null || exec "$real" "\$@" ;;
*) exec "$real" "\$@" ;;
esac
set -o pipefail
case $1 in
drop) "$real" "\$@" | sed 5d ;;
change) "$real" "\$@" | awk 'NR == 5 { \$0 = (substr(\$0, 1, 1) == "A" ? "B" : "A") substr(\$0, 2) } 1' ;;
esac
EOF
	chmod +x "$bin/kcat"
	PATH=$bin:$PATH
}

@test "kafka.sh: bad usage is one line and exit 2, and leaves nothing" {
	run -2 kafka.sh --consumers 0
	assert_output "kafka.sh: --consumers takes a number from 1 to 64, not '0'"
	run -2 kafka.sh --consumers 65
	assert_output "kafka.sh: --consumers takes a number from 1 to 64, not '65'"
	run -2 kafka.sh --consumers
	assert_output "kafka.sh: --consumers takes a number from 1 to 64, not ''"
	run -2 kafka.sh --size 0
	assert_output "kafka.sh: --size takes a number of bytes (K, M, G: binary), at least 1, not '0'"
	run -2 kafka.sh --size 3X
	assert_output "kafka.sh: --size takes a number of bytes (K, M, G: binary), at least 1, not '3X'"
	run -2 kafka.sh --sg maybe
	assert_output "kafka.sh: --sg takes on or off, not 'maybe'"
	run -2 kafka.sh --tls extra
	assert_output "kafka.sh: unknown argument 'extra'; see kafka.sh --help"
	run -0 kafka.sh --help
	assert_line --regexp "^Usage: kafka.sh \[--report\|--json\] \[--tls\] \[--consumers N\] \[--cold\] \[--size BYTES\] \[--sg on\|off\]$"
	assert_line --regexp "^  sudo demos/kafka.sh --tls "
	run -0 kafka.sh --version
	assert_output --regexp "^kafka.sh [^ ]+$"
}

@test "kafka.sh without Kafka's jars: one line, exit 3, saying sudo make deps fetches them" {
	mkdir "$BATS_TEST_TMPDIR/empty"
	ZC_KAFKA_LIB=$BATS_TEST_TMPDIR/empty run -3 kafka.sh --tls
	assert_output "kafka.sh: Kafka's jars are not in $BATS_TEST_TMPDIR/empty: sudo make deps fetches them (with Maven)"
}

@test "kafka.sh without kcat: one line, exit 3, saying sudo make deps installs it" {
	ZC_KAFKA_LIB=$(fake_jars) PATH=$(path_without kcat) run -3 "$ROOT/demos/kafka.sh"
	assert_output "kafka.sh: kcat is not installed: sudo make deps installs it"
}

@test "kafka.sh without java: one line, exit 3, saying what to install" {
	local bin
	bin=$(path_without java kcat)
	# a kcat that is there, so that java is what is missing
	printf '#!/bin/sh\nexit 0\n' >"$bin/kcat"
	chmod +x "$bin/kcat"
	ZC_KAFKA_LIB=$(fake_jars) PATH=$bin run -3 "$ROOT/demos/kafka.sh"
	assert_output "kafka.sh: java is missing: sudo make deps installs openjdk-17-jdk-headless"
}

@test "kafka.sh over plaintext: the default odd size, 67109 records, every one back to the consumer" {
	require_kafka
	run -0 --separate-stderr kafka.sh
	assert_regex "${stderr##*$'\n'}" "^kafka.sh: every consumer \(1\) got every record: 67109 records, 67108867 bytes, xxh3 [0-9a-f]{16}$"
	assert_regex "$stderr" $'\nkafka.sh: produced 67108867 bytes in 67109 records of 1000 bytes \\(the last 867\\) over plaintext in '
	assert_regex "$stderr" $'\nkafka.sh: the broker \\(pid [0-9]+, java\\) started in '
	# both ends on the plaintext listener
	assert_regex "$stderr" $'\n\\+ ip netns exec zclab-k[0-9a-f]+-rx kcat -P -b 198\\.18\\.0\\.1:9092 -t zc -p 0 <'
	assert_regex "$stderr" $'\n\\+ ip netns exec zclab-k[0-9a-f]+-rx kcat -C -b 198\\.18\\.0\\.1:9092 -t zc -p 0 -o beginning -e'
	refute_regex "$stderr" "security.protocol=ssl"
	# zcviz -p watched the broker's JVM while the consumer fetched
	assert_line --regexp "^java \(pid [0-9]+\): watched [0-9.]+ s; its sockets took [0-9]+ bytes$"
}

@test "kafka.sh --tls --consumers 3: three consumers at once over TLS, each gets every record" {
	require_kafka
	run -0 --separate-stderr kafka.sh --tls --consumers 3 --size 5242883
	assert_regex "${stderr##*$'\n'}" "^kafka.sh: every consumer \(3\) got every record: 5243 records, 5242883 bytes, xxh3 [0-9a-f]{16}$"
	assert_regex "$stderr" $'\nkafka.sh: produced 5242883 bytes in 5243 records of 1000 bytes \\(the last 883\\) over TLS in '
	assert_equal "$(grep -c '^+ ip netns exec zclab-k[0-9a-f]*-rx kcat -C -b 198\.18\.0\.1:9093 .* -X security\.protocol=ssl -X ssl\.ca\.location=.*/ca\.pem ' <<<"$stderr")" 3
}

@test "kafka.sh --cold: the log leaves the page cache before the consumers, who still get every record" {
	require_kafka
	command -v fincore >/dev/null || skip "needs fincore (util-linux) to see the page cache"
	run -0 --separate-stderr kafka.sh --cold --consumers 2 --size 3000001
	assert_regex "$stderr" $'\nkafka.sh: 00000000000000000000\\.log: [0-9]+ bytes, 0 of them still cached\n'
	assert_regex "${stderr##*$'\n'}" "^kafka.sh: every consumer \(2\) got every record: 3001 records, 3000001 bytes, "
}

@test "a consumer that misses a record, or gets a byte wrong, is caught: exit 1, saying which" {
	require_kafka
	one_broken_consumer drop
	run -1 --separate-stderr kafka.sh --consumers 3 --size 20001
	assert_equal "${stderr##*$'\n'}" "kafka.sh: 1 of 3 consumer(s) did not get every record"
	assert_regex "$stderr" $'\nkafka.sh: consumer [123] got 20 records, 19001 bytes, xxh3 [0-9a-f]{16}; not the 21 records, 20001 bytes, xxh3 [0-9a-f]{16} produced\n'
	rm -rf "$BATS_TEST_TMPDIR/kcat-bin"
	PATH=$REAL_PATH
	one_broken_consumer change
	run -1 --separate-stderr kafka.sh --size 20001
	assert_equal "${stderr##*$'\n'}" "kafka.sh: 1 of 1 consumer(s) did not get every record"
	assert_regex "$stderr" $'\nkafka.sh: consumer 1 got 21 records, 20001 bytes, xxh3 [0-9a-f]{16}; not the 21 records, 20001 bytes, xxh3 [0-9a-f]{16} produced\n'
}

# signalled SIGNAL LINE STATUS: kafka.sh, sent SIGNAL once its standard
# error shows LINE (a regex), exits with STATUS and leaves nothing
signalled() {
	local i rc=0 err=$BATS_TEST_TMPDIR/err
	# a job of a shell without job control starts with SIGINT ignored,
	# which it could not trap: as a terminal's foreground job, it has it
	env --default-signal=INT kafka.sh --consumers 2 2>"$err" 3>&- &
	KAFKA_PID=$!
	# up to 2 minutes: a JVM's first start after the JDK was installed
	# reads it all from disk (the keystore's keytool, then the broker)
	for i in $(seq 2400); do
		grep -Eq -- "$2" "$err" && break
		kill -0 "$KAFKA_PID" 2>/dev/null || break
		sleep 0.05
	done
	grep -Eq -- "$2" "$err" || fail "kafka.sh never said '$2': $(cat "$err")"
	kill "-$1" "$KAFKA_PID"
	wait "$KAFKA_PID" || rc=$?
	KAFKA_PID=""
	assert_equal "$rc" "$3"
	nothing_left
}

@test "SIGTERM once the broker runs, and SIGINT as it starts, leave no broker, lab or temporary directory" {
	require_kafka
	signalled TERM '^kafka\.sh: the broker \(pid [0-9]+, java\) started' 143
	signalled INT '^\+ ip netns exec .* kafka\.Kafka ' 130
	signalled TERM '^\+ ip netns exec .* kcat -C ' 143
}

# log_bytes STDERR: the topic's log, as kafka.sh --cold says its size
log_bytes() {
	sed -n 's/^kafka\.sh: 00000000000000000000\.log: \([0-9]*\) bytes, .*/\1/p' <<<"$1" | head -n 1
}

@test "the broker's fetch over plaintext: the log goes by page reference, at most 0.01 CPU copies per fetched byte" {
	require_kafka
	run -0 --separate-stderr kafka.sh --json
	# what the broker sent is the log, by page reference (sendfile from
	# the segment); copied are the responses' headers, and the JVM's
	# reads of its own jars while it fetched
	assert_equal "$(jget "$output" .sg)" true
	assert_equal "$(jget "$output" '.cpu_copies_per_byte <= 0.01')" true
	assert_equal "$(jget "$output" '.edges.pagecache_to_socket.bytes >= 0.99 * .edges.socket_to_nic.bytes')" true
	assert_equal "$(jget "$output" '.edges.pagecache_to_socket.bytes >= 67108867')" true
}

@test "the broker's fetch over TLS: read into the JVM and written out encrypted, at least 1.9 CPU copies per fetched byte" {
	require_kafka
	run -0 --separate-stderr kafka.sh --json --tls --size 10M
	assert_equal "$(jget "$output" '.cpu_copies_per_byte >= 1.9')" true
	assert_equal "$(jget "$output" .edges.pagecache_to_socket.bytes)" 0
}

@test "three consumers from a cold log: the disk read once, the log sent three times by page reference" {
	require_kafka
	command -v fincore >/dev/null || skip "needs fincore (util-linux) to see the page cache"
	local log
	run -0 --separate-stderr kafka.sh --json --consumers 3 --cold --size 10M
	log=$(log_bytes "$stderr")
	[ -n "$log" ] || fail "kafka.sh did not say the log's size: $stderr"
	# once, to the page: the segment's pages, and what else the broker
	# read from disk meanwhile (a few pages of its metadata, if any)
	assert_equal "$(jget "$output" ".edges.disk_to_pagecache.bytes / $log | . >= 1 and . < 1.02")" true
	# three times, and a little more: a fetch response ends at its size
	# limit, inside a record batch, which the consumer asks for again
	assert_equal "$(jget "$output" ".edges.pagecache_to_socket.bytes / $log | . >= 3 and . < 3.6")" true
	assert_equal "$(jget "$output" '.cpu_copies_per_byte <= 0.01')" true
}

@test "SIGINT, SIGTERM or SIGKILL at a random moment leave nothing (after a SIGKILL: once the next run has cleaned up)" {
	require_kafka
	local i sig rc ms
	for i in 1 2 3 4 5 6; do
		sig=$(echo INT TERM KILL | cut -d' ' -f$(((i - 1) % 3 + 1)))
		# a run takes about 9 s: anywhere in it
		ms=$((RANDOM % 8000))
		env --default-signal=INT kafka.sh --consumers 2 --size 4M >/dev/null 2>&1 3>&- &
		KAFKA_PID=$!
		sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
		kill "-$sig" "$KAFKA_PID" 2>/dev/null || true
		rc=0
		wait "$KAFKA_PID" || rc=$?
		KAFKA_PID=""
		echo "# trial $i: SIG$sig after $ms ms, exit $rc" >&3
		# no trap runs for SIGKILL: the next run takes its leavings away
		[ "$sig" != KILL ] || kafka.sh --size 1K >/dev/null 2>&1 3>&- ||
			fail "the run after a SIGKILL failed"
		nothing_left
	done
}
