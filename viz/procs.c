/*
 * What /proc says of a process: a field of its status, its CPU time, its
 * name, and which processes descend from a set of them. zcviz -p reads
 * it; BPF sees the same PIDs only in the initial PID namespace, which
 * watch.c checks first.
 */
#include "procs.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

long procs_status(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (v < 0 && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

/* The fields of /proc/PID/stat after "pid (comm) ", or NULL. */
static char *stat_read(pid_t pid, char *buf, size_t len)
{
	char path[64], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	/* comm may hold spaces and parentheses: the last ')' ends it */
	p = fgets(buf, len, f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return p && p[1] == ' ' ? p + 2 : NULL;
}

void procs_cpu_ns(pid_t pid, uint64_t cpu[2])
{
	unsigned long long ut = 0, st = 0;
	uint64_t tick = 1000000000ULL / sysconf(_SC_CLK_TCK);
	char buf[1024], *p = stat_read(pid, buf, sizeof(buf));

	cpu[0] = cpu[1] = 0;
	/* from state (field 3): utime is field 14, stime 15 */
	if (!p ||
	    sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		   &ut, &st) != 2)
		return;
	cpu[0] = ut * tick;
	cpu[1] = st * tick;
}

uint64_t procs_run_ns(pid_t pid)
{
	unsigned long long ns;
	uint64_t sum = 0;
	char path[96];
	struct dirent *e;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/schedstat",
			 (int)pid, e->d_name);
		f = fopen(path, "re");
		/* its first field: the time it ran on a CPU */
		if (f && fscanf(f, "%llu", &ns) == 1)
			sum += ns;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return sum;
}

void procs_comm(pid_t pid, char *comm, size_t len)
{
	char path[64], buf[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (f && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(comm, len, "%s", buf);
	}
	if (f)
		fclose(f);
}

/* Every process now, with its parent: n of them in *all (to free). */
static int procs_list(struct procs_pair **all)
{
	struct procs_pair *v = NULL, *nv;
	char buf[1024], *p;
	int n = 0, cap = 0, ppid;
	struct dirent *e;
	DIR *d = opendir("/proc");

	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		p = stat_read(atoi(e->d_name), buf, sizeof(buf));
		if (!p || sscanf(p, "%*c %d", &ppid) != 1)
			continue; /* it exited meanwhile */
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[n++] = (struct procs_pair){ atoi(e->d_name), ppid };
	}
	if (d)
		closedir(d);
	*all = v;
	return n;
}

static bool in_set(const pid_t *set, int n, pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (set[i] == pid)
			return true;
	return false;
}

int procs_descendants(pid_t *set, int n, int max, procs_found_fn found,
		      void *ctx)
{
	struct procs_pair *all;
	int nall = procs_list(&all), added = 0;
	bool more = true;

	/* a child may be listed before its parent: until nothing is added */
	while (more) {
		more = false;
		for (int i = 0; i < nall; i++) {
			if (!in_set(set, n, all[i].ppid) ||
			    in_set(set, n, all[i].pid))
				continue;
			if (n == max || found(ctx, all[i].pid, all[i].ppid)) {
				all[i].ppid = -1; /* not watched: asked once */
				continue;
			}
			set[n++] = all[i].pid;
			added++;
			more = true;
		}
	}
	free(all);
	return added;
}
