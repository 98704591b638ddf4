/*
 * What both ends of a transfer say of it, in the words every reader looks
 * for: "sent N bytes xxh3=X" in a sender's summary, "received N bytes
 * xxh3=X" in zc-sink's line and in the verdict it sends back. Written and
 * read here only (lab.sh and the tests read the same words).
 */
#ifndef ZC_SUMMARY_H
#define ZC_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

/*
 * The checksum both ends compute, and zcviz of the file: XXH3's 64-bit hash
 * (seed 0) from libxxhash, the same as xxhsum -H3. It is four times as fast
 * as XXH64 here, and the receiver computes it on the transfer's path. Its
 * state is kept where its user likes (XXH_STATIC_LINKING_ONLY).
 */
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#define ZC_SUM_WORD "xxh3" /* in "N bytes xxh3=X" */

typedef XXH3_state_t zc_sum_state;

static inline void zc_sum_reset(zc_sum_state *s)
{
	XXH3_INITSTATE(s);
	XXH3_64bits_reset(s);
}

static inline void zc_sum_update(zc_sum_state *s, const void *buf, size_t n)
{
	XXH3_64bits_update(s, buf, n);
}

static inline uint64_t zc_sum_digest(const zc_sum_state *s)
{
	return XXH3_64bits_digest(s);
}

/* The same, of len bytes at once. */
static inline uint64_t zc_sum_of(const void *buf, size_t len)
{
	return XXH3_64bits(buf, len);
}

#define ZC_SENT "sent"
#define ZC_RECEIVED "received"

/*
 * A receiver that never read the bytes (zc-sink --recv discard) knows
 * their count, not their checksum: "received N bytes unread".
 */
#define ZC_UNREAD "unread"

/* "VERB N bytes xxh3=X" into buf; returns its length, like snprintf(). */
int zc_summary_format(char *buf, size_t len, const char *verb, uint64_t bytes,
		      uint64_t sum);
/* "VERB N bytes unread" */
int zc_summary_format_unread(char *buf, size_t len, const char *verb,
			     uint64_t bytes);
/* Finds "VERB N bytes xxh3=X" in line: 0; "VERB N bytes unread": 1, with
 * *bytes only; -1 when neither is there. */
int zc_summary_parse(const char *line, const char *verb, uint64_t *bytes,
		     uint64_t *sum);

/*
 * The kernel's answers to zero-copy sends (MSG_ZEROCOPY's completions on
 * the error queue, io_uring's notifications), as a sender relays them in
 * its summary: "completions N: zero copy Z bytes, copied C bytes, ENOBUFS
 * E, fallback F bytes". zcviz reads them back from that line.
 */
#define ZC_COMPLETIONS "completions"

struct zc_completions {
	uint64_t notes; /* answers: a range of sends each, or one request */
	uint64_t zc_bytes; /* of the sends the kernel says it did not copy */
	uint64_t copied_bytes; /* ... and of those it copied after all */
	uint64_t nobufs; /* sends refused with ENOBUFS, then retried */
	/* sent with a plain copy: ENOBUFS with nothing left to wait for */
	uint64_t fallback_bytes;
};

int zc_completions_format(char *buf, size_t len,
			  const struct zc_completions *c);
/* 0, or -1 when line has no completions (not a zero-copy sender). */
int zc_completions_parse(const char *line, struct zc_completions *c);

#endif /* ZC_SUMMARY_H */
