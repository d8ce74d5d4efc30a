// SPDX-License-Identifier: GPL-2.0-only
#include "boot/bzimage.h"

#include <errno.h>
#include <string.h>

#include "boot/le.h"

static int reject(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -ENOEXEC;
}

int bzimage_parse(const void *img, size_t len, struct bzimage_info *info,
		  const char **why)
{
	const uint8_t *p = img;
	unsigned int setup_sects;

	if (len < BZ_HEADER + 4 || le32(p + BZ_HEADER) != BZ_MAGIC_HDRS ||
	    le16(p + BZ_BOOT_FLAG) != BZ_BOOT_FLAG_MAGIC)
		return reject(why, "not a bzImage (no HdrS header)");

	memset(info, 0, sizeof(*info));
	info->version = le16(p + BZ_VERSION);
	if (info->version < BZ_MIN_VERSION)
		return reject(why, "boot protocol older than 2.12 (no 64-bit boot)");
	/* The header's own length: a short jump at 0x200 skips over it. */
	info->header_end = BZ_HEADER + p[BZ_JUMP + 1];
	if (len < BZ_HEADER_END_MIN || info->header_end < BZ_HEADER_END_MIN)
		return reject(why, "truncated bzImage header");
	info->xloadflags = le16(p + BZ_XLOADFLAGS);
	if (!(info->xloadflags & BZ_XLF_KERNEL_64))
		return reject(why, "kernel has no 64-bit entry point (XLF_KERNEL_64)");

	setup_sects = p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4;
	info->setup_size = (setup_sects + 1) * 512;
	info->kernel_offset = info->setup_size;
	if (info->header_end > info->setup_size || len <= info->setup_size)
		return reject(why, "truncated bzImage (no protected-mode kernel)");
	info->kernel_size = len - info->setup_size;

	info->pref_address = le64(p + BZ_PREF_ADDRESS);
	info->init_size = le32(p + BZ_INIT_SIZE);
	info->kernel_alignment = le32(p + BZ_KERNEL_ALIGNMENT);
	info->relocatable = p[BZ_RELOCATABLE];
	info->cmdline_size = le32(p + BZ_CMDLINE_SIZE);
	info->initrd_addr_max = le32(p + BZ_INITRD_ADDR_MAX);
	return 0;
}
