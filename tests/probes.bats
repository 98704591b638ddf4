#!/usr/bin/env bats
# Every BPF program is listed once, with its tracepoint group, in
# bpf/zc.h's ZC_PROGRAMS: a program the list lacks fails the build with a
# line that says where to list it (taken for a syscall program, it would
# stop every run on a kernel without its tracepoint), and so does a
# listed program zc.bpf.c lacks.

setup() {
	load test_helper/common-setup
	_common_setup
	sources_copy
}

@test "a program bpf/zc.h does not list fails the build, saying where to list it" {
	cat >>"$COPY/bpf/zc.bpf.c" <<'C'

SEC("tp_btf/sched_wakeup")
int BPF_PROG(zc_unlisted, struct task_struct *p)
{
	return 0;
}
C
	run make -C "$COPY" --no-print-directory build/zcviz
	assert_failure
	assert_output --partial "bpf/zc.bpf.c has a program that ZC_PROGRAMS in bpf/zc.h does not list: add it there, with its tracepoint group"
	# listed, it builds
	sed -i 's|^\(#define ZC_PROGRAMS(P) *\\\)$|\1\n\tP(zc_unlisted, SCHED) \\|' "$COPY/bpf/zc.h"
	run -0 make -C "$COPY" --no-print-directory build/zcviz
}

@test "a program the list names that zc.bpf.c does not have fails the build" {
	sed -i 's|^\(#define ZC_PROGRAMS(P) *\\\)$|\1\n\tP(zc_gone, SCHED) \\|' "$COPY/bpf/zc.h"
	run make -C "$COPY" --no-print-directory build/zcviz
	assert_failure
	assert_output --regexp "no member named .zc_gone."
}
