/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_ZERO_PAGE_H
#define MINIVMM_BOOT_ZERO_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "boot/e820.h"

/*
 * The Linux/x86 boot protocol's wire layouts, as Documentation/arch/x86/
 * boot.rst ("The Real-Mode Kernel Header") and zero-page.rst define them:
 * the setup header, found at 0x1f1 both in a bzImage file and in struct
 * boot_params (the "zero page"), and the zero page fields boot/ fills in.
 * Field names are boot.rst's. All little endian: x86 guests on x86 hosts.
 * Internal to boot/: nothing outside it needs these layouts.
 */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "boot structures are little endian, so must the host be");

#define SETUP_HEADER_OFFSET	0x1f1
#define SETUP_SECTOR_SIZE	512
#define SETUP_BOOT_FLAG		0xaa55
#define SETUP_HDRS		0x53726448	/* "HdrS" */
/* boot.rst: the header ends at 0x202 + the byte at 0x201 (jump offset). */
#define SETUP_HEADER_END(p)	(0x202 + ((const uint8_t *)(p))[0x201])

/* loadflags */
#define LOADED_HIGH		0x01
#define CAN_USE_HEAP		0x80
/* xloadflags (protocol 2.12+) */
#define XLF_KERNEL_64			0x0001	/* 64-bit entry at +0x200 */
#define XLF_CAN_BE_LOADED_ABOVE_4G	0x0002

struct setup_header {
	uint8_t setup_sects;		/* 0x1f1, 0 means 4 */
	uint16_t root_flags;
	uint32_t syssize;		/* protected-mode size in 16 B units */
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag;		/* 0x1fe, 0xaa55 */
	uint16_t jump;			/* 0x200 */
	uint32_t header;		/* 0x202, "HdrS" */
	uint16_t version;		/* 0x206 */
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;		/* 0x210 */
	uint8_t loadflags;		/* 0x211 */
	uint16_t setup_move_size;
	uint32_t code32_start;		/* 0x214 */
	uint32_t ramdisk_image;		/* 0x218 */
	uint32_t ramdisk_size;		/* 0x21c */
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;		/* 0x224 */
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;		/* 0x228 */
	uint32_t initrd_addr_max;	/* 0x22c */
	uint32_t kernel_alignment;	/* 0x230 */
	uint8_t relocatable_kernel;	/* 0x234 */
	uint8_t min_alignment;
	uint16_t xloadflags;		/* 0x236, 2.12+ */
	uint32_t cmdline_size;		/* 0x238 */
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;
	uint32_t payload_length;
	uint64_t setup_data;
	uint64_t pref_address;		/* 0x258 */
	uint32_t init_size;		/* 0x260 */
	uint32_t handover_offset;	/* 0x264 */
	uint32_t kernel_info_offset;	/* 0x268, 2.15+ */
} __attribute__((packed));

#define SH_OFF(f) (SETUP_HEADER_OFFSET + offsetof(struct setup_header, f))
_Static_assert(SH_OFF(boot_flag) == 0x1fe, "boot_flag");
_Static_assert(SH_OFF(header) == 0x202, "header");
_Static_assert(SH_OFF(version) == 0x206, "version");
_Static_assert(SH_OFF(type_of_loader) == 0x210, "type_of_loader");
_Static_assert(SH_OFF(code32_start) == 0x214, "code32_start");
_Static_assert(SH_OFF(ramdisk_image) == 0x218, "ramdisk_image");
_Static_assert(SH_OFF(heap_end_ptr) == 0x224, "heap_end_ptr");
_Static_assert(SH_OFF(cmd_line_ptr) == 0x228, "cmd_line_ptr");
_Static_assert(SH_OFF(initrd_addr_max) == 0x22c, "initrd_addr_max");
_Static_assert(SH_OFF(kernel_alignment) == 0x230, "kernel_alignment");
_Static_assert(SH_OFF(relocatable_kernel) == 0x234, "relocatable_kernel");
_Static_assert(SH_OFF(xloadflags) == 0x236, "xloadflags");
_Static_assert(SH_OFF(cmdline_size) == 0x238, "cmdline_size");
_Static_assert(SH_OFF(pref_address) == 0x258, "pref_address");
_Static_assert(SH_OFF(init_size) == 0x260, "init_size");
_Static_assert(SH_OFF(kernel_info_offset) == 0x268, "kernel_info_offset");
_Static_assert(sizeof(struct setup_header) == 0x26c - 0x1f1, "setup_header");

/* The end of the 2.12 header fields boot/ reads (init_size, 2.10+). */
#define SETUP_HEADER_END_MIN	(SH_OFF(init_size) + 4)

/*
 * struct boot_params, 4 KiB. Only what boot/ writes is named; the rest is
 * left zero, as boot.rst asks ("initialized to all zero").
 */
#define ZERO_PAGE_SIZE		4096
#define ZERO_PAGE_HDR_MAX	0x290	/* edd_mbr_sig_buffer follows */

struct zero_page {
	uint8_t pad0[0x0c0];
	uint32_t ext_ramdisk_image;	/* 0x0c0, ramdisk_image bits 63:32 */
	uint32_t ext_ramdisk_size;	/* 0x0c4 */
	uint32_t ext_cmd_line_ptr;	/* 0x0c8 */
	uint8_t pad1[0x1e8 - 0x0cc];
	uint8_t e820_entries;		/* 0x1e8 */
	uint8_t pad2[0x1ef - 0x1e9];
	uint8_t sentinel;		/* 0x1ef, must stay 0 */
	uint8_t pad3[0x1f1 - 0x1f0];
	struct setup_header hdr;	/* 0x1f1 */
	uint8_t pad4[0x2d0 - 0x26c];
	struct e820_entry e820_table[E820_MAX_ENTRIES];	/* 0x2d0 */
	uint8_t pad5[ZERO_PAGE_SIZE - 0xcd0];
} __attribute__((packed));

#define ZP_OFF(f) offsetof(struct zero_page, f)
_Static_assert(ZP_OFF(ext_ramdisk_image) == 0x0c0, "ext_ramdisk_image");
_Static_assert(ZP_OFF(ext_ramdisk_size) == 0x0c4, "ext_ramdisk_size");
_Static_assert(ZP_OFF(ext_cmd_line_ptr) == 0x0c8, "ext_cmd_line_ptr");
_Static_assert(ZP_OFF(e820_entries) == 0x1e8, "e820_entries");
_Static_assert(ZP_OFF(sentinel) == 0x1ef, "sentinel");
_Static_assert(ZP_OFF(hdr) == SETUP_HEADER_OFFSET, "hdr");
_Static_assert(ZP_OFF(e820_table) == 0x2d0, "e820_table");
_Static_assert(sizeof(struct zero_page) == ZERO_PAGE_SIZE, "boot_params");

#endif
