/*
 * The many-threaded sender of tests/watch.bats: two threads, two files,
 * two sockets, one by read() + write() and one by sendfile(), both in
 * flight at once. It says "ready" and waits for SIGUSR1 (zcviz -p is
 * watching by then), then sends; each thread prints what the receiver
 * answered ("FILE: received N bytes xxh3=X").
 *
 * Usage: test-two-senders HOST PORT FILE1 FILE2
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

int main(int argc, char **argv)
{
	struct sender s[2] = {
		{ argv[1], argv[2], argv[3], 0, "", 0 },
		{ argv[1], argv[2], argv[4], 1, "", 0 },
	};
	pthread_t t[2];
	sigset_t usr1;
	int sig, rc = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: %s HOST PORT FILE1 FILE2\n", argv[0]);
		return 2;
	}
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	printf("ready\n");
	fflush(stdout);
	sigwait(&usr1, &sig);
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
