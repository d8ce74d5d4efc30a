/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_X86_LAYOUT_H
#define MINIVMM_BOOT_X86_LAYOUT_H

/*
 * Every guest-physical address of minivmm's x86-64 machine, defined once.
 *
 * Guest RAM starts at 0 and runs up to the 32-bit MMIO hole; whatever does
 * not fit below the hole continues at 4 GiB. There is no BIOS: boot/ writes
 * everything the kernel expects to find in the first MiB before the first
 * instruction runs.
 */

/*
 * The first MiB, as boot/ fills it (boot.rst, "Memory Layout": the loader
 * should stay out of the EBDA and the BIOS area).
 */

/* Boot GDT: null, unused, __BOOT_CS 0x10, __BOOT_DS 0x18. */
#define X86_GDT_ADDR		0x00000500ull
#define X86_GDT_ENTRIES		4
/* The zero page: struct boot_params, 4 KiB. */
#define X86_ZERO_PAGE_ADDR	0x00007000ull
/*
 * Identity page tables for the first 4 GiB: one PML4, one PDPT, then
 * X86_PD_COUNT page directories of 2 MiB pages (0xb000-0xefff).
 */
#define X86_PML4_ADDR		0x00009000ull
#define X86_PDPT_ADDR		0x0000a000ull
#define X86_PD_ADDR		0x0000b000ull
#define X86_PD_COUNT		4
/* Kernel command line; its buffer holds X86_CMDLINE_MAX bytes with NUL. */
#define X86_CMDLINE_ADDR	0x00020000ull
#define X86_CMDLINE_MAX		2048

/*
 * The Extended BIOS Data Area (the last KiB of the 640 KiB of base memory),
 * the VGA hole and the BIOS ROM area up to 1 MiB: reserved in e820. The MP
 * table lives in the BIOS area, where Linux's smp_scan_config() looks.
 */
#define X86_EBDA_START		0x0009fc00ull
#define X86_BIOS_END		0x00100000ull	/* exclusive */
#define X86_MPTABLE_ADDR	0x000f0000ull	/* MP floating pointer, table */
#define X86_MPTABLE_END		X86_BIOS_END	/* exclusive */

/* Where a bzImage goes when it is not relocatable (boot.rst: 0x100000). */
#define X86_KERNEL_DEFAULT_ADDR	0x00100000ull

/*
 * The 32-bit MMIO hole [3 GiB, 4 GiB): no RAM there. PCI memory BARs below
 * 4 GiB come from the 32-bit window; the IOAPIC and the local APICs sit at
 * their architectural addresses; the rest of the top 20 MiB is left as a
 * BIOS would leave it (KVM's TSS and identity-map pages live there).
 */
#define X86_MMIO_HOLE_START	0xc0000000ull
#define X86_MMIO_HOLE_END	0x100000000ull	/* exclusive */
#define X86_PCI_MMIO32_START	0xc0000000ull
#define X86_PCI_MMIO32_END	0xfec00000ull	/* exclusive */
#define X86_IOAPIC_ADDR		0xfec00000ull	/* one IOAPIC, 4 KiB */
#define X86_LAPIC_ADDR		0xfee00000ull	/* local APICs, 4 KiB */
#define X86_KVM_IDENTITY_MAP_ADDR 0xfffbc000ull	/* 1 page, Intel VMX only */
#define X86_KVM_TSS_ADDR	0xfffbd000ull	/* 3 pages, Intel VMX only */

/*
 * 64-bit PCI BARs go to a window just above the end of RAM (and above
 * 4 GiB), aligned to 1 GiB: low enough to stay inside the guest's
 * physical address width (QEMU's TCG CPUs have 40 bits), large enough
 * for several devices with large prefetchable BARs.
 */
#define X86_PCI_MMIO64_ALIGN	(1ull << 30)
#define X86_PCI_MMIO64_SIZE	(64ull << 30)

/* PCI I/O BARs: the upper quarter of the 64 KiB port space, as on a PC. */
#define X86_PCI_PIO_START	0xc000ull
#define X86_PCI_PIO_END		0x10000ull	/* exclusive */

/* RAM that does not fit below the hole continues here. */
#define X86_HIGH_RAM_START	0x100000000ull

/*
 * Guest RAM size limits. The minimum only keeps the boot structures and a
 * small kernel apart; whether a given kernel's init_size and initrd fit is
 * checked when they are loaded.
 */
#define X86_MIN_RAM		(64ull << 20)
#define X86_RAM_END_MAX		(1ull << 40)

/*
 * Interrupts. ISA IRQ n is IOAPIC pin n for n < 16, as KVM's default GSI
 * routing has it (the PIT is GSI 0, COM1 GSI 4); PCI INTx lines take pins
 * 16-23, active low and level triggered.
 */
#define X86_IOAPIC_NR_PINS	24
#define X86_IOAPIC_PCI_PIN_FIRST 16
#define X86_IRQ_COM1		4

/*
 * I/O ports the guest sees. vmm/'s device models use them, but they are
 * part of the guest's view of the machine, so they are defined here with
 * the addresses: one header says where everything is.
 */
#define X86_PORT_I8042_DATA	0x0060	/* 0x60-0x64; 0x64 is command */
#define X86_PORT_CMOS_INDEX	0x0070	/* 0x70 index, 0x71 data */
#define X86_PORT_POST		0x0080	/* POST codes, Linux's io_delay */
#define X86_PORT_COM1		0x03f8	/* 8250 UART, 8 ports */
#define X86_PORT_TEST_EXIT	0x0500	/* 4 ports: value = exit status */
#define X86_PORT_BOOT_TIMING	0x0504	/* 4 ports: writes are timestamped */
#define X86_PORT_PCI_CONF1_ADDR	0x0cf8	/* PCI configuration mechanism #1 */
#define X86_PORT_PCI_CONF1_DATA	0x0cfc

#endif
