// SPDX-License-Identifier: GPL-2.0-only
#include "boot/mptable.h"

#include <errno.h>
#include <string.h>

#include "boot/le.h"
#include "boot/x86_layout.h"

/* Entry types and sizes, MP spec 1.4 section 4.3. */
#define MP_PROCESSOR		0
#define MP_BUS			1
#define MP_IOAPIC		2
#define MP_INTSRC		3
#define MP_LINTSRC		4
#define MP_FLOATING_SIZE	16
#define MP_HEADER_SIZE		44
#define MP_PROCESSOR_SIZE	20
#define MP_ENTRY_SIZE		8

#define MP_SPEC_REV		4	/* 1.4 */
#define MP_CPU_ENABLED		0x01
#define MP_CPU_BSP		0x02
#define MP_APIC_VERSION		0x14	/* integrated local APIC */
#define MP_IOAPIC_VERSION	0x11
#define MP_IOAPIC_ENABLED	0x01
#define MP_INT			0	/* vectored interrupt */
#define MP_NMI			1
#define MP_EXTINT		3
/* IRQ flags: polarity bits 1:0, trigger mode bits 3:2 (Table 4-10). */
#define MP_IRQ_CONFORMING	0x0
#define MP_IRQ_PCI		0xf	/* active low, level triggered */
#define MP_ALL_LAPICS		0xff

static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return (uint8_t)-sum;
}

static uint8_t *put_entry(uint8_t *p, uint8_t type, uint8_t a, uint16_t b,
			  uint8_t c, uint8_t d, uint8_t e, uint8_t f)
{
	p[0] = type;
	p[1] = a;
	put_le16(p + 2, b);
	p[4] = c;
	p[5] = d;
	p[6] = e;
	p[7] = f;
	return p + MP_ENTRY_SIZE;
}

int mptable_build(void *ram, uint64_t ram_size,
		  const struct mptable_config *cfg)
{
	uint8_t *base = (uint8_t *)ram + X86_MPTABLE_ADDR;
	uint8_t *mpf = base, *hdr = base + MP_FLOATING_SIZE;
	uint8_t *p = hdr + MP_HEADER_SIZE;
	uint8_t ioapic_id;
	size_t need;
	unsigned int i, entries = 0;

	if (!cfg->nr_cpus || cfg->nr_cpus > 254)
		return -EINVAL;
	for (i = 0; i < cfg->nr_pci_irqs; i++) {
		const struct mptable_pci_irq *irq = &cfg->pci_irqs[i];

		if (irq->slot > 31 || irq->pin < 1 || irq->pin > 4 ||
		    irq->ioapic_pin >= X86_IOAPIC_PINS)
			return -EINVAL;
	}
	need = MP_FLOATING_SIZE + MP_HEADER_SIZE +
	       cfg->nr_cpus * MP_PROCESSOR_SIZE +
	       (2 + 1 + 16 + cfg->nr_pci_irqs + 2) * MP_ENTRY_SIZE;
	if (need > X86_MPTABLE_MAX || ram_size < X86_MPTABLE_ADDR + need)
		return -ENOSPC;
	memset(base, 0, need);
	ioapic_id = MPTABLE_IOAPIC_ID(cfg->nr_cpus);

	for (i = 0; i < cfg->nr_cpus; i++, entries++) {
		p[0] = MP_PROCESSOR;
		p[1] = (uint8_t)i;
		p[2] = MP_APIC_VERSION;
		p[3] = MP_CPU_ENABLED | (i == 0 ? MP_CPU_BSP : 0);
		put_le32(p + 4, 0x600);		/* family 6 */
		put_le32(p + 8, 0x201);		/* FPU, APIC */
		p += MP_PROCESSOR_SIZE;
	}
	p[0] = MP_BUS;
	p[1] = MPTABLE_BUS_PCI;
	memcpy(p + 2, "PCI   ", 6);
	p += MP_ENTRY_SIZE;
	p[0] = MP_BUS;
	p[1] = MPTABLE_BUS_ISA;
	memcpy(p + 2, "ISA   ", 6);
	p += MP_ENTRY_SIZE;
	entries += 2;

	p[0] = MP_IOAPIC;
	p[1] = ioapic_id;
	p[2] = MP_IOAPIC_VERSION;
	p[3] = MP_IOAPIC_ENABLED;
	put_le32(p + 4, (uint32_t)X86_IOAPIC_ADDR);
	p += MP_ENTRY_SIZE;
	entries++;

	/*
	 * ISA IRQ n arrives at IOAPIC pin n: KVM's default GSI routing sends
	 * GSI n (the PIT is GSI 0, COM1 GSI 4) to pin n. IRQ 2 is the 8259
	 * cascade and has no pin of its own.
	 */
	for (i = 0; i < 16; i++) {
		if (i == 2)
			continue;
		p = put_entry(p, MP_INTSRC, MP_INT, MP_IRQ_CONFORMING,
			      MPTABLE_BUS_ISA, (uint8_t)i, ioapic_id,
			      (uint8_t)i);
		entries++;
	}
	/* PCI source IRQ: device number in bits 6:2, INTx pin in 1:0. */
	for (i = 0; i < cfg->nr_pci_irqs; i++) {
		const struct mptable_pci_irq *irq = &cfg->pci_irqs[i];

		p = put_entry(p, MP_INTSRC, MP_INT, MP_IRQ_PCI, MPTABLE_BUS_PCI,
			      (uint8_t)(irq->slot << 2 | (irq->pin - 1)),
			      ioapic_id, irq->ioapic_pin);
		entries++;
	}
	/* As a BIOS sets them up: LINT0 takes the 8259, LINT1 is NMI. */
	p = put_entry(p, MP_LINTSRC, MP_EXTINT, MP_IRQ_CONFORMING,
		      MPTABLE_BUS_ISA, 0, MP_ALL_LAPICS, 0);
	p = put_entry(p, MP_LINTSRC, MP_NMI, MP_IRQ_CONFORMING,
		      MPTABLE_BUS_ISA, 0, MP_ALL_LAPICS, 1);
	entries += 2;

	/* Configuration table header, section 4.2. */
	memcpy(hdr, "PCMP", 4);
	put_le16(hdr + 4, (uint16_t)(p - hdr));
	hdr[6] = MP_SPEC_REV;
	memcpy(hdr + 8, "MINIVMM ", 8);
	memcpy(hdr + 16, "MINIVMM-X86 ", 12);
	put_le16(hdr + 34, (uint16_t)entries);
	put_le32(hdr + 36, (uint32_t)X86_LAPIC_ADDR);
	hdr[7] = checksum(hdr, (size_t)(p - hdr));

	/* Floating pointer structure, section 4.1. */
	memcpy(mpf, "_MP_", 4);
	put_le32(mpf + 4, (uint32_t)(X86_MPTABLE_ADDR + MP_FLOATING_SIZE));
	mpf[8] = 1;			/* length in 16-byte units */
	mpf[9] = MP_SPEC_REV;
	mpf[10] = checksum(mpf, MP_FLOATING_SIZE);
	return 0;
}
