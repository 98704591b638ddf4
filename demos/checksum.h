/*
 * The checksum both ends compute: XXH64 (xxHash, 64 bits, seed 0), a
 * well-known non-cryptographic hash. It runs at memory speed, so that the
 * receiver's verification costs little next to the transfer it verifies.
 */
#ifndef ZC_CHECKSUM_H
#define ZC_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

struct zc_hash {
	uint64_t v[4];
	uint64_t total;
	unsigned char buf[32]; /* a stripe not complete yet */
	size_t nbuf;
};

void zc_hash_init(struct zc_hash *h);
void zc_hash_update(struct zc_hash *h, const void *data, size_t len);
uint64_t zc_hash_final(const struct zc_hash *h);

#endif /* ZC_CHECKSUM_H */
