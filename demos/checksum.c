/*
 * XXH64, written from its published specification: four lanes consume
 * 32-byte stripes; what is left over is mixed in at the end.
 */
#include "checksum.h"

#include <string.h>

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

static inline uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t read64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v)); /* little-endian machines only */
	return v;
}

static inline uint64_t lane(uint64_t acc, uint64_t in)
{
	return rotl(acc + in * P2, 31) * P1;
}

static inline uint64_t merge(uint64_t acc, uint64_t v)
{
	return (acc ^ lane(0, v)) * P1 + P4;
}

void zc_hash_init(struct zc_hash *h)
{
	memset(h, 0, sizeof(*h));
	h->v[0] = P1 + P2;
	h->v[1] = P2;
	h->v[2] = 0;
	h->v[3] = -P1;
}

static void stripe(struct zc_hash *h, const unsigned char *p)
{
	h->v[0] = lane(h->v[0], read64(p));
	h->v[1] = lane(h->v[1], read64(p + 8));
	h->v[2] = lane(h->v[2], read64(p + 16));
	h->v[3] = lane(h->v[3], read64(p + 24));
}

void zc_hash_update(struct zc_hash *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t take;

	h->total += len;
	if (h->nbuf) {
		take = 32 - h->nbuf < len ? 32 - h->nbuf : len;
		memcpy(h->buf + h->nbuf, p, take);
		h->nbuf += take;
		p += take;
		len -= take;
		if (h->nbuf < 32)
			return;
		stripe(h, h->buf);
		h->nbuf = 0;
	}
	for (; len >= 32; p += 32, len -= 32)
		stripe(h, p);
	memcpy(h->buf, p, len);
	h->nbuf = len;
}

uint64_t zc_hash_final(const struct zc_hash *h)
{
	const unsigned char *p = h->buf, *end = h->buf + h->nbuf;
	uint64_t acc;
	uint32_t w;

	if (h->total >= 32) {
		acc = rotl(h->v[0], 1) + rotl(h->v[1], 7) + rotl(h->v[2], 12) +
		      rotl(h->v[3], 18);
		for (int i = 0; i < 4; i++)
			acc = merge(acc, h->v[i]);
	} else {
		acc = P5;
	}
	acc += h->total;
	for (; p + 8 <= end; p += 8)
		acc = rotl(acc ^ lane(0, read64(p)), 27) * P1 + P4;
	if (p + 4 <= end) {
		memcpy(&w, p, sizeof(w));
		acc = rotl(acc ^ (uint64_t)w * P1, 23) * P2 + P3;
		p += 4;
	}
	for (; p < end; p++)
		acc = rotl(acc ^ *p * P5, 11) * P1;
	acc ^= acc >> 33;
	acc *= P2;
	acc ^= acc >> 29;
	acc *= P3;
	return acc ^ (acc >> 32);
}
