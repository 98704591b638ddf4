/*
 * Whether a run's bytes got there whole, from what the two ends said: the
 * sender's summary and zc-sink's line held together, or, for a command,
 * zc-sink's against the file itself.
 */
#ifndef ZC_VERIFY_H
#define ZC_VERIFY_H

#include <stdbool.h>

/* Do the sender's and zc-sink's lines agree: bytes and checksum, or the
 * bytes alone where the sink never read them (*unread: --recv discard)? */
bool verify_lines(const char *sender, const char *sink, bool *unread);
/* Does zc-sink's line give the bytes and checksum of the file at path?
 * (a command says what it likes; the file is what it was to send) */
bool verify_file(const char *sink, const char *path, bool *unread);

#endif /* ZC_VERIFY_H */
