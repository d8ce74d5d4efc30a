/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_X86_LAYOUT_H
#define MINIVMM_BOOT_X86_LAYOUT_H

/*
 * Every guest-visible address and port of minivmm's x86-64 machine, defined
 * once. Guest RAM starts at 0; a 32-bit MMIO hole sits below 4 GiB and RAM
 * continues above it.
 */

/* Low memory, below 1 MiB, written by boot/ before the first instruction. */
#define X86_GDT_ADDR		0x00000500ull	/* boot GDT (4 entries) */
#define X86_ZERO_PAGE_ADDR	0x00007000ull	/* struct boot_params */
#define X86_PML4_ADDR		0x00009000ull	/* identity page tables: */
#define X86_PDPT_ADDR		0x0000a000ull	/*   1 PML4, 1 PDPT and */
#define X86_PD_ADDR		0x0000b000ull	/*   4 PDs of 2 MiB pages */
#define X86_PD_COUNT		4		/*   = the first 4 GiB */
#define X86_CMDLINE_ADDR	0x00020000ull	/* kernel command line */
#define X86_CMDLINE_MAX		2048		/* bytes, with the NUL */

/*
 * Legacy BIOS areas Linux knows: the EBDA (last KiB of the 640 KiB of
 * base memory) up to 1 MiB is reserved in e820. The MP table lives in the
 * BIOS ROM area, where Linux's smp_scan_config() looks for it.
 */
#define X86_EBDA_START		0x0009fc00ull
#define X86_BIOS_END		0x00100000ull
#define X86_MPTABLE_ADDR	0x000f0000ull
#define X86_MPTABLE_MAX		0x00010000ull

/* Where a non-relocatable kernel must go (boot.rst: code32_start). */
#define X86_KERNEL_DEFAULT_ADDR	0x00100000ull

/*
 * The 32-bit MMIO hole: PCI memory BARs below 4 GiB, then the IOAPIC and
 * the local APICs at their architectural addresses; the top 16 MiB are
 * left alone (KVM's TSS and identity map pages sit there, where a BIOS
 * would be).
 */
#define X86_MMIO_HOLE_START	0xc0000000ull
#define X86_MMIO_HOLE_END	0x100000000ull
#define X86_PCI_MMIO32_START	0xc0000000ull
#define X86_PCI_MMIO32_END	0xfec00000ull	/* exclusive */
#define X86_IOAPIC_ADDR		0xfec00000ull
#define X86_LAPIC_ADDR		0xfee00000ull
#define X86_KVM_IDENTITY_MAP_ADDR 0xfffbc000ull	/* 1 page, Intel only */
#define X86_KVM_TSS_ADDR	0xfffbd000ull	/* 3 pages, Intel only */
#define X86_HIGH_RAM_START	0x100000000ull

#define X86_MIN_RAM		(64ull << 20)
#define X86_MAX_RAM		(1ull << 40)

/* Interrupts: ISA IRQ n is IOAPIC pin n (KVM's default GSI routing). */
#define X86_IOAPIC_PINS		24
#define X86_IRQ_COM1		4

/* I/O ports. */
#define X86_PORT_I8042_DATA	0x0060	/* 0x60-0x64; 0x64 is command */
#define X86_PORT_CMOS_INDEX	0x0070	/* 0x70 index, 0x71 data */
#define X86_PORT_POST		0x0080	/* POST codes, Linux's io_delay */
#define X86_PORT_COM1		0x03f8	/* 8250 UART, 8 ports */
#define X86_PORT_TEST_EXIT	0x0500	/* 4 ports: written value = exit status */
#define X86_PORT_BOOT_TIMING	0x0504	/* 4 ports: writes are timestamped */
#define X86_PORT_PCI_CONF1_ADDR	0x0cf8	/* PCI configuration mechanism #1 */
#define X86_PORT_PCI_CONF1_DATA	0x0cfc

#endif
