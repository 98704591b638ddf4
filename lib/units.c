/*
 * Time, sizes, rates. See units.h.
 */
#include "units.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

uint64_t zc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void zc_print_rate(char *out, size_t outlen, uint64_t bytes, uint64_t ns)
{
	if (ns)
		snprintf(out, outlen, "%.1f ms (%.1f MB/s)", ns / 1e6,
			 bytes * 1e3 / ns);
	else
		snprintf(out, outlen, "0.0 ms");
}

double zc_cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* "4097", "64K", "1M", "2G": binary multiples, no sign, no overflow. */
int zc_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	}
	if (*end || (shift && v > (ULLONG_MAX >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

/* A finite decimal number from lo to hi; inf, nan and 1e309 are not. */
static int real_parse(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

int zc_parse_rate(const char *s, double *mbps)
{
	/* too slow a rate could not be paced: a sleep would overflow */
	return real_parse(s, ZC_RATE_MIN, ZC_RATE_MAX, mbps);
}

int zc_parse_seconds(const char *s, double *sec)
{
	return real_parse(s, 0.001, 86400, sec);
}

bool zc_size_lies(int fd, uint64_t size)
{
	char c;

	/* /proc and /sys files say 0 bytes, and read() returns their text */
	return size == 0 && pread(fd, &c, 1, 0) == 1;
}
