// SPDX-License-Identifier: GPL-2.0-only
#include "boot/bzimage.h"

#include <errno.h>
#include <string.h>

#include "boot/zero_page.h"

/* Protocols that have "HdrS" but are too old for the 64-bit entry. */
static const char *const too_old[] = {
	"boot protocol 2.00 is older than 2.12",
	"boot protocol 2.01 is older than 2.12",
	"boot protocol 2.02 is older than 2.12",
	"boot protocol 2.03 is older than 2.12",
	"boot protocol 2.04 is older than 2.12",
	"boot protocol 2.05 is older than 2.12",
	"boot protocol 2.06 is older than 2.12",
	"boot protocol 2.07 is older than 2.12",
	"boot protocol 2.08 is older than 2.12",
	"boot protocol 2.09 is older than 2.12",
	"boot protocol 2.10 is older than 2.12",
	"boot protocol 2.11 is older than 2.12",
};

static int reject(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -ENOEXEC;
}

static const char *version_reason(uint16_t version)
{
	if (version >= 0x0200 && version - 0x0200 < 12)
		return too_old[version - 0x0200];
	return "boot protocol older than 2.12";
}

int bzimage_parse(const void *img, size_t len, struct bzimage_info *info,
		  const char **why)
{
	const uint8_t *p = img;
	struct setup_header h;
	unsigned int sects;
	size_t end, sys;

	/* The fixed part of the header, up to "HdrS" and the version. */
	if (len < SH_OFF(version) + 2)
		return reject(why, "not a bzImage (too short for a setup header)");
	memset(&h, 0, sizeof(h));
	memcpy(&h, p + SETUP_HEADER_OFFSET, SH_OFF(version) + 2 -
	       SETUP_HEADER_OFFSET);
	if (h.boot_flag != SETUP_BOOT_FLAG || h.header != SETUP_HDRS)
		return reject(why, "not a bzImage (no HdrS header)");
	if (h.version < BZIMAGE_MIN_VERSION)
		return reject(why, version_reason(h.version));

	/*
	 * The header says how long it is. It must hold the 2.12 fields we
	 * read, fit in the file, and fit in the room boot_params has for it
	 * (boot.rst, "The kernel_info": 0x1f1 up to edd_mbr_sig_buffer).
	 */
	end = SETUP_HEADER_END(p);
	if (end < SETUP_HEADER_END_MIN)
		return reject(why, "truncated setup header (shorter than protocol 2.12's)");
	if (end > ZERO_PAGE_HDR_MAX)
		return reject(why, "malformed bzImage (setup header longer than boot_params allows)");
	if (len < end)
		return reject(why, "truncated bzImage (file ends inside the setup header)");
	memcpy(&h, p + SETUP_HEADER_OFFSET,
	       end - SETUP_HEADER_OFFSET < sizeof(h) ?
	       end - SETUP_HEADER_OFFSET : sizeof(h));

	if (!(h.xloadflags & XLF_KERNEL_64))
		return reject(why, "kernel has no 64-bit entry point (XLF_KERNEL_64)");

	/* boot.rst: setup_sects 0 means 4; the boot sector comes first. */
	sects = h.setup_sects ? h.setup_sects : 4;
	memset(info, 0, sizeof(*info));
	info->version = h.version;
	info->header_end = end;
	info->setup_size = (size_t)(sects + 1) * SETUP_SECTOR_SIZE;
	info->kernel_offset = info->setup_size;
	if (len <= info->setup_size)
		return reject(why, "truncated bzImage (no protected-mode kernel)");
	/*
	 * syssize (4 bytes since 2.04) is the protected-mode size; anything
	 * after it (a signature) is not part of the kernel.
	 */
	sys = (size_t)h.syssize * 16;
	if (sys > len - info->setup_size)
		return reject(why, "truncated bzImage (protected-mode kernel shorter than syssize)");
	info->kernel_size = sys ? sys : len - info->setup_size;

	info->pref_address = h.pref_address;
	info->init_size = h.init_size;
	info->kernel_alignment = h.kernel_alignment;
	info->relocatable = h.relocatable_kernel;
	info->xloadflags = h.xloadflags;
	info->cmdline_size = h.cmdline_size;
	info->initrd_addr_max = h.initrd_addr_max;
	return 0;
}
