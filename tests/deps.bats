#!/usr/bin/env bats
# The packages: a build needs only the build's own, so a student without the
# test tools can still build; make test names the missing one and the
# command that installs it.

setup() {
	load test_helper/common-setup
	_common_setup
}

# as_student CMD...: CMD as a user who cannot install anything, with a PATH
# on which jq (a test tool, not a build tool) is missing. Root runs it as
# nobody: as root, make would install jq instead.
as_student() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u nobody -- env PATH="$FAKE_PATH" "$@"
	else
		env PATH="$FAKE_PATH" "$@"
	fi
}

# a copy of the Makefile, the programs' sources (demos/, lib/) and
# scripts/deps.sh that nobody can build in, and a directory of every
# system command but jq
student_tree() {
	local d
	TREE=$(mktemp -d /tmp/zc-deps.XXXX)
	cp -r "$ROOT/Makefile" "$ROOT/demos" "$ROOT/lib" "$ROOT/scripts" "$TREE/"
	FAKE_PATH=$TREE/bin
	mkdir "$FAKE_PATH"
	for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
		ln -s "$d"/* "$FAKE_PATH"/ 2>/dev/null || true
	done
	rm -f "$FAKE_PATH/jq"
	chmod -R a+rX "$TREE"
	[ "$(id -u)" != 0 ] || chown -R nobody "$TREE"
}

teardown() {
	[ -z "${TREE:-}" ] || rm -rf "$TREE"
}

@test "a missing test tool does not block the build; make test names it and the command" {
	command -v runuser >/dev/null || [ "$(id -u)" != 0 ] || skip "needs runuser to act as a student"
	student_tree
	run -0 as_student make -C "$TREE" --no-print-directory build/zc-sink
	assert_file_executable "$TREE/build/zc-sink"
	assert_file_exists "$TREE/build/.deps-ok"
	run -2 as_student make -C "$TREE" --no-print-directory test
	assert_line --regexp "^deps: missing jq \(needed by make test and make bench\); run: sudo apt-get install jq$"
	run -2 as_student make -C "$TREE" --no-print-directory bench
	assert_line --partial "run: sudo apt-get install jq"
	run -2 as_student make -C "$TREE" --no-print-directory deps
	assert_line --regexp "^deps: missing jq \(needed to build and test\); run: sudo apt-get install jq$"
}

@test "as root, only make deps installs: make test names the tool it lacks and installs nothing" {
	[ "$(id -u)" = 0 ] || skip "needs root: what root's make does"
	student_tree
	# an apt-get that only says it was called, in place of the link to
	# the machine's (written through, the link would overwrite it)
	rm -f "$FAKE_PATH/apt-get"
	printf '#!/bin/sh\necho "apt-get $*" >>"%s/apt.log"\n' "$TREE" >"$FAKE_PATH/apt-get"
	chmod +x "$FAKE_PATH/apt-get"
	run -0 env PATH="$FAKE_PATH" make -C "$TREE" --no-print-directory build/zc-sink
	run -2 env PATH="$FAKE_PATH" make -C "$TREE" --no-print-directory test-deps
	assert_line "deps: missing jq (needed by make test and make bench); run: make deps (it installs them)"
	assert_file_not_exists "$TREE/apt.log"
	run env PATH="$FAKE_PATH" make -C "$TREE" --no-print-directory deps EXTRAS=no
	assert_line --partial "deps: installing jq"
	assert_file_contains "$TREE/apt.log" "install -y -q jq"
}

@test "after sudo make, the user who ran it can still make and make clean" {
	[ "$(id -u)" = 0 ] || skip "needs root: what sudo make leaves"
	TREE=$(mktemp -d /tmp/zc-deps.XXXX)
	git -C "$ROOT" ls-files | tar -C "$ROOT" -cf - -T - | tar -C "$TREE" -xf -
	chown -R nobody "$TREE"
	# sudo, as far as make can tell: root, and the invoking user's ids; a
	# quick all (a replay-only zcviz, no Java, no man pages) is enough
	run -0 env SUDO_UID="$(id -u nobody)" SUDO_GID="$(id -g nobody)" \
		make -C "$TREE" --no-print-directory CLANG=/none JAVAC= HELP2MAN= all
	assert_equal "$(find "$TREE/build" ! -user nobody | head -3)" ""
	touch "$TREE/demos/sink.c"
	run -0 runuser -u nobody -- make -C "$TREE" --no-print-directory CLANG=/none JAVAC= HELP2MAN= all
	run -0 runuser -u nobody -- make -C "$TREE" --no-print-directory clean
	assert_file_not_exists "$TREE/build"
}

@test "make deps fetches Kafka with Maven into build/kafka/lib once, again for a changed POM, never with EXTRAS=no, and never fails for it" {
	[ "$(id -u)" = 0 ] || skip "needs root: what root's make deps does"
	student_tree
	local version mk=(env PATH="$FAKE_PATH" make -C "$TREE" --no-print-directory)
	version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$TREE/demos/kafka/pom.xml")
	# an apt-get that only says it was called, and a mvn that says so and
	# puts the POM's Kafka jar where it is told to (or fails, with MVN_FAILS)
	rm -f "$FAKE_PATH/apt-get" "$FAKE_PATH/mvn"
	printf '#!/bin/sh\necho "apt-get $*" >>"%s/apt.log"\n' "$TREE" >"$FAKE_PATH/apt-get"
	cat >"$FAKE_PATH/mvn" <<EOF
#!/bin/sh
echo "mvn \$*" >>"$TREE/mvn.log"
[ -z "\${MVN_FAILS:-}" ] || { echo "[ERROR] no network"; exit 1; }
v=\$(sed -n 's:.*<kafka.version>\\(.*\\)</kafka.version>.*:\\1:p' "$TREE/demos/kafka/pom.xml")
for a; do case \$a in -DoutputDirectory=*) mkdir -p "\${a#*=}" && touch "\${a#*=}/kafka_2.13-\$v.jar" ;; esac; done
EOF
	chmod +x "$FAKE_PATH/apt-get" "$FAKE_PATH/mvn"

	run -0 "${mk[@]}" deps EXTRAS=no
	assert_file_not_exists "$TREE/mvn.log"
	run -0 env MVN_FAILS=1 "${mk[@]}" deps
	assert_line "deps: Maven failed: Apache Kafka is not fetched (its log: build/kafka/mvn.log); demos/kafka.sh says so"
	assert_file_not_exists "$TREE/build/kafka/lib"
	run -0 "${mk[@]}" deps
	assert_line "deps: fetching Apache Kafka $version and its dependencies from Maven Central into build/kafka/lib (optional: demos/kafka.sh)"
	assert_line --regexp "^deps: Apache Kafka $version: 1 jars, [0-9.]+[KMG]?, in build/kafka/lib$"
	assert_file_exists "$TREE/build/kafka/lib/kafka_2.13-$version.jar"
	run -0 cat "$TREE/mvn.log"
	assert_line --index 1 "mvn -B -q -f demos/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=$TREE/build/kafka/lib.new"
	run -0 "${mk[@]}" deps
	refute_line --partial "Apache Kafka"
	assert_equal "$(grep -c dependency:copy-dependencies "$TREE/mvn.log")" 2
	# another release in the POM: fetched again, in place of the old
	sed -i "s:<kafka.version>$version<:<kafka.version>9.9.9<:" "$TREE/demos/kafka/pom.xml"
	run -0 "${mk[@]}" deps
	assert_line --partial "deps: fetching Apache Kafka 9.9.9 "
	assert_file_exists "$TREE/build/kafka/lib/kafka_2.13-9.9.9.jar"
	assert_file_not_exists "$TREE/build/kafka/lib/kafka_2.13-$version.jar"
	# without mvn, it says so
	rm -rf "$TREE/build/kafka" "$FAKE_PATH/mvn"
	run -0 "${mk[@]}" deps
	assert_line "deps: Apache Kafka is not fetched: Maven (mvn) is missing; sudo make deps installs maven, then fetches it"
}
