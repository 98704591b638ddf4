/*
 * What every program of zerocopy-lab shares, the senders, zc-sink and
 * zcviz alike: the version, the exit statuses, time, and the numbers a
 * command line gives (sizes, rates, timeouts).
 */
#ifndef ZC_UNITS_H
#define ZC_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZC_VERSION "0.1.0"

#define ZC_STR_(x) #x
#define ZC_STR(x) ZC_STR_(x) /* a number #defined, as a string */

/* Exit statuses shared by every program of the project (docs/contracts.md,
 * "Exit statuses"). */
enum {
	ZC_EXIT_OK = 0,
	ZC_EXIT_FAIL = 1, /* the transfer or its verification failed */
	ZC_EXIT_USAGE = 2, /* bad command line or bad input */
	ZC_EXIT_ENV = 3, /* the environment lacks something (root, a tool) */
};

uint64_t zc_now_ns(void);
/* This process's CPU time (user + system) so far, in milliseconds. */
double zc_cpu_ms(void);
/* "12.3 ms (456.7 MB/s)" */
void zc_print_rate(char *out, size_t outlen, uint64_t bytes, uint64_t ns);

/* "4097", "64K", "1M", "2G": binary multiples, no sign, no overflow. */
int zc_parse_size(const char *s, uint64_t *out);
/* --rate MBPS: a finite number from ZC_RATE_MIN to ZC_RATE_MAX. */
#define ZC_RATE_MIN 0.001
#define ZC_RATE_MAX 1000000.0
#define ZC_RATE_USAGE \
	"--rate must be a number of megabytes a second from 0.001 to 1000000, not '%s'"
int zc_parse_rate(const char *s, double *mbps);
/* A timeout: from 0.001 seconds to a day. */
int zc_parse_seconds(const char *s, double *sec);
#define ZC_CONNECT_TIMEOUT_S 5.0
/* How long a sender waits for zc-sink's answer, which comes as soon as it
 * has read the last byte: a receiver that never answers holds nobody. */
#define ZC_REPLY_WAIT_S 30

/*
 * Does a regular file of this size hold more? A file in /proc says it
 * holds 0 bytes: a sender that trusted it would send nothing, and the
 * receiver would agree. The message takes the path.
 */
bool zc_size_lies(int fd, uint64_t size);
#define ZC_SIZE_LIES_FMT \
	"'%s' says it holds 0 bytes but has content (a /proc or /sys file?); copy it to a regular file and send that"

#endif /* ZC_UNITS_H */
