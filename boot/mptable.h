/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_MPTABLE_H
#define MINIVMM_BOOT_MPTABLE_H

#include <stdint.h>

/*
 * The Intel MultiProcessor Specification 1.4 tables: how many CPUs there
 * are, where the IOAPIC is, and which IOAPIC pin each ISA IRQ and each PCI
 * INTx line arrives at. Written at X86_MPTABLE_ADDR, in the BIOS area
 * where Linux's smp_scan_config() finds the floating pointer.
 *
 * What the table says:
 * - processors: APIC ids 0..nr_cpus-1, all enabled, 0 is the boot CPU;
 * - buses: PCI bus 0 (MPTABLE_BUS_PCI) and ISA bus 1 (MPTABLE_BUS_ISA);
 * - one IOAPIC, id MPTABLE_IOAPIC_ID(nr_cpus), at X86_IOAPIC_ADDR;
 * - ISA IRQ n -> IOAPIC pin n for n = 0..15 except 2, edge/high as the
 *   bus conforms (IRQ 2 is the 8259 cascade: no device raises it);
 * - each PCI INTx of @pci_irqs -> its IOAPIC pin, active low, level;
 * - ExtINT (the 8259) on LINT0 and NMI on LINT1 of every local APIC.
 */

#define MPTABLE_BUS_PCI		0
#define MPTABLE_BUS_ISA		1
#define MPTABLE_MAX_CPUS	254	/* 8-bit APIC ids; 255 = broadcast */
#define MPTABLE_MAX_PCI_IRQS	(32 * 4)	/* every slot, every pin */

/* The IOAPIC's APIC id: the first one after the CPUs'. */
#define MPTABLE_IOAPIC_ID(nr_cpus) ((uint8_t)(nr_cpus))

/* PCI bus 0 device @slot's INTx @pin (1-4 = INTA-INTD) is @ioapic_pin. */
struct mptable_pci_irq {
	uint8_t slot;
	uint8_t pin;
	uint8_t ioapic_pin;
};

struct mptable_config {
	unsigned int nr_cpus;
	const struct mptable_pci_irq *pci_irqs;	/* may be NULL if none */
	unsigned int nr_pci_irqs;
};

/*
 * mptable_build - write the floating pointer and configuration table into
 * guest RAM (@ram is guest-physical address 0, @ram_size bytes long).
 *
 * Returns 0; -EINVAL for no CPUs or more than MPTABLE_MAX_CPUS, or a PCI
 * IRQ with a slot above 31, a pin outside 1-4, an IOAPIC pin outside
 * X86_IOAPIC_PCI_PIN_FIRST..X86_IOAPIC_NR_PINS-1 (pins 0-15 are the ISA
 * IRQs') or a slot and pin listed twice; -ENOSPC if RAM does not reach
 * the end of the table or the table does not fit in the BIOS area.
 * Nothing is written on error.
 */
int mptable_build(void *ram, uint64_t ram_size,
		  const struct mptable_config *cfg);

#endif
