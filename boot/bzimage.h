/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_BZIMAGE_H
#define MINIVMM_BOOT_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A bzImage as the 64-bit boot protocol sees it
 * (Documentation/arch/x86/boot.rst): a real-mode setup part that minivmm
 * never runs, whose header describes the protected-mode kernel after it.
 */

#define BZIMAGE_MIN_VERSION	0x020c	/* 2.12: xloadflags */

struct bzimage_info {
	uint16_t version;		/* protocol, 0x020f is 2.15 */
	size_t setup_size;		/* (setup_sects + 1) * 512 */
	size_t header_end;		/* 0x202 + byte at 0x201 */
	size_t kernel_offset;		/* protected-mode kernel in the file */
	size_t kernel_size;		/* syssize * 16, or the rest */
	uint64_t pref_address;		/* where it wants to run */
	uint32_t init_size;		/* bytes it needs from there to boot */
	uint32_t kernel_alignment;
	uint8_t relocatable;
	uint16_t xloadflags;		/* XLF_* of boot/zero_page.h */
	uint32_t cmdline_size;		/* max length without the NUL */
	uint32_t initrd_addr_max;	/* highest byte an initrd may use */
};

/*
 * bzimage_parse - check that the @len bytes at @img are a bzImage minivmm
 * can boot with the 64-bit protocol, and describe it in @info.
 *
 * Returns 0, or -ENOEXEC with *@why (when @why is not NULL) set to a
 * static string saying what is wrong: not a bzImage (too short for a
 * setup header, no 0xAA55 boot flag or no "HdrS"), protocol older than
 * 2.12, no 64-bit entry point (XLF_KERNEL_64), truncated (setup header
 * shorter than 2.12's, file ending before the header or the protected-mode
 * kernel ends) or malformed (header longer than boot_params has room for).
 */
int bzimage_parse(const void *img, size_t len, struct bzimage_info *info,
		  const char **why);

#endif
