/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_TESTS_FAKE_BZIMAGE_H
#define MINIVMM_BOOT_TESTS_FAKE_BZIMAGE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * A synthetic bzImage shaped like Debian's 6.1 kernel (protocol 2.15,
 * xloadflags 0x7f, relocatable, 2 MiB alignment, pref_address 16 MiB),
 * with a small protected-mode part whose bytes count up from 0.
 */
#define FAKE_SETUP_SECTS	27
#define FAKE_SETUP_SIZE		((FAKE_SETUP_SECTS + 1) * 512)
#define FAKE_KERNEL_SIZE	(64 * 1024)
#define FAKE_LEN		(FAKE_SETUP_SIZE + FAKE_KERNEL_SIZE)
#define FAKE_INIT_SIZE		(32u << 20)

static inline void fake_put(uint8_t *p, size_t off, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t fake_get(const uint8_t *p, size_t off, int bytes)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v |= (uint64_t)p[off + i] << (8 * i);
	return v;
}

static inline uint8_t *fake_bzimage(void)
{
	uint8_t *p = calloc(1, FAKE_LEN);
	size_t i;

	p[0x1f1] = FAKE_SETUP_SECTS;
	fake_put(p, 0x1fe, 0xaa55, 2);
	p[0x200] = 0xeb;		/* jmp over the header... */
	p[0x201] = 0x6a;		/* ...to 0x26c, as 2.15 does */
	memcpy(p + 0x202, "HdrS", 4);
	fake_put(p, 0x206, 0x020f, 2);
	p[0x211] = 0x01;		/* LOADED_HIGH */
	fake_put(p, 0x214, 0x100000, 4);
	fake_put(p, 0x22c, 0x7fffffff, 4);
	fake_put(p, 0x230, 2u << 20, 4);
	p[0x234] = 1;
	fake_put(p, 0x236, 0x7f, 2);
	fake_put(p, 0x238, 2047, 4);
	fake_put(p, 0x258, 16u << 20, 8);
	fake_put(p, 0x260, FAKE_INIT_SIZE, 4);
	for (i = 0; i < FAKE_KERNEL_SIZE; i++)
		p[FAKE_SETUP_SIZE + i] = (uint8_t)i;
	return p;
}

#endif
