/*
 * Child processes: started in a namespace, gated, reaped. See child.h.
 */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/units.h"
#include "run.h"

static void netns_enter(const char *ns)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		fprintf(stderr,
			"zcviz: cannot enter network namespace %s: %s\n", ns,
			strerror(errno));
		_exit(127);
	}
	close(fd);
}

/*
 * In the child: stdin from /dev/null (the dashboard owns the terminal)
 * and nothing of ours from STEP_FD on (the terminal curses opened, our
 * error log), so the demo's file and socket get the same numbers in
 * every mode, and the syscall log reads the same live and replayed.
 */
static void fds_tidy(bool keep_step)
{
	int fd = open("/dev/null", O_RDONLY);
	unsigned from = keep_step ? STEP_FD + 1 : STEP_FD;

	if (fd >= 0 && fd != STDIN_FILENO) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	if (syscall(SYS_close_range, from, ~0U, 0))
		for (fd = from; fd < 1024; fd++)
			close(fd);
}

/*
 * In the child: what a program expects to start with, not what zcviz
 * set up for itself: every signal at its default (we ignore SIGPIPE, and
 * our handlers would survive until exec()), none blocked.
 */
static void signals_default(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void gate_wait(int fd)
{
	ssize_t n;
	char c;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(127); /* zcviz went away: do not run */
}

static void child_exec(const char *ns, int flags, int step_rd, const int out[2],
		       const int err[2], const int gate[2], pid_t parent,
		       char *const argv[])
{
	signals_default();
	if ((flags & SPAWN_DIE_WITH_US) &&
	    (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent))
		_exit(127); /* zcviz is gone already */
	if (flags & SPAWN_OWN_GROUP)
		setpgid(0, 0);
	if (ns)
		netns_enter(ns);
	dup2(out[1], STDOUT_FILENO);
	if (!(flags & SPAWN_SHARE_ERR))
		dup2(err[1], STDERR_FILENO);
	if (step_rd >= 0)
		dup2(step_rd, STEP_FD);
	if (flags & SPAWN_GATED)
		gate_wait(gate[0]);
	fds_tidy(step_rd >= 0);
	execv(argv[0], argv);
	fprintf(stderr, "zcviz: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/*
 * Starts argv in network namespace ns (NULL: ours) with its stdout, and
 * its stderr unless SPAWN_SHARE_ERR, in pipes; step_rd becomes its
 * STEP_FD when it is not -1.
 */
int child_spawn(struct child *ch, const char *ns, int flags, int step_rd,
		char *const argv[])
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, gate[2] = { -1, -1 };
	pid_t parent = getpid();

	if (pipe2(out, O_CLOEXEC) ||
	    (!(flags & SPAWN_SHARE_ERR) && pipe2(err, O_CLOEXEC)) ||
	    ((flags & SPAWN_GATED) && pipe2(gate, O_CLOEXEC)))
		goto fail;
	ch->pid = fork();
	if (ch->pid < 0)
		goto fail;
	if (ch->pid == 0)
		child_exec(ns, flags, step_rd, out, err, gate, parent, argv);
	close(out[1]);
	ch->out = out[0];
	if (err[1] >= 0)
		close(err[1]);
	ch->err = err[0];
	if (gate[0] >= 0)
		close(gate[0]);
	ch->gate = gate[1];
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
		if (gate[i] >= 0)
			close(gate[i]);
	}
	ch->pid = -1;
	return -1;
}

/*
 * Waits up to ms (-1: no limit) for fd to be readable. A signal that
 * does not stop the run (SIGWINCH, when the terminal is resized) only
 * wakes it; so does a stop, unless the wait is one that must finish.
 */
bool fd_wait(int fd, int ms, bool finish)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t until = zc_now_ns() + (uint64_t)ms * 1000000;
	int64_t left;
	int n;

	for (;;) {
		left = ms < 0 ? -1 : (int64_t)(until - zc_now_ns()) / 1000000;
		if (ms >= 0 && left < 0)
			left = 0;
		n = poll(&p, 1, (int)left);
		if (n >= 0)
			return n > 0;
		if (errno != EINTR || (run_stop_signal() && !finish))
			return false;
	}
}

/* Reads what is left in fd (at most len - 1 bytes); waits up to ms. */
size_t fd_slurp(int fd, char *buf, size_t len, int ms, bool finish)
{
	size_t got = 0;
	ssize_t n;

	while (fd >= 0 && got < len - 1 && fd_wait(fd, ms, finish)) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	buf[got] = '\0';
	return got;
}

/* Ends a child that is still running and reaps it. */
void child_end(struct child *ch)
{
	if (ch->pid > 0) {
		kill(ch->pid, SIGKILL);
		while (waitpid(ch->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (ch->out >= 0)
		close(ch->out);
	if (ch->err >= 0)
		close(ch->err);
	if (ch->gate >= 0)
		close(ch->gate);
	ch->pid = ch->out = ch->err = ch->gate = -1;
}

/*
 * Runs a short command (lab.sh) to its end, whatever signal comes: a lab
 * half set up or half taken down is what must not happen. Its stdout is
 * in out, and its stderr in err unless verbose. Returns its exit status.
 */
int cmd_run(char *const argv[], char *out, size_t outlen, bool verbose,
	    char *err, size_t errlen)
{
	struct child ch;
	int status = 0;

	if (child_spawn(&ch, NULL,
			SPAWN_OWN_GROUP | (verbose ? SPAWN_SHARE_ERR : 0), -1,
			argv))
		return -1;
	/* stderr first: lab.sh writes little there, and it ends when the
	 * command does, like stdout */
	if (!verbose)
		fd_slurp(ch.err, err, errlen, -1, true);
	fd_slurp(ch.out, out, outlen, -1, true);
	while (waitpid(ch.pid, &status, 0) < 0 && errno == EINTR)
		;
	ch.pid = -1;
	child_end(&ch);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* A command's argument with {sink} and {file} put in (malloc'd). */
static char *arg_expand(const char *a, const char *sink, const char *file)
{
	size_t n = strlen(a) + 1, len = 0;
	const char *p;
	char *out;

	for (p = a; (p = strchr(p, '{')); p++)
		n += strlen(sink) + strlen(file); /* room for either, enough */
	out = malloc(n);
	for (p = a; out && *p;) {
		if (!strncmp(p, "{sink}", 6) || !strncmp(p, "{file}", 6)) {
			len += sprintf(out + len, "%s",
				       p[1] == 's' ? sink : file);
			p += 6;
		} else {
			out[len++] = *p++;
		}
	}
	if (out)
		out[len] = '\0';
	return out;
}

/* zcviz -- CMD: its argv with {sink} and {file} put in (malloc'd). */
char **argv_expand(char *const cmd[], const char *sink, const char *file)
{
	size_t n = 0, i;
	char **argv;

	while (cmd[n])
		n++;
	argv = calloc(n + 1, sizeof(*argv));
	for (i = 0; argv && i < n; i++)
		if (!(argv[i] = arg_expand(cmd[i], sink, file)))
			return argv_free(argv), NULL;
	return argv;
}
