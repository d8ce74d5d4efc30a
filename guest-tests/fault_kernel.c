// SPDX-License-Identifier: GPL-2.0-only
/*
 * fault-kernel OUT: write a tiny bzImage whose 64-bit entry makes KVM fail.
 *
 * Guest tests use it to see what a user sees when a guest does something
 * KVM cannot handle: minivmm must name the reason, print the vCPU's
 * registers, exit non-zero and leave the terminal as it found it.
 *
 * The kernel enables SSE and runs "pcmpeqb (%rax),%xmm0" on an address in
 * the 32-bit MMIO hole that no device claims. The access exits to KVM as
 * MMIO, and KVM's instruction emulator has no PCMPEQB, so KVM_RUN returns
 * KVM_EXIT_INTERNAL_ERROR with suberror KVM_INTERNAL_ERROR_EMULATION
 * (arch/x86/kvm/x86.c, handle_emulation_failure(), at CPL 0).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "boot/zero_page.h"

#define FAULT_SETUP_SECTS	1
#define FAULT_KERNEL_SIZE	1024	/* 32-bit entry at 0, 64-bit at 0x200 */
#define FAULT_ADDR		0xd0000000u	/* in the hole, never a BAR here */

/* 64-bit entry: registers a test can recognise, then the failing access. */
static const unsigned char entry64[] = {
	0x0f, 0x20, 0xe0,			/* mov %cr4,%rax */
	0x48, 0x0d, 0x00, 0x06, 0x00, 0x00,	/* or $0x600,%rax (OSFXSR|OSXMMEXCPT) */
	0x0f, 0x22, 0xe0,			/* mov %rax,%cr4 */
	0x48, 0xbb, 0x0d, 0xf0, 0xad, 0xba,	/* movabs $0xbaadf00d,%rbx */
	0x00, 0x00, 0x00, 0x00,
	0xb8, 0x00, 0x00, 0x00, 0xd0,		/* mov $FAULT_ADDR,%eax */
	0x66, 0x0f, 0x74, 0x00,			/* pcmpeqb (%rax),%xmm0 */
	0xf4,					/* hlt (not reached) */
	0xeb, 0xfd,				/* jmp to the hlt */
};

int main(int argc, char **argv)
{
	static unsigned char img[(FAULT_SETUP_SECTS + 1) * SETUP_SECTOR_SIZE +
				 FAULT_KERNEL_SIZE];
	unsigned char *kernel = img + (FAULT_SETUP_SECTS + 1) * SETUP_SECTOR_SIZE;
	struct setup_header h;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: fault-kernel OUT\n");
		return 2;
	}

	memset(&h, 0, sizeof(h));
	h.setup_sects = FAULT_SETUP_SECTS;
	h.syssize = FAULT_KERNEL_SIZE / 16;
	h.boot_flag = SETUP_BOOT_FLAG;
	h.header = SETUP_HDRS;
	h.version = 0x020f;
	h.initrd_addr_max = 0x7fffffff;
	h.kernel_alignment = 0x200000;
	h.relocatable_kernel = 1;
	h.xloadflags = XLF_KERNEL_64;
	h.cmdline_size = 2047;
	h.pref_address = 0x1000000;
	h.init_size = 0x100000;
	memcpy(img + SETUP_HEADER_OFFSET, &h, sizeof(h));
	/* boot.rst: the header ends at 0x202 plus the byte at 0x201. */
	img[0x201] = SETUP_HEADER_OFFSET + sizeof(h) - 0x202;

	memset(kernel, 0xf4, FAULT_KERNEL_SIZE);	/* hlt everywhere else */
	memcpy(kernel + 0x200, entry64, sizeof(entry64));
	_Static_assert(0x200 + sizeof(entry64) <= FAULT_KERNEL_SIZE, "entry64");

	f = fopen(argv[1], "wb");
	if (!f || fwrite(img, sizeof(img), 1, f) != 1 || fclose(f) != 0) {
		fprintf(stderr, "fault-kernel: cannot write '%s': %s\n",
			argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
