// SPDX-License-Identifier: GPL-2.0-only
/*
 * fault-kernel emulation|triple-fault OUT: write a tiny bzImage whose 64-bit
 * entry ends the VM in one of two ways a real guest can.
 *
 * Guest tests use them to check what a user sees on those paths.
 *
 * emulation: the kernel enables SSE and runs "pcmpeqb (%rax),%xmm0" on an
 * address in the 32-bit MMIO hole that no device claims. The access exits
 * to KVM as MMIO, and KVM's instruction emulator has no PCMPEQB, so KVM_RUN
 * returns KVM_EXIT_INTERNAL_ERROR with suberror KVM_INTERNAL_ERROR_EMULATION
 * (arch/x86/kvm/x86.c, handle_emulation_failure(), at CPL 0). minivmm must
 * name the reason, print the vCPU's registers and exit 1.
 *
 * triple-fault: the kernel loads an empty IDT and runs ud2; #UD finds no
 * gate, nor does the #GP and #DF after it, so the CPU shuts down
 * (KVM_EXIT_SHUTDOWN). That is how a PC resets, so minivmm must exit 0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "boot/zero_page.h"

#define FAULT_SETUP_SECTS	1
#define FAULT_KERNEL_SIZE	1024	/* 32-bit entry at 0, 64-bit at 0x200 */
#define FAULT_ADDR		0xd0000000u	/* in the hole, never a BAR here */

/* 64-bit entry: registers a test can recognise, then the failing access. */
static const unsigned char emulation_entry[] = {
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

/* The empty IDT's descriptor sits at +0x300, zeroed by main(). */
#define FAULT_IDTR		0x300
static const unsigned char triple_fault_entry[] = {
	0x0f, 0x01, 0x1d, FAULT_IDTR - 0x207, 0x00, 0x00, 0x00,
						/* lidt FAULT_IDTR(%rip) */
	0x0f, 0x0b,				/* ud2 */
	0xf4,					/* hlt (not reached) */
	0xeb, 0xfd,				/* jmp to the hlt */
};

int main(int argc, char **argv)
{
	static unsigned char img[(FAULT_SETUP_SECTS + 1) * SETUP_SECTOR_SIZE +
				 FAULT_KERNEL_SIZE];
	unsigned char *kernel = img + (FAULT_SETUP_SECTS + 1) * SETUP_SECTOR_SIZE;
	const unsigned char *entry;
	struct setup_header h;
	size_t entry_len;
	FILE *f;

	if (argc == 3 && !strcmp(argv[1], "emulation")) {
		entry = emulation_entry;
		entry_len = sizeof(emulation_entry);
	} else if (argc == 3 && !strcmp(argv[1], "triple-fault")) {
		entry = triple_fault_entry;
		entry_len = sizeof(triple_fault_entry);
	} else {
		fprintf(stderr, "usage: fault-kernel emulation|triple-fault OUT\n");
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
	memset(kernel + FAULT_IDTR, 0, 10);		/* limit 0, base 0 */
	memcpy(kernel + 0x200, entry, entry_len);
	_Static_assert(0x200 + sizeof(emulation_entry) <= FAULT_IDTR, "entry");
	_Static_assert(0x200 + sizeof(triple_fault_entry) <= FAULT_IDTR, "entry");

	f = fopen(argv[2], "wb");
	if (!f || fwrite(img, sizeof(img), 1, f) != 1 || fclose(f) != 0) {
		fprintf(stderr, "fault-kernel: cannot write '%s': %s\n",
			argv[2], strerror(errno));
		return 1;
	}
	return 0;
}
