/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_TESTS_FAKE_BZIMAGE_H
#define MINIVMM_BOOT_TESTS_FAKE_BZIMAGE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"

/*
 * A synthetic bzImage shaped like Debian's 6.1 kernel (protocol 2.15,
 * xloadflags 0x7f, relocatable, 2 MiB alignment, pref_address 16 MiB,
 * cmdline_size 2047), with a small protected-mode part whose bytes count
 * up from 0 and, after it, a trailer like the signature of a signed
 * kernel (not counted in syssize, so not part of the kernel).
 */
#define FAKE_SETUP_SECTS	27
#define FAKE_SETUP_SIZE		((FAKE_SETUP_SECTS + 1) * 512)
#define FAKE_KERNEL_SIZE	(64 * 1024)
#define FAKE_TRAILER		1472
#define FAKE_LEN \
	(FAKE_SETUP_SIZE + FAKE_KERNEL_SIZE + FAKE_TRAILER)
#define FAKE_INIT_SIZE		(32u << 20)
#define FAKE_PREF_ADDRESS	(16u << 20)
#define FAKE_HEADER_END		0x26c	/* 2.15: jump byte 0x6a */

/* Offsets of the setup header fields, boot.rst. */
#define H_SETUP_SECTS		0x1f1
#define H_SYSSIZE		0x1f4
#define H_VID_MODE		0x1fa
#define H_BOOT_FLAG		0x1fe
#define H_JUMP			0x200
#define H_HEADER		0x202
#define H_VERSION		0x206
#define H_TYPE_OF_LOADER	0x210
#define H_LOADFLAGS		0x211
#define H_CODE32_START		0x214
#define H_RAMDISK_IMAGE		0x218
#define H_RAMDISK_SIZE		0x21c
#define H_HEAP_END_PTR		0x224
#define H_CMD_LINE_PTR		0x228
#define H_INITRD_ADDR_MAX	0x22c
#define H_KERNEL_ALIGNMENT	0x230
#define H_RELOCATABLE		0x234
#define H_XLOADFLAGS		0x236
#define H_CMDLINE_SIZE		0x238
#define H_PREF_ADDRESS		0x258
#define H_INIT_SIZE		0x260
#define H_KERNEL_INFO_OFFSET	0x268

static inline uint8_t *fake_bzimage(void)
{
	uint8_t *p = calloc(1, FAKE_LEN);
	size_t i;

	p[H_SETUP_SECTS] = FAKE_SETUP_SECTS;
	wr(p, H_SYSSIZE, FAKE_KERNEL_SIZE / 16, 4);
	wr(p, H_VID_MODE, 0xffff, 2);
	wr(p, H_BOOT_FLAG, 0xaa55, 2);
	p[H_JUMP] = 0xeb;		/* jmp short over the header, */
	p[H_JUMP + 1] = FAKE_HEADER_END - 0x202;	/* to its end */
	memcpy(p + H_HEADER, "HdrS", 4);
	wr(p, H_VERSION, 0x020f, 2);
	p[H_LOADFLAGS] = 0x01;		/* LOADED_HIGH */
	wr(p, H_CODE32_START, 0x100000, 4);
	wr(p, H_INITRD_ADDR_MAX, 0x7fffffff, 4);
	wr(p, H_KERNEL_ALIGNMENT, 2u << 20, 4);
	p[H_RELOCATABLE] = 1;
	wr(p, H_XLOADFLAGS, 0x7f, 2);
	wr(p, H_CMDLINE_SIZE, 2047, 4);
	wr(p, H_PREF_ADDRESS, FAKE_PREF_ADDRESS, 8);
	wr(p, H_INIT_SIZE, FAKE_INIT_SIZE, 4);
	wr(p, H_KERNEL_INFO_OFFSET, 0x12345678, 4);
	/* Something the setup code would have and the zero page must not. */
	p[0x1ef] = 0xff;
	for (i = 0; i < FAKE_KERNEL_SIZE; i++)
		p[FAKE_SETUP_SIZE + i] = (uint8_t)i;
	memset(p + FAKE_SETUP_SIZE + FAKE_KERNEL_SIZE, 0xee, FAKE_TRAILER);
	return p;
}

#endif
