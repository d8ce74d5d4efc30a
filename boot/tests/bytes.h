/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_TESTS_BYTES_H
#define MINIVMM_BOOT_TESTS_BYTES_H

#include <stddef.h>
#include <stdint.h>

/*
 * Little-endian reads and writes by byte offset: tests check the wire
 * layouts against the specs' offsets, never through boot/'s own structs.
 */
static inline uint64_t rd(const void *base, size_t off, unsigned int bytes)
{
	const uint8_t *p = (const uint8_t *)base + off;
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void wr(void *base, size_t off, uint64_t v, unsigned int bytes)
{
	uint8_t *p = (uint8_t *)base + off;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#define rd8(b, o)	rd(b, o, 1)
#define rd16(b, o)	rd(b, o, 2)
#define rd32(b, o)	rd(b, o, 4)
#define rd64(b, o)	rd(b, o, 8)

#endif
