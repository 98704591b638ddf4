/*
 * The many-threaded sender of tests/watch.bats: two threads, two files,
 * two sockets, one by read() + write() and one by sendfile(), both in
 * flight at once. It says "ready" and waits for SIGUSR1 (zcviz -p is
 * watching by then), then sends; each thread prints what the receiver
 * answered ("FILE: received N bytes xxh3=X"). With --fork, each sender
 * is a process of its own, started after SIGUSR1: zcviz -p of this one
 * must follow them.
 *
 * Usage: test-two-senders [--fork] HOST PORT FILE1 FILE2
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct sender {
	const char *host, *port, *file;
	int by_sendfile;
	char reply[128];
	int failed;
};

static int sock_open(const struct sender *s)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(atoi(s->port)) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, s->host, &sa.sin_addr);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_copy(int in, int out)
{
	static __thread char buf[65536];
	ssize_t n, w;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		for (char *p = buf; n > 0; p += w, n -= w)
			if ((w = write(out, p, n)) <= 0)
				return -1;
	return n < 0 ? -1 : 0;
}

static int send_ref(int in, int out)
{
	struct stat st;
	off_t off = 0;

	if (fstat(in, &st))
		return -1;
	while (off < st.st_size)
		if (sendfile(out, in, &off, st.st_size - off) <= 0)
			return -1;
	return 0;
}

static void *sender_run(void *arg)
{
	struct sender *s = arg;
	int in = open(s->file, O_RDONLY), out = sock_open(s);
	ssize_t n = 0;

	s->failed = in < 0 || out < 0 ||
		    (s->by_sendfile ? send_ref(in, out) : send_copy(in, out));
	if (!s->failed) {
		shutdown(out, SHUT_WR);
		n = read(out, s->reply, sizeof(s->reply) - 1);
	}
	s->reply[n > 0 ? n : 0] = '\0';
	s->reply[strcspn(s->reply, "\n")] = '\0';
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return NULL;
}

/* Each sender in a process of its own: rc */
static int senders_fork(struct sender *s)
{
	pid_t pid[2];
	int st, rc = 0;

	fflush(stdout);
	for (int i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			sender_run(&s[i]);
			printf("%s: %s\n", s[i].file,
			       s[i].failed ? "failed" : s[i].reply);
			fflush(stdout);
			_exit(s[i].failed);
		}
	}
	for (int i = 0; i < 2; i++)
		rc |= pid[i] < 0 || waitpid(pid[i], &st, 0) < 0 || st != 0;
	return rc;
}

static int senders_thread(struct sender *s)
{
	pthread_t t[2];
	int rc = 0;

	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, sender_run, &s[i]);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		printf("%s: %s\n", s[i].file,
		       s[i].failed ? "failed" : s[i].reply);
		rc |= s[i].failed;
	}
	return rc;
}

int main(int argc, char **argv)
{
	int by_fork = argc > 1 && !strcmp(argv[1], "--fork");
	char **a = argv + by_fork;
	sigset_t usr1;
	int sig;

	if (argc - by_fork != 5) {
		fprintf(stderr, "usage: %s [--fork] HOST PORT FILE1 FILE2\n",
			argv[0]);
		return 2;
	}
	struct sender s[2] = {
		{ a[1], a[2], a[3], 0, "", 0 },
		{ a[1], a[2], a[4], 1, "", 0 },
	};
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	printf("ready\n");
	fflush(stdout);
	sigwait(&usr1, &sig);
	return by_fork ? senders_fork(s) : senders_thread(s);
}
