/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PROTO_TESTS_BYTES_H
#define MINIVMM_PROTO_TESTS_BYTES_H

#include <stdint.h>
#include <string.h>

/* Little-endian wire access by byte offset (the test hosts are x86-64). */
static inline uint16_t rd16(const void *p, size_t off)
{
	const uint8_t *b = (const uint8_t *)p + off;

	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t rd32(const void *p, size_t off)
{
	return rd16(p, off) | (uint32_t)rd16(p, off + 2) << 16;
}

static inline uint64_t rd64(const void *p, size_t off)
{
	return rd32(p, off) | (uint64_t)rd32(p, off + 4) << 32;
}

static inline void wr16(void *p, size_t off, uint16_t v)
{
	uint8_t *b = (uint8_t *)p + off;

	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

static inline void wr32(void *p, size_t off, uint32_t v)
{
	wr16(p, off, (uint16_t)v);
	wr16(p, off + 2, (uint16_t)(v >> 16));
}

static inline void wr64(void *p, size_t off, uint64_t v)
{
	wr32(p, off, (uint32_t)v);
	wr32(p, off + 4, (uint32_t)(v >> 32));
}

#endif
