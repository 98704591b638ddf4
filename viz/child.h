/*
 * The programs a run starts: the sink and the demo, each in a network
 * namespace, held at a gate until the instrument is ready, killed with
 * us; and short commands (lab.sh) run to their end whatever comes.
 */
#ifndef ZC_CHILD_H
#define ZC_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct child {
	pid_t pid;
	int out; /* its stdout */
	int err; /* its stderr, or -1 when it goes to ours */
	int gate; /* write end: one byte lets it exec(), -1 when ungated */
};

enum spawn_flag {
	SPAWN_GATED = 1, /* wait for a byte on the gate before exec() */
	SPAWN_SHARE_ERR = 2, /* its stderr is ours */
	/* killed with us, even by SIGKILL: the sink and the demo, which
	 * would otherwise go on inside the lab's namespaces */
	SPAWN_DIE_WITH_US = 4,
	/* its own process group: Ctrl-C at the terminal does not cut
	 * lab.sh short; we decide when the lab goes */
	SPAWN_OWN_GROUP = 8,
};

#define STEP_FD 3 /* where the demo finds the step handshake */

/*
 * Starts argv in network namespace ns (NULL: ours) with its stdout, and
 * its stderr unless SPAWN_SHARE_ERR, in pipes; step_rd becomes its
 * STEP_FD when it is not -1.
 */
int child_spawn(struct child *ch, const char *ns, int flags, int step_rd,
		char *const argv[]);
/* Ends a child that is still running and reaps it. */
void child_end(struct child *ch);
/* Waits up to ms (-1: no limit) for fd to be readable; a stop signal
 * ends the wait unless finish. */
bool fd_wait(int fd, int ms, bool finish);
/* Reads what is left in fd (at most len - 1 bytes); waits up to ms. */
size_t fd_slurp(int fd, char *buf, size_t len, int ms, bool finish);
/* Runs a short command to its end: its stdout in out, its stderr in err
 * unless verbose. Returns its exit status. */
int cmd_run(char *const argv[], char *out, size_t outlen, bool verbose,
	    char *err, size_t errlen);

/* A command's argv with {sink} and {file} put in, all malloc'd (NULL
 * when out of memory); argv_free() frees it (NULL too). */
char **argv_expand(char *const cmd[], const char *sink, const char *file);
void argv_free(char **argv);

#endif /* ZC_CHILD_H */
