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

#define ZC_SENT "sent"
#define ZC_RECEIVED "received"

/* "VERB N bytes xxh64=X" into buf; returns its length, like snprintf(). */
int zc_summary_format(char *buf, size_t len, const char *verb, uint64_t bytes,
		      uint64_t sum);
/* Finds "VERB N bytes xxh64=X" in line: 0, or -1 when it is not there. */
int zc_summary_parse(const char *line, const char *verb, uint64_t *bytes,
		     uint64_t *sum);

#endif /* ZC_SUMMARY_H */
