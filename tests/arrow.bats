#!/usr/bin/env bats
# A measured arrow is added in three files, as docs/architecture.md's
# recipe says: its counter and its program in bpf/zc.h, the program in
# bpf/zc.bpf.c, its row in viz/model.h. The build takes it, and the
# report, the JSON, the CSV and the dashboard show it with nothing else
# changed (a trace that lacks its counter gives it 0 bytes).

setup() {
	load test_helper/common-setup
	_common_setup
	sources_copy
}

# the recipe, followed: one new arrow from the page cache to the NIC,
# whose bytes are the sender's wakeups (any counter would do)
arrow_add() {
	# the counter goes at the end of ZC_COUNTERS: after its last line, the
	# one before the blank line that ends the list
	perl -0pi -e 's/(\n\t[KU]\([A-Z_]+, [a-z_]+\))\n\n#define ZC_COUNTER_NONE/$1 \\\n\tK(TEST_ARROW, test_arrow)\n\n#define ZC_COUNTER_NONE/' "$COPY/bpf/zc.h"
	grep -q "K(TEST_ARROW, test_arrow)" "$COPY/bpf/zc.h" || fail "the counter was not added: the end of ZC_COUNTERS moved"
	sed -i 's|^\(#define ZC_PROGRAMS(P) *\\\)$|\1\n\tP(zc_test_arrow, SCHED) \\|' "$COPY/bpf/zc.h"
	cat >>"$COPY/bpf/zc.bpf.c" <<'C'

SEC("tp_btf/sched_wakeup")
int BPF_PROG(zc_test_arrow, struct task_struct *p)
{
	if (is_watched())
		count(ZC_C_TEST_ARROW, 1);
	return 0;
}
C
	sed -i 's|^\(#define ZC_ARROWS(A) *\\\)$|\1\n\tA(TEST, "test_arrow", "page cache -> NIC (a test)", CACHE, NIC, DMA, TEST_ARROW, SCHED, NONE) \\|' "$COPY/viz/model.h"
}

@test "an arrow added to bpf/zc.h, bpf/zc.bpf.c and viz/model.h is built, reported and drawn" {
	arrow_add
	# the three files, and nothing else, differ from the sources
	run diff -rq "$ROOT" "$COPY" -x build -x .git
	assert_equal "$(printf '%s\n' "${lines[@]}" | grep -c differ)" 3
	assert_output --partial "bpf/zc.h"
	assert_output --partial "bpf/zc.bpf.c"
	assert_output --partial "viz/model.h"
	run make -C "$COPY" --no-print-directory build/zcviz
	[ "$status" = 0 ] || { printf '%s\n' "$output" | tail -20; false; }
	local z="$COPY/build/zcviz" t="$BATS_TEST_TMPDIR/with-arrow.trace"
	# a trace that names the new counter, 4096 on every counters line
	awk '/^counters / { $0 = $0 " test_arrow" }
	     /^c / { $3 = $3 + 1; $0 = $0 " 4096" } { print }' \
		"$ROOT/lessons/traces/mmap-4k.trace" >"$t"
	run -0 "$z" --replay "$t" --json
	assert_equal "$(jq -c .edges.test_arrow <<<"$output")" '{"kind":"dma","bytes":4096}'
	# a trace without it: 0 bytes
	run -0 "$z" --replay "$ROOT/lessons/traces/sendfile.trace" --json
	assert_equal "$(jq -c .edges.test_arrow <<<"$output")" '{"kind":"dma","bytes":0}'
	run -0 "$z" --replay "$t" --report
	assert_output --partial "page cache -> NIC (a test)"
	run -0 "$z" --replay "$t" --csv
	assert_line --index 0 --partial "edges.test_arrow.bytes"
	run -0 "$z" --replay "$t" --cast "$BATS_TEST_TMPDIR/a.cast" --pace full
}
