/*
 * The demos' checksum is XXH64: known answers, and the same answer however
 * the data is split into updates (the sink sees whatever read() returns).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../demos/checksum.h"

static uint64_t once(const char *s)
{
	struct zc_hash h;

	zc_hash_init(&h);
	zc_hash_update(&h, s, strlen(s));
	return zc_hash_final(&h);
}

int main(void)
{
	static unsigned char data[100000];
	struct zc_hash a, b;
	int failed = 0, i;
	size_t off, n;

	failed |= once("") != 0xef46db3751d8e999ULL;
	failed |= once("abc") != 0x44bc2cf5ad770999ULL;
	failed |= once("Nobody inspects the spammish repetition") !=
		  0xfbcea83c8a378bf1ULL;
	srand(1);
	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = rand();
	zc_hash_init(&a);
	zc_hash_update(&a, data, sizeof(data));
	for (i = 0; i < 100; i++) {
		zc_hash_init(&b);
		for (off = 0; off < sizeof(data); off += n) {
			n = rand() % 97;
			if (n > sizeof(data) - off)
				n = sizeof(data) - off;
			zc_hash_update(&b, data + off, n);
		}
		failed |= zc_hash_final(&a) != zc_hash_final(&b);
	}
	printf("xxh64: %s\n", failed ? "FAILED" : "ok");
	return failed;
}
