/*
 * What the text report and the JSON both say of a run, worked out once.
 * See facts.h.
 */
#include "facts.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "syscalls.h"

uint64_t facts_syscalls_named(const struct zc_counts *c, uint64_t *other)
{
	const struct syscall_info *s;
	uint64_t named = 0, all = c->c[ZC_C_SYS_ENTER];

	for (size_t i = 0; (s = syscall_at(i)); i++)
		if (s->nr >= 0 && s->nr < ZC_NR_SYSCALLS)
			named += c->syscalls[s->nr];
	*other = all > named ? all - named : 0;
	return named;
}

/* Each named syscall that was called, as fmt (its name, its count). */
void facts_syscalls_each(FILE *f, const struct zc_counts *c, const char *fmt)
{
	const struct syscall_info *s;

	for (size_t i = 0; (s = syscall_at(i)); i++)
		if (s->nr >= 0 && s->nr < ZC_NR_SYSCALLS && c->syscalls[s->nr])
			fprintf(f, fmt, s->name, c->syscalls[s->nr]);
}

/* A run that sent pinned user pages, or a demo made to. */
bool facts_zero_copy_shown(const struct run_result *res,
			   const struct model_result *m)
{
	return m->pinned.socket || m->pinned.device || res->in.done_known ||
	       (res->in.demo && res->in.demo->pins_user_pages);
}

const char *facts_flow_end(char *buf, size_t len, const struct zc_flow *fl,
			   __u32 addr, __u16 port)
{
	const unsigned char *a = (const unsigned char *)&addr;

	if (fl->family != 2) /* AF_INET */
		snprintf(buf, len, "[IPv6]:%u", port);
	else
		snprintf(buf, len, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3],
			 port);
	return buf;
}

/* A flow's device counter c (ZC_C_Q_SKBS .. ZC_C_X_RESENT). */
uint64_t facts_flow_device(const struct zc_flow *fl, int c)
{
	return fl->net.c[c - ZC_C_Q_SKBS];
}

uint64_t facts_flow_taken(const struct zc_flow *fl)
{
	return fl->taken[ZC_TAKEN_COPY] + fl->taken[ZC_TAKEN_REF] +
	       fl->taken[ZC_TAKEN_UREF];
}

int facts_receiver_mapped(const struct run_result *res, uint64_t *mapped,
			  uint64_t *copied)
{
	const char *p = strstr(res->sink_line, "; mapped ");

	return p && sscanf(p,
			   "; mapped %" SCNu64 " bytes, copied %" SCNu64
			   " bytes (TCP_ZEROCOPY_RECEIVE)",
			   mapped, copied) == 2;
}
