/*
 * What each group of tracepoints measures, from bpf/zc.h. See probe.h.
 */
#include "probe.h"

static const struct trace_probe_info probe_info[TP_NR] = {
#define TP_INFO(id, name, what, brief) [TP_##id] = { name, what, brief },
	ZC_PROBES(TP_INFO)
#undef TP_INFO
};

const struct trace_probe_info *trace_probe(enum trace_probe p)
{
	return &probe_info[p < TP_NR ? p : TP_SYSCALLS];
}
