/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_BZIMAGE_H
#define MINIVMM_BOOT_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The parts of a bzImage's setup header (Documentation/arch/x86/boot.rst,
 * "The Real-Mode Kernel Header") that a 64-bit loader needs. Offsets are
 * from the start of the file, which is also the start of boot_params.
 */
#define BZ_SETUP_SECTS		0x1f1	/* u8, 0 means 4 */
#define BZ_BOOT_FLAG		0x1fe	/* u16, 0xAA55 */
#define BZ_JUMP			0x200	/* u16; byte 0x201 = header length - 2 */
#define BZ_HEADER		0x202	/* "HdrS" */
#define BZ_VERSION		0x206	/* u16, protocol version */
#define BZ_TYPE_OF_LOADER	0x210	/* u8 */
#define BZ_LOADFLAGS		0x211	/* u8 */
#define BZ_CODE32_START		0x214	/* u32 */
#define BZ_RAMDISK_IMAGE	0x218	/* u32 */
#define BZ_RAMDISK_SIZE		0x21c	/* u32 */
#define BZ_HEAP_END_PTR		0x224	/* u16 */
#define BZ_CMD_LINE_PTR		0x228	/* u32 */
#define BZ_INITRD_ADDR_MAX	0x22c	/* u32 */
#define BZ_KERNEL_ALIGNMENT	0x230	/* u32 */
#define BZ_RELOCATABLE		0x234	/* u8 */
#define BZ_XLOADFLAGS		0x236	/* u16 */
#define BZ_CMDLINE_SIZE		0x238	/* u32 */
#define BZ_PREF_ADDRESS		0x258	/* u64 */
#define BZ_INIT_SIZE		0x260	/* u32 */
#define BZ_HEADER_END_MIN	0x264	/* end of the 2.12 header fields we read */

#define BZ_MAGIC_HDRS		0x53726448	/* "HdrS" little endian */
#define BZ_BOOT_FLAG_MAGIC	0xaa55
#define BZ_LOADED_HIGH		0x01
#define BZ_CAN_USE_HEAP		0x80
#define BZ_XLF_KERNEL_64	0x0001
#define BZ_XLF_CAN_BE_LOADED_ABOVE_4G 0x0002
#define BZ_MIN_VERSION		0x020c	/* 2.12: xloadflags exist */

struct bzimage_info {
	uint16_t version;		/* 0x020f is 2.15 */
	uint32_t setup_size;		/* bytes before the protected-mode part */
	size_t kernel_offset;		/* = setup_size */
	size_t kernel_size;		/* the protected-mode kernel */
	size_t header_end;		/* end of the setup header in the file */
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t kernel_alignment;
	uint8_t relocatable;
	uint16_t xloadflags;
	uint32_t cmdline_size;		/* max length without the NUL */
	uint32_t initrd_addr_max;
};

/*
 * bzimage_parse - check that @img is a bzImage we can boot with the 64-bit
 * protocol and describe it.
 *
 * Returns 0, or -ENOEXEC with *@why (if @why is not NULL) pointing to a
 * static string: not a bzImage, protocol older than 2.12, no 64-bit entry
 * point, or truncated.
 */
int bzimage_parse(const void *img, size_t len, struct bzimage_info *info,
		  const char **why);

#endif
