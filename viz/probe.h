/*
 * The groups of tracepoints the instrument uses, and what is not measured
 * without each, from bpf/zc.h's list: plain data, shared by the loader
 * (trace.c), the model and the reports, so that those build and are
 * tested without libbpf.
 */
#ifndef ZC_PROBE_H
#define ZC_PROBE_H

#include <linux/types.h>

#include "../bpf/zc.h"

/* Groups of tracepoints (bpf/zc.h's ZC_PROBES); a missing group leaves
 * some arrows unmeasured. */
#define TP_ID(id, name, what, brief) TP_##id,
enum trace_probe { ZC_PROBES(TP_ID) TP_NR };
#undef TP_ID

/* How a probe group is named in JSON, and what is lost without it. */
struct trace_probe_info {
	const char *name; /* "missing_tracepoints" in --json */
	const char *what; /* for --report */
	const char *brief; /* for the dashboard's one line */
};

const struct trace_probe_info *trace_probe(enum trace_probe p);

#endif /* ZC_PROBE_H */
