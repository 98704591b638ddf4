/*
 * What both ends of a transfer say of it, in the words every reader looks
 * for: "sent N bytes xxh64=X" in a sender's summary, "received N bytes
 * xxh64=X" in zc-sink's line and in the verdict it sends back. Written and
 * read here only (lab.sh and the tests read the same words).
 */
#ifndef ZC_SUMMARY_H
#define ZC_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

/* The checksum both ends compute: XXH64 (seed 0) from libxxhash, the same
 * as xxhsum -H1; its state kept on the stack (XXH64_state_t). */
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#define ZC_SENT "sent"
#define ZC_RECEIVED "received"

/* "VERB N bytes xxh64=X" into buf; returns its length, like snprintf(). */
int zc_summary_format(char *buf, size_t len, const char *verb, uint64_t bytes,
		      uint64_t sum);
/* Finds "VERB N bytes xxh64=X" in line: 0, or -1 when it is not there. */
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
