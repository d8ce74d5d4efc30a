/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_MPTABLE_H
#define MINIVMM_BOOT_MPTABLE_H

#include <stdint.h>

/*
 * The Intel MultiProcessor Specification 1.4 tables, which tell Linux how
 * many CPUs there are, where the IOAPIC is and which IOAPIC pin each ISA
 * IRQ and PCI INTx uses. Written at X86_MPTABLE_ADDR in the BIOS area,
 * where Linux's smp_scan_config() finds the floating pointer.
 */

#define MPTABLE_MAX_PCI_IRQS	(32 * 4)

/* A PCI interrupt line: device @slot's INTx @pin (1-4 = INTA-INTD). */
struct mptable_pci_irq {
	uint8_t slot;
	uint8_t pin;
	uint8_t ioapic_pin;
};

struct mptable_config {
	unsigned int nr_cpus;		/* APIC ids 0..nr_cpus-1; 0 boots */
	const struct mptable_pci_irq *pci_irqs;
	unsigned int nr_pci_irqs;
};

/* The IOAPIC's APIC id: the first one after the CPUs'. */
#define MPTABLE_IOAPIC_ID(nr_cpus) ((uint8_t)(nr_cpus))

#define MPTABLE_BUS_PCI		0
#define MPTABLE_BUS_ISA		1

/*
 * mptable_build - write the floating pointer and configuration table into
 * guest RAM (@ram is guest address 0, @ram_size bytes).
 *
 * Returns 0; -EINVAL for no CPUs, more than 254 (APIC ids are 8-bit and
 * the IOAPIC needs one), or a PCI IRQ with a bad slot, pin or IOAPIC pin;
 * -ENOSPC if RAM does not reach the BIOS area or the table does not fit.
 */
int mptable_build(void *ram, uint64_t ram_size,
		  const struct mptable_config *cfg);

#endif
