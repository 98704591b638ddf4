/*
 * zc-java: runs the Java demos. A Java demo is a row of the demo table
 * with a class in demos/java/; make links its program (zc-java-stream) to
 * this one, which finds the row by the name it was run as, checks the
 * command line and the file as every sender does (common.c), and exec()s
 * a JVM in its own place: zcviz, which follows this process, follows the
 * JVM from its first instruction, and the lesson's window opens only at
 * its first data call.
 *
 * Three more ways to run it, for make, zcviz and the JVM, not for people:
 *   zc-java --programs the Java demos' programs, a line each: make links
 *   PROGRAM --check    exit 0 when a JVM and the classes are here; else
 *                      one line saying what to install, exit 3
 *   zc-java --finish PROGRAM FILE SENT CALLS CHUNK NS CPU_MS LOCAL PEER REPLY
 *                    REPLY_ERROR
 *                      the JVM's summary: run as its child once the
 *                      transfer is over, so the checksum's reads of the
 *                      file are not the JVM's (the C demos fork for it);
 *                      REPLY_ERROR is why reading REPLY failed ("": the
 *                      receiver closed)
 */
#include "common.h"
#include "../lib/demos.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define JAVA_INSTALL                                                            \
	"install a JDK: sudo apt-get install openjdk-17-jdk-headless (or sudo " \
	"make deps), then make"

/* A program we may run (build/java, the classes, is not one). */
static int runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -1;
	if (!S_ISREG(st.st_mode))
		return errno = EISDIR, -1;
	return access(path, X_OK);
}

/* The java to run: $ZC_JAVA, $JAVA_HOME/bin/java, or java on PATH. */
static int java_find(char *buf, size_t len)
{
	const char *env = getenv("ZC_JAVA"), *home = getenv("JAVA_HOME");
	const char *path = getenv("PATH"), *p, *end;

	if (env && *env)
		return snprintf(buf, len, "%s", env), runnable(buf);
	if (home && *home)
		return snprintf(buf, len, "%s/bin/java", home), runnable(buf);
	for (p = path ? path : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		snprintf(buf, len, "%.*s/java", (int)(end - p), p);
		if (end > p && !runnable(buf))
			return 0;
	}
	snprintf(buf, len, "java");
	return -1;
}

/* Where make put zc-java and the classes (build/java). */
static int bin_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	return 0;
}

/* 0 when java and the demo's class are here; else says why, exit 3. */
static int java_check(const struct zc_demo *d, char *java, size_t jlen,
		      char *classes, size_t clen)
{
	char cls[PATH_MAX + 64];

	if (java_find(java, jlen)) {
		fprintf(stderr, "%s: no Java here (%s: %s); %s\n", d->program,
			java, strerror(strcmp(java, "java") ? errno : ENOENT),
			JAVA_INSTALL);
		return ZC_EXIT_ENV;
	}
	if (bin_dir(classes, clen - 8))
		return fprintf(stderr, "%s: cannot find where I am\n",
			       d->program),
		       ZC_EXIT_ENV;
	strcat(classes, "/java");
	snprintf(cls, sizeof(cls), "%s/%s.class", classes, d->java_class);
	if (access(cls, R_OK)) {
		fprintf(stderr,
			"%s: %s is not built (there was no javac when make ran); %s\n",
			d->program, cls, JAVA_INSTALL);
		return ZC_EXIT_ENV;
	}
	return 0;
}

/* The JVM, in our place: the checked options, one argument each. */
static int java_exec(const struct zc_demo *d, const struct zc_sender_opts *o,
		     uint64_t size)
{
	char java[PATH_MAX], classes[PATH_MAX], self[PATH_MAX + 16];
	char host[256], port[8], prog[128], chunk[24], rate[32], step[16];
	char wait[40];
	char connect[32], bytes[24];
	struct addrinfo *ai;
	int rc = java_check(d, java, sizeof(java), classes, sizeof(classes));

	if (rc)
		return rc;
	if (zc_dest_resolve(d->program, o->to, host, sizeof(host), port,
			    sizeof(port), &ai))
		return ZC_EXIT_USAGE;
	freeaddrinfo(ai); /* the JVM connects by name, as the article does */
	snprintf(self, sizeof(self), "-Dzc.finish=%.*s/zc-java",
		 (int)strlen(classes) - 5, classes); /* less "/java" */
	snprintf(prog, sizeof(prog), "-Dzc.program=%s", d->program);
	snprintf(wait, sizeof(wait), "-Dzc.reply_wait_s=%u", o->reply_s);
	snprintf(chunk, sizeof(chunk), "%" PRIu64, o->chunk);
	snprintf(rate, sizeof(rate), "%.0f", o->rate_mbps * 1e6);
	snprintf(step, sizeof(step), "%d", o->step_fd);
	snprintf(connect, sizeof(connect), "%.0f", o->connect_s * 1e3);
	snprintf(bytes, sizeof(bytes), "%" PRIu64, size);
	/* --add-opens: the step handshake reads the fd zcviz gave us */
	execl(java, java, "-cp", classes, "--add-opens",
	      "java.base/java.io=ALL-UNNAMED", self, prog, wait, d->java_class,
	      host, port, chunk, rate, step, connect, o->file, bytes,
	      (char *)NULL);
	fprintf(stderr, "%s: cannot run %s: %s; %s\n", d->program, java,
		strerror(errno), JAVA_INSTALL);
	return ZC_EXIT_ENV;
}

/* zc-java --finish ...: see the top of this file. */
static int java_finish(int argc, char **argv)
{
	const struct zc_demo *d = argc == 13 ? zc_demo_of_program(argv[2]) :
					       NULL;
	struct zc_run run = { .sock_fd = -1 };
	char dev[64];
	uint64_t size;
	int rc;

	if (!d) {
		fprintf(stderr, "zc-java: --finish is for the Java demos\n");
		return ZC_EXIT_USAGE;
	}
	run.prog = d->program;
	run.path = argv[3];
	run.sent = strtoull(argv[4], NULL, 10);
	run.calls = strtoull(argv[5], NULL, 10);
	run.chunk = strtoull(argv[6], NULL, 10);
	run.cpu_ms = strtod(argv[8], NULL);
	run.reply_error = *argv[12] ? argv[12] : NULL;
	run.file_fd = zc_file_open(d->program, run.path, &size);
	if (run.file_fd < 0)
		return ZC_EXIT_FAIL;
	zc_addr_egress(argv[9], argv[10], dev, sizeof(dev));
	rc = zc_sender_summary(d, &run, strtoull(argv[7], NULL, 10), argv[11],
			       dev);
	close(run.file_fd);
	return rc;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/');
	const struct zc_demo *d;
	struct zc_sender_opts o;
	char java[PATH_MAX], classes[PATH_MAX];
	uint64_t size;
	int fd, rc;

	if (argc > 1 && !strcmp(argv[1], "--finish"))
		return java_finish(argc, argv);
	if (argc == 2 && !strcmp(argv[1], "--programs")) { /* for make */
		for (int i = 0; i < zc_ndemos; i++)
			if (zc_demos[i].java_class)
				printf("%s\n", zc_demos[i].program);
		return ZC_EXIT_OK;
	}
	if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")))
		return printf("%s %s\n", name ? name + 1 : argv[0], ZC_VERSION),
		       ZC_EXIT_OK;
	d = zc_demo_of_program(name ? name + 1 : argv[0]);
	if (!d || !d->java_class) {
		fprintf(stderr,
			"zc-java: run a Java demo by its program's name, a link to me that make makes (build/zc-java-stream, ...)\n");
		return ZC_EXIT_USAGE;
	}
	if (argc == 2 && !strcmp(argv[1], "--check"))
		return java_check(d, java, sizeof(java), classes,
				  sizeof(classes));
	rc = zc_sender_opts_parse(argc, argv, d, &o);
	if (rc)
		return rc > 0 ? ZC_EXIT_OK : ZC_EXIT_USAGE;
	fd = zc_file_open(d->program, o.file, &size);
	if (fd < 0)
		return ZC_EXIT_USAGE;
	close(fd);
	return java_exec(d, &o, size);
}
