/*
 * One run of one demo. The order matters and is undone in reverse:
 *
 *   lab up -> sink (receive netns) -> demo forked, held at a gate (send
 *   netns) -> BPF loaded with both pids -> gate opened -> demo exits ->
 *   sink's verdict -> counters read -> BPF detached -> lab down
 *
 * The demo is held before exec() so that the instrument sees its every
 * system call from the first one, with its pid known before load.
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../demos/net.h"
#include "../demos/summary.h"
#include "../demos/units.h"
#include "safefile.h"
#include "witness.h"

#define TMPFS_MAGIC 0x01021994
#define SINK_WAIT_MS 10000
/* the sender has exited: its socket ends at once, or within its FIN's
 * round trip; beyond this its TCP count is said to be not known */
#define WITNESS_WAIT_MS 2000

static volatile sig_atomic_t stop_signal;

void run_request_stop(int sig)
{
	stop_signal = sig;
}

void run_stop_clear(void)
{
	stop_signal = 0;
}

int run_stop_signal(void)
{
	return stop_signal;
}

bool run_output_gone(void)
{
	struct pollfd p = { .fd = STDOUT_FILENO };

	if (!stop_signal && poll(&p, 1, 0) == 1 && (p.revents & POLLERR))
		stop_signal = SIGPIPE;
	return stop_signal == SIGPIPE;
}

/* ---- where our programs are: next to zcviz, lab.sh in ../demos ------ */

static int bin_dir(char *dir, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	snprintf(dir, len, "%s", exe);
	return 0;
}

/* ---- child processes -------------------------------------------------- */

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

#define STEP_FD 3 /* where the demo finds the step handshake */

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
static int child_spawn(struct child *ch, const char *ns, int flags, int step_rd,
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
static bool fd_wait(int fd, int ms, bool finish)
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
		if (errno != EINTR || (stop_signal && !finish))
			return false;
	}
}

/* Reads what is left in fd (at most len - 1 bytes); waits up to ms. */
static size_t fd_slurp(int fd, char *buf, size_t len, int ms, bool finish)
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
static void child_end(struct child *ch)
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
static int cmd_run(char *const argv[], char *out, size_t outlen, bool verbose,
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

/* ---- the lab (demos/lab.sh) ------------------------------------------- */

struct lab {
	char id[16];
	char tx_ns[32], rx_ns[32], tx_dev[16];
	char rx_ip[32];
	bool up; /* it may exist: lab_down() must take it down */
};

/* What this process set up and took down again, for the last message. */
static bool ever_lab, ever_bpf;

static void lab_value(const char *out, const char *key, char *val, size_t len)
{
	const char *p = strstr(out, key);
	size_t n;

	val[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	n = strcspn(p, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(val, p, n);
	val[n] = '\0';
}

static int lab_cmd(const char *bindir, char *const args[], char *out,
		   size_t outlen, bool verbose, char *why, size_t whylen)
{
	char script[PATH_MAX], err[2048] = "";
	char *argv[10];
	int i, rc;

	snprintf(script, sizeof(script), "%s/../demos/lab.sh", bindir);
	argv[0] = script;
	for (i = 0; args[i] && i < 8; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	rc = cmd_run(argv, out, outlen, verbose, err, sizeof(err));
	if (rc) {
		err[strcspn(err, "\n")] = '\0';
		snprintf(why, whylen, "%s %s failed: %s", script, args[0],
			 rc < 0 ? strerror(errno) : err);
	}
	return rc;
}

static int lab_up(struct lab *lab, const char *bindir, bool sg, bool verbose,
		  char *why, size_t whylen)
{
	char out[1024], owner[16];
	char *cleanup[] = { "cleanup", NULL };
	char *up[] = { "up",	  "--id", lab->id, "--sg", sg ? "on" : "off",
		       "--owner", owner,  NULL };

	snprintf(owner, sizeof(owner), "%d", (int)getpid());
	/* labs of runs that were killed (SIGKILL) before they could clean up */
	if (lab_cmd(bindir, cleanup, out, sizeof(out), verbose, why, whylen))
		return ZC_EXIT_ENV;
	/*
	 * The id is known before the lab exists, so that whatever happens
	 * from here on (a signal, a failure half-way), lab_down() knows
	 * what to take down.
	 */
	snprintf(lab->id, sizeof(lab->id), "%d", (int)getpid());
	lab->up = ever_lab = true;
	if (lab_cmd(bindir, up, out, sizeof(out), verbose, why, whylen))
		return ZC_EXIT_ENV;
	lab_value(out, "ZCLAB_TX_NS=", lab->tx_ns, sizeof(lab->tx_ns));
	lab_value(out, "ZCLAB_RX_NS=", lab->rx_ns, sizeof(lab->rx_ns));
	lab_value(out, "ZCLAB_TX_DEV=", lab->tx_dev, sizeof(lab->tx_dev));
	lab_value(out, "ZCLAB_RX_IP=", lab->rx_ip, sizeof(lab->rx_ip));
	if (!lab->tx_ns[0] || !lab->rx_ip[0]) {
		snprintf(why, whylen, "lab.sh up printed no lab: %s", out);
		return ZC_EXIT_ENV;
	}
	return 0;
}

/* A lab that lab.sh down could not remove, for the last message. */
static char lab_stuck[16];

static void lab_down(struct lab *lab, const char *bindir, bool verbose)
{
	char out[256], why[256];
	char *down[] = { "down", lab->id, NULL };

	if (lab->up && lab_cmd(bindir, down, out, sizeof(out), verbose, why,
			       sizeof(why))) {
		fprintf(stderr, "zcviz: %s\n", why);
		snprintf(lab_stuck, sizeof(lab_stuck), "%s", lab->id);
	}
	lab->up = false;
}

const char *run_undone(void)
{
	static char s[160];

	if (lab_stuck[0])
		snprintf(
			s, sizeof(s),
			"lab %s could not be removed (sudo demos/lab.sh cleanup removes it)%s",
			lab_stuck,
			ever_bpf ? "; the BPF programs are detached" : "");
	else if (ever_lab || ever_bpf)
		snprintf(s, sizeof(s), "%s%s%s",
			 ever_lab ? "the lab is down" : "",
			 ever_lab && ever_bpf ? " and " : "",
			 ever_bpf ? "the BPF programs are detached" : "");
	else
		return NULL;
	return s;
}

struct ifindex_ask {
	const char *dev;
	unsigned ifindex;
};

static void ifindex_here(void *arg)
{
	struct ifindex_ask *a = arg;

	a->ifindex = if_nametoindex(a->dev);
}

/* dev's ifindex in namespace ns (NULL: ours); 0 when it has none. */
static unsigned ifindex_in(const char *ns, const char *dev)
{
	struct ifindex_ask a = { .dev = dev };

	return netns_run(ns, ifindex_here, &a) ? 0 : a.ifindex;
}

static uint32_t netns_inode(const char *ns)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), ns ? "/run/netns/%s" : "/proc/self/ns/net",
		 ns);
	return stat(path, &st) ? 0 : (uint32_t)st.st_ino;
}

/* --to: the device a connection to HOST:PORT would leave by. */
static int remote_egress(const char *to, char *dev, size_t devlen, char *why,
			 size_t whylen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res;
	char host[256], port[8];
	int fd, rc;

	if (zc_split_hostport("zcviz", to, host, sizeof(host), port,
			      sizeof(port)))
		return ZC_EXIT_USAGE;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc) {
		snprintf(why, whylen, "cannot resolve host '%s' in --to: %s",
			 host, gai_strerror(rc));
		return ZC_EXIT_USAGE;
	}
	/* a UDP connect() sends nothing; it only picks the route */
	fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	rc = fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen);
	if (!rc)
		zc_sock_egress(fd, dev, devlen);
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	if (rc || !strcmp(dev, "?")) {
		snprintf(why, whylen, "no route to %s; check the address", to);
		return ZC_EXIT_FAIL;
	}
	return 0;
}

/* ---- the file --------------------------------------------------------- */

/* Is there room for size more bytes where fd is? */
static int space_check(int fd, const char *path, uint64_t size, char *why,
		       size_t whylen)
{
	struct statvfs vfs;
	uint64_t room;

	if (fstatvfs(fd, &vfs))
		return 0; /* cannot tell: the writes will say */
	room = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (room >= size)
		return 0;
	snprintf(why, whylen,
		 "no room for %s (%" PRIu64 " bytes): %" PRIu64
		 " bytes are free there; give a smaller --size, or --file",
		 path, size, room);
	return -1;
}

/*
 * SIZE random bytes at path, written whole or not at all. A file of that
 * name that another run wrote meanwhile is as good: it stays (replace
 * false); one of the wrong size goes (replace true).
 */
static int file_random(const char *path, uint64_t size, bool replace, char *why,
		       size_t whylen)
{
	static char buf[1 << 20];
	struct safefile sf;
	uint64_t done = 0;
	size_t n;
	int shown = 0, rc = ZC_EXIT_ENV;

	if (safefile_open(&sf, path, why, whylen))
		return ZC_EXIT_ENV;
	if (space_check(sf.fd, path, size, why, whylen))
		goto cleanup;
	for (; done < size && !stop_signal; done += n) {
		n = size - done < sizeof(buf) ? size - done : sizeof(buf);
		if (getrandom(buf, n, 0) != (ssize_t)n ||
		    write(sf.fd, buf, n) != (ssize_t)n)
			break;
		if (size >= (256 << 20) &&
		    done * 10 / size != (done + n) * 10 / size)
			fprintf(stderr, "\rzcviz: writing %s: %3d%%", path,
				shown = (int)((done + n) * 100 / size));
	}
	if (shown)
		fputc('\n', stderr);
	if (stop_signal) {
		snprintf(why, whylen, "interrupted");
		rc = 128 + stop_signal;
	} else if (done < size) {
		snprintf(why, whylen, "cannot write %s: %s", path,
			 strerror(errno));
	} else if (safefile_commit(&sf, replace, why, whylen) >= 0) {
		return 0;
	}
cleanup:
	safefile_abort(&sf);
	return rc;
}

/* A file whose size lies (/proc) would be sent as nothing, "verified". */
static int file_honest(const char *file, uint64_t size, char *why,
		       size_t whylen)
{
	int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	bool lies = fd >= 0 && zc_size_lies(fd, size);

	if (fd >= 0)
		close(fd);
	if (!lies)
		return 0; /* or unreadable: the demo says so */
	snprintf(why, whylen, ZC_SIZE_LIES_FMT, file);
	return ZC_EXIT_USAGE;
}

static void size_name(uint64_t size, char *out, size_t len)
{
	if (size && !(size % (1ULL << 30)))
		snprintf(out, len, "%" PRIu64 "G", size >> 30);
	else if (size && !(size % (1ULL << 20)))
		snprintf(out, len, "%" PRIu64 "M", size >> 20);
	else if (size && !(size % 1024))
		snprintf(out, len, "%" PRIu64 "K", size >> 10);
	else
		snprintf(out, len, "%" PRIu64, size);
}

int run_prepare_file(const char *file, uint64_t size, char *path,
		     size_t pathlen, char *why, size_t whylen)
{
	char dir[PATH_MAX], name[32];
	struct stat st;
	bool exists;
	int rc;

	if (file) {
		snprintf(path, pathlen, "%s", file);
		if (stat(file, &st)) {
			snprintf(
				why, whylen,
				"cannot use --file '%s': %s; give the path of a regular file",
				file, strerror(errno));
			return ZC_EXIT_USAGE;
		}
		if (!S_ISREG(st.st_mode)) {
			snprintf(
				why, whylen,
				"--file '%s' is not a regular file; the demos send regular files only",
				file);
			return ZC_EXIT_USAGE;
		}
		return file_honest(file, st.st_size, why, whylen);
	}
	if (bin_dir(dir, sizeof(dir))) {
		snprintf(why, whylen, "cannot find where zcviz is installed");
		return ZC_EXIT_ENV;
	}
	size_name(size, name, sizeof(name));
	snprintf(path, pathlen, "%s/sample-%s.bin", dir, name);
	exists = !lstat(path, &st);
	if (exists && S_ISREG(st.st_mode) && (uint64_t)st.st_size == size)
		return 0;
	rc = file_random(path, size, exists, why, whylen);
	if (rc)
		return rc;
	/* another run may have written it meanwhile: it must be the sample */
	if (lstat(path, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != size) {
		snprintf(
			why, whylen,
			"%s changed while it was written; remove it and run again",
			path);
		return ZC_EXIT_ENV;
	}
	return 0;
}

/*
 * Cold: write back and drop the file's pages, so that the demo reads it
 * from disk. Warm: read it all once, so that nothing comes from disk.
 */
static int file_cache(const char *path, bool cold, struct run_result *res)
{
	static char buf[1 << 20];
	struct statfs sf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(res->why, sizeof(res->why), "cannot open '%s': %s",
			 path, strerror(errno));
		return ZC_EXIT_USAGE;
	}
	res->tmpfs = !fstatfs(fd, &sf) && sf.f_type == TMPFS_MAGIC;
	if (cold) {
		fdatasync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	} else {
		while (read(fd, buf, sizeof(buf)) > 0)
			;
	}
	close(fd);
	return 0;
}

/* ---- the run ---------------------------------------------------------- */

struct run {
	const struct run_config *cfg;
	struct run_result *res;
	char bindir[PATH_MAX];
	struct lab lab;
	struct child sink, demo;
	struct trace *trace;
	const char *tx_ns, *rx_ns; /* NULL: this namespace (--to) */
	char dest[300]; /* HOST:PORT the demo sends to */
	uint16_t port;
	int step; /* write end of the step handshake, -1 when free */
	/* the kernel's own counts: the device's before our programs were
	 * attached, and TCP's of the flow (NULL: not heard) */
	struct witness_dev dev0;
	struct witness *witness;
	int status; /* the demo's exit status, once it exited */
};

/* Reads one line from fd within ms; returns its length, 0 on timeout. */
static size_t fd_line(int fd, char *buf, size_t len, int ms)
{
	size_t got = 0;

	while (got < len - 1 && fd_wait(fd, ms, false) &&
	       read(fd, buf + got, 1) == 1 && buf[got] != '\n')
		got++;
	buf[got] = '\0';
	return got;
}

static int sink_start(struct run *r)
{
	char bin[PATH_MAX + 16], listen[64], line[256];
	/* no idle limit: a lecture may hold a stepped run for as long as
	 * it likes, and zcviz ends the sink itself; and its receiver reads
	 * the bytes as they come, so that a step shows its copy and a
	 * measured run's receive queue stays as short as it always was: a
	 * CI run with --wake 256K here saw one resend without scatter-
	 * gather (copies 1.0014, not 1), which a longer queue may cause; a
	 * command may close without reading the sink's answer (bash's
	 * /dev/tcp does), and its bytes are checked against the file */
	char *argv[] = { bin,
			 "--listen",
			 listen,
			 "--once",
			 "--idle-timeout",
			 "0",
			 "--wake",
			 "1",
			 r->cfg->command ? "--trust-eof" : NULL,
			 NULL };
	const char *colon;

	snprintf(bin, sizeof(bin), "%s/zc-sink", r->bindir);
	snprintf(listen, sizeof(listen), "%s:0", r->lab.rx_ip);
	if (child_spawn(&r->sink, r->rx_ns, SPAWN_DIE_WITH_US, -1, argv)) {
		snprintf(r->res->why, sizeof(r->res->why),
			 "cannot start %s: %s", bin, strerror(errno));
		return ZC_EXIT_ENV;
	}
	fd_line(r->sink.err, line, sizeof(line), 5000);
	colon = strrchr(line, ':');
	if (!strstr(line, "listening on") || !colon) {
		snprintf(r->res->why, sizeof(r->res->why),
			 "zc-sink did not start: %s", line);
		return ZC_EXIT_ENV;
	}
	r->port = (uint16_t)atoi(colon + 1);
	snprintf(r->dest, sizeof(r->dest), "%s:%u", r->lab.rx_ip, r->port);
	return 0;
}

static void argv_free(char **argv)
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

/* zcviz -- CMD: its argv, expanded; and ZC_SINK and ZC_FILE in its
 * environment (set here, in zcviz, only while it is started). */
static char **command_argv(struct run *r)
{
	char *const *cmd = r->cfg->command;
	size_t n = 0, i;
	char **argv;

	while (cmd[n])
		n++;
	argv = calloc(n + 1, sizeof(*argv));
	for (i = 0; argv && i < n; i++)
		if (!(argv[i] = arg_expand(cmd[i], r->dest, r->cfg->file)))
			return argv_free(argv), NULL;
	return argv;
}

/* The demo's program from the table: --to, --chunk, --rate, --step-fd,
 * --batch. */
static void program_argv(struct run *r, char *argv[14], char *bin, size_t len,
			 char *chunk, char *rate, char *step)
{
	static char batch[16];
	const struct run_config *cfg = r->cfg;
	int n = 0;

	snprintf(bin, len, "%s/%s", r->bindir, cfg->demo->program);
	snprintf(chunk, 32, "%" PRIu64, cfg->chunk);
	argv[n++] = bin;
	argv[n++] = "--to";
	argv[n++] = r->dest;
	argv[n++] = "--chunk";
	argv[n++] = chunk;
	if (cfg->rate > 0) {
		snprintf(rate, 32, "%g", cfg->rate);
		argv[n++] = "--rate";
		argv[n++] = rate;
	}
	if (cfg->stepped) {
		snprintf(step, 8, "%d", STEP_FD);
		argv[n++] = "--step-fd";
		argv[n++] = step;
	}
	if (cfg->batch && cfg->demo->batches) {
		snprintf(batch, sizeof(batch), "%u", cfg->batch);
		argv[n++] = "--batch";
		argv[n++] = batch;
	}
	argv[n++] = (char *)cfg->file;
	argv[n] = NULL;
}

static int demo_start(struct run *r)
{
	const struct run_config *cfg = r->cfg;
	char bin[PATH_MAX + 32], chunk[32], rate[32], step[8];
	char *table_argv[14], **argv = table_argv, **cmd = NULL;
	int pipefd[2] = { -1, -1 }, rc = -1;

	if (cfg->command) {
		if (!(argv = cmd = command_argv(r)))
			goto fail;
		setenv("ZC_SINK", r->dest, 1);
		setenv("ZC_FILE", cfg->file, 1);
	} else {
		program_argv(r, table_argv, bin, sizeof(bin), chunk, rate,
			     step);
		if (cfg->stepped && pipe2(pipefd, O_CLOEXEC))
			goto fail;
	}
	rc = access(argv[0], X_OK) ||
	     child_spawn(&r->demo, r->tx_ns, SPAWN_GATED | SPAWN_DIE_WITH_US,
			 pipefd[0], argv);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	r->step = pipefd[1];
fail:
	unsetenv("ZC_SINK");
	unsetenv("ZC_FILE");
	if (!rc) {
		argv_free(cmd);
		return 0;
	}
	snprintf(r->res->why, sizeof(r->res->why), "cannot start %s: %s%s",
		 argv ? argv[0] : cfg->command[0], strerror(errno),
		 cfg->command ? "" : "; run make first");
	argv_free(cmd);
	return ZC_EXIT_ENV;
}

static int trace_begin(struct run *r)
{
	const struct run_config *cfg = r->cfg;
	struct run_result *res = r->res;
	struct trace_target tg = {
		.sender = r->demo.pid,
		.sink = r->sink.pid > 0 ? r->sink.pid : 0,
		.port = r->port,
		.events = cfg->on_event != NULL,
		.step_fd = cfg->stepped ? STEP_FD : -1,
		/* a JVM moves data from a thread of its own; a command, who
		 * knows: only the C demos are known to have one thread */
		.many_threads = cfg->command || cfg->demo->java_class,
		/* a command may send pinned pages too: follow them */
		.zc_frags = cfg->command || cfg->demo->pins_user_pages,
		/* for make bench: the kernel's counts of our programs */
		.stats = getenv("ZCVIZ_STATS") != NULL,
		.baseline = getenv("ZCVIZ_BASELINE") != NULL,
	};
	struct stat sb;

	if (stat(cfg->file, &sb)) {
		snprintf(res->why, sizeof(res->why), "cannot stat '%s': %s",
			 cfg->file, strerror(errno));
		return ZC_EXIT_USAGE;
	}
	tg.file_ino = sb.st_ino;
	/* the kernel's dev_t (MAJOR << 20 | MINOR), not stat's encoding */
	tg.file_kdev = major(sb.st_dev) << 20 | minor(sb.st_dev);
	tg.ifindex = ifindex_in(r->tx_ns, res->egress);
	tg.netns = netns_inode(r->tx_ns);
	witness_dev_read(r->tx_ns, res->egress, &r->dev0);
	/* before the demo connects: its socket's end is then heard */
	r->witness = witness_open(r->tx_ns, res->why, sizeof(res->why));
	res->why[0] = '\0'; /* without it, TCP's count is only not known */
	ever_bpf = true;
	r->trace = trace_start(&tg, cfg->on_event, cfg->event_ctx, res->why,
			       sizeof(res->why));
	if (!r->trace)
		return ZC_EXIT_ENV;
	res->in.missing = trace_missing(r->trace);
	return 0;
}

/* Opens the gate: the demo exec()s, under the instrument from its start. */
static int gate_open(struct run *r)
{
	int ok;

	ok = write(r->demo.gate, "g", 1) == 1;

	close(r->demo.gate);
	r->demo.gate = -1;
	if (!ok)
		snprintf(r->res->why, sizeof(r->res->why),
			 "the demo did not start");
	return ok ? 0 : ZC_EXIT_FAIL;
}

/* Where the demo sends: the lab, or --to HOST:PORT. */
static int path_up(struct run *r)
{
	const struct run_config *cfg = r->cfg;
	struct run_result *res = r->res;
	int rc;

	if (cfg->to) {
		res->remote = true;
		snprintf(r->dest, sizeof(r->dest), "%s", cfg->to);
		rc = remote_egress(cfg->to, res->egress, sizeof(res->egress),
				   res->why, sizeof(res->why));
		r->port = (uint16_t)atoi(strrchr(cfg->to, ':') + 1);
		res->in.sg = zc_dev_sg(res->egress) == 1;
		/* a zc-sink on this machine, by loopback, is a local socket */
		res->in.local = !strcmp(res->egress, "lo");
		return rc;
	}
	res->in.local = true; /* the lab's receiver is a socket here */
	rc = lab_up(&r->lab, r->bindir, res->in.sg, cfg->verbose, res->why,
		    sizeof(res->why));
	if (rc)
		return rc;
	r->tx_ns = r->lab.tx_ns;
	r->rx_ns = r->lab.rx_ns;
	snprintf(res->egress, sizeof(res->egress), "%s", r->lab.tx_dev);
	return sink_start(r);
}

static struct run *run_new(const struct run_config *cfg, struct run_result *res)
{
	struct run *r = calloc(1, sizeof(*r));

	memset(res, 0, sizeof(*res));
	if (!r) {
		snprintf(res->why, sizeof(res->why), "out of memory");
		return NULL;
	}
	r->cfg = cfg;
	r->res = res;
	r->sink = r->demo = (struct child){ -1, -1, -1, -1 };
	r->step = -1;
	res->in.demo = cfg->demo;
	res->in.sg = cfg->sg < 0 ? cfg->demo->sg : cfg->sg;
	return r;
}

/* The file as the run found it: its size, from now on the file's. */
static int file_size(struct run *r)
{
	struct stat sb;

	if (stat(r->cfg->file, &sb)) {
		snprintf(r->res->why, sizeof(r->res->why),
			 "cannot use '%s': %s", r->cfg->file, strerror(errno));
		return ZC_EXIT_USAGE;
	}
	r->res->in.file_bytes = sb.st_size;
	return 0;
}

/*
 * A demo that needs more than this machine may have (a Java demo: a JVM
 * and its classes) is asked first, before a lab goes up for nothing: its
 * program's --check says in one line what to install.
 */
static int demo_ready(struct run *r)
{
	const struct zc_demo *d = r->cfg->demo;
	char bin[PATH_MAX + 32], out[64], err[512];
	char *argv[] = { bin, "--check", NULL };
	const char *why = err;
	size_t plen = strlen(d->program);

	if (r->cfg->command || !zc_demo_may_lack(d))
		return 0;
	snprintf(bin, sizeof(bin), "%s/%s", r->bindir, d->program);
	if (!cmd_run(argv, out, sizeof(out), false, err, sizeof(err)))
		return 0;
	err[strcspn(err, "\n")] = '\0';
	if (!strncmp(err, d->program, plen) && !strncmp(err + plen, ": ", 2))
		why += plen + 2;
	snprintf(r->res->why, sizeof(r->res->why), "%s: %s", d->name,
		 *why ? why : "cannot run its program: run make first");
	return ZC_EXIT_ENV;
}

static int file_warm_or_cold(struct run *r)
{
	return file_cache(r->cfg->file, r->cfg->cold, r->res);
}

struct run *run_start(const struct run_config *cfg, struct run_result *res,
		      int *rc)
{
	/* in order; a signal stops the next step from starting */
	static int (*const steps[])(struct run *) = {
		file_size,  demo_ready,	 path_up,   file_warm_or_cold,
		demo_start, trace_begin, gate_open,
	};
	struct run *r = run_new(cfg, res);
	size_t i;

	*rc = r ? 0 : ZC_EXIT_ENV;
	if (r && bin_dir(r->bindir, sizeof(r->bindir))) {
		snprintf(res->why, sizeof(res->why),
			 "cannot find where zcviz is installed");
		*rc = ZC_EXIT_ENV;
	}
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]) && !*rc; i++)
		*rc = stop_signal ? -1 : steps[i](r);
	if (*rc && stop_signal) { /* whatever failed, a signal came first */
		snprintf(res->why, sizeof(res->why), "interrupted");
		*rc = 128 + stop_signal;
	}
	if (*rc) {
		run_abort(r);
		return NULL;
	}
	return r;
}

static int run_tick(struct run *r, int ms)
{
	struct rusage ru;

	if (stop_signal || run_output_gone())
		return -1;
	if (r->demo.pid < 0)
		return 1;
	trace_poll(r->trace, ms);
	if (wait4(r->demo.pid, &r->status, WNOHANG, &ru) != r->demo.pid)
		return 0;
	r->demo.pid = -1;
	r->res->in.rusage_user_ns = ru.ru_utime.tv_sec * 1000000000ULL +
				    ru.ru_utime.tv_usec * 1000ULL;
	r->res->in.rusage_sys_ns = ru.ru_stime.tv_sec * 1000000000ULL +
				   ru.ru_stime.tv_usec * 1000ULL;
	return 1;
}

void run_grant(struct run *r, int n)
{
	static const char tokens[64];

	while (r->step >= 0 && n > 0) {
		int k = n < (int)sizeof(tokens) ? n : (int)sizeof(tokens);

		if (write(r->step, tokens, k) != k)
			break;
		n -= k;
	}
}

void run_unleash(struct run *r)
{
	/* EOF on the handshake: the demo runs freely from now on */
	if (r->step >= 0)
		close(r->step);
	r->step = -1;
}

/* The sink exits once it has answered; give it a few seconds. */
static int sink_wait(struct run *r)
{
	int i, status;

	for (i = 0; r->sink.pid > 0 && i < SINK_WAIT_MS / 10; i++) {
		if (stop_signal)
			return 128 + stop_signal;
		trace_poll(r->trace, 10);
		if (waitpid(r->sink.pid, &status, WNOHANG) == r->sink.pid)
			r->sink.pid = -1;
	}
	fd_line(r->sink.out, r->res->sink_line, sizeof(r->res->sink_line), 100);
	return 0;
}

/* The checksum of the whole file, read here: zcviz is not the sender, so
 * this reading is on no figure. */
static int file_sum(const char *path, uint64_t *bytes, uint64_t *sum)
{
	static char buf[1 << 16];
	zc_sum_state h;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	zc_sum_reset(&h);
	*bytes = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR)) {
		if (n > 0)
			zc_sum_update(&h, buf, n);
		*bytes += n > 0 ? n : 0;
	}
	close(fd);
	*sum = zc_sum_digest(&h);
	return n < 0 ? -1 : 0;
}

/* A command says what it likes: the sink's bytes are checked against the
 * file itself. */
static bool sink_has_file(const struct run *r)
{
	uint64_t fb, fs, rb, rs;

	return !zc_summary_parse(r->res->sink_line, ZC_RECEIVED, &rb, &rs) &&
	       !file_sum(r->cfg->file, &fb, &fs) && fb == rb && fs == rs;
}

static bool lines_agree(const char *sender, const char *sink)
{
	uint64_t sb, sc, rb, rc;

	return !zc_summary_parse(sender, ZC_SENT, &sb, &sc) &&
	       !zc_summary_parse(sink, ZC_RECEIVED, &rb, &rc) && sb == rb &&
	       sc == rc;
}

/*
 * Our counters and the device's own, as of one moment: the connection's
 * last packets (an ACK of the sink's FIN) may leave while we read, so the
 * device's are read before and after ours, until no packet came between
 * (a few tries, 10 ms apart).
 */
static void counts_with_device(struct run *r)
{
	struct run_result *res = r->res;
	struct witness_dev before, after = r->dev0;
	uint64_t *u = res->in.counts.u;

	for (int i = 0; i < 10; i++) {
		witness_dev_read(r->tx_ns, res->egress, &before);
		trace_read(r->trace, &res->in.counts);
		witness_dev_read(r->tx_ns, res->egress, &after);
		if (before.tx_packets == after.tx_packets &&
		    before.tx_dropped == after.tx_dropped)
			break;
		usleep(10000);
	}
	u[ZC_U_DEV_TX_PACKETS] = after.tx_packets - r->dev0.tx_packets;
	u[ZC_U_DEV_TX_DROPPED] = after.tx_dropped - r->dev0.tx_dropped;
}

/*
 * TCP's own count of the flow, from its socket's end (the sender has
 * exited, so it has ended or is about to): the witness the device's
 * figures are held against (witness.h).
 */
static void counts_with_tcp(struct run *r)
{
	uint64_t *u = r->res->in.counts.u;
	struct witness_tcp t;

	witness_tcp_read(r->witness, r->port, WITNESS_WAIT_MS, &t);
	u[ZC_U_TCP_SOCKETS] = t.sockets;
	u[ZC_U_TCP_BYTES_SENT] = t.sockets ? t.bytes_sent : 0;
	u[ZC_U_TCP_BYTES_RETRANS] = t.sockets ? t.bytes_retrans : 0;
	u[ZC_U_INIT_GATE] = trace_init_gate() > 0;
}

static int verdict(struct run *r)
{
	struct run_result *res = r->res;
	char err[512] = "";

	fd_line(r->demo.out, res->sender_line, sizeof(res->sender_line), 1000);
	/* a zero-copy sender relays the kernel's answers in its summary */
	res->in.done_known =
		!zc_completions_parse(res->sender_line, &res->in.done);
	fd_slurp(r->demo.err, err, sizeof(err), 100, false);
	trace_poll(r->trace, 0);
	counts_with_device(r);
	counts_with_tcp(r);
	trace_read_programs(r->trace, &res->in.counts);
	if (getenv("ZCVIZ_STATS") || getenv("ZCVIZ_BASELINE"))
		res->nhooks = trace_read_hooks(r->trace, res->hooks,
					       TRACE_MAX_HOOKS);
	if (!WIFEXITED(r->status) || WEXITSTATUS(r->status)) {
		err[strcspn(err, "\n")] = '\0';
		snprintf(res->why, sizeof(res->why), "%s",
			 err[0] ? err : "the demo failed");
		return ZC_EXIT_FAIL;
	}
	/* the sender checked the receiver's answer; ours we check too */
	if (r->cfg->command) {
		res->verified = sink_has_file(r);
		if (!res->verified && !res->sink_line[0])
			snprintf(
				res->why, sizeof(res->why), "%s",
				"the receiver got nothing: does the command send {file} to {sink}?");
		else if (!res->verified)
			snprintf(res->why, sizeof(res->why),
				 "the receiver did not get the file: '%s'",
				 res->sink_line);
		return res->verified ? 0 : ZC_EXIT_FAIL;
	}
	res->verified =
		strstr(res->sender_line, "; receiver agrees") &&
		(res->remote || lines_agree(res->sender_line, res->sink_line));
	if (!res->verified) {
		snprintf(res->why, sizeof(res->why),
			 "sender and receiver disagree: '%s' / '%s'",
			 res->sender_line, res->sink_line);
		return ZC_EXIT_FAIL;
	}
	return 0;
}

void run_abort(struct run *r)
{
	if (!r)
		return;
	if (r->step >= 0)
		close(r->step);
	trace_stop(r->trace);
	witness_close(r->witness);
	child_end(&r->demo);
	child_end(&r->sink);
	lab_down(&r->lab, r->bindir, r->cfg->verbose);
	free(r);
}

int run_finish(struct run *r)
{
	int rc = sink_wait(r);

	if (!rc)
		rc = verdict(r);
	run_abort(r);
	return rc;
}

int run_step(struct run *r, const struct run_pace *p)
{
	struct zc_counts c = { 0 }; /* user space's counters: at the end */
	int t;

	if (p->grant)
		run_grant(r, p->grant(p->ctx));
	t = run_tick(r, p->ms);
	if (t >= 0 && p->counts) {
		trace_read(r->trace, &c);
		p->counts(p->ctx, &c);
	}
	return t;
}

int run_demo(const struct run_config *cfg, struct run_result *res,
	     const struct run_pace *p)
{
	static const struct run_pace report = { .ms = 50 };
	struct run *r;
	int rc, t;

	if (!p)
		p = &report;
	r = run_start(cfg, res, &rc);
	if (!r)
		return rc;
	while (!(t = run_step(r, p)))
		;
	if (t < 0) {
		snprintf(res->why, sizeof(res->why), "interrupted");
		run_abort(r);
		return 128 + stop_signal;
	}
	rc = run_finish(r);
	if (p->end)
		p->end(p->ctx, res);
	return rc;
}
