// SPDX-License-Identifier: GPL-2.0-only
#include "boot/mptable.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "boot/x86_layout.h"

/* MP spec 1.4, 4.1: the MP Floating Pointer Structure. */
struct mp_floating {
	char signature[4];		/* "_MP_" */
	uint32_t config;		/* address of the configuration table */
	uint8_t length;			/* in 16-byte units */
	uint8_t spec_rev;
	uint8_t checksum;
	uint8_t feature[5];		/* all 0: table present, virtual wire */
} __attribute__((packed));

/* 4.2: the MP Configuration Table Header. */
struct mp_config {
	char signature[4];		/* "PCMP" */
	uint16_t length;		/* header and base entries */
	uint8_t spec_rev;
	uint8_t checksum;
	char oem_id[8];
	char product_id[12];
	uint32_t oem_table;
	uint16_t oem_table_size;
	uint16_t entry_count;
	uint32_t lapic_addr;
	uint16_t ext_length;
	uint8_t ext_checksum;
	uint8_t reserved;
} __attribute__((packed));

/* 4.3.1: Processor Entry. */
struct mp_processor {
	uint8_t type;
	uint8_t apic_id;
	uint8_t apic_version;
	uint8_t flags;
	uint32_t signature;		/* CPUID 1 EAX: family, model */
	uint32_t features;		/* CPUID 1 EDX */
	uint32_t reserved[2];
} __attribute__((packed));

/* 4.3.2: Bus Entry. */
struct mp_bus {
	uint8_t type;
	uint8_t bus_id;
	char bus_type[6];		/* "PCI", "ISA"..., blank padded */
} __attribute__((packed));

/* 4.3.3: I/O APIC Entry. */
struct mp_ioapic {
	uint8_t type;
	uint8_t id;
	uint8_t version;
	uint8_t flags;
	uint32_t addr;
} __attribute__((packed));

/* 4.3.4 and 4.3.5: I/O and Local Interrupt Assignment Entries. */
struct mp_irq {
	uint8_t type;
	uint8_t irq_type;
	uint16_t flags;			/* polarity 1:0, trigger mode 3:2 */
	uint8_t src_bus;
	uint8_t src_irq;
	uint8_t dst_apic;
	uint8_t dst_pin;		/* IOAPIC INTIN# or LINTIN# */
} __attribute__((packed));

_Static_assert(sizeof(struct mp_floating) == 16, "MP floating pointer");
_Static_assert(sizeof(struct mp_config) == 44, "MP config table header");
_Static_assert(offsetof(struct mp_config, entry_count) == 34, "entry count");
_Static_assert(offsetof(struct mp_config, lapic_addr) == 36, "lapic addr");
_Static_assert(sizeof(struct mp_processor) == 20, "MP processor entry");
_Static_assert(sizeof(struct mp_bus) == 8, "MP bus entry");
_Static_assert(sizeof(struct mp_ioapic) == 8, "MP I/O APIC entry");
_Static_assert(sizeof(struct mp_irq) == 8, "MP interrupt entry");

#define MP_SPEC_REV		4	/* 1.4 */
#define MP_PROCESSOR		0	/* entry types, 4.3 */
#define MP_BUS			1
#define MP_IOAPIC		2
#define MP_INTSRC		3
#define MP_LINTSRC		4
#define MP_CPU_ENABLED		0x01
#define MP_CPU_BSP		0x02
#define MP_APIC_VERSION		0x14	/* integrated local APIC */
#define MP_CPU_SIGNATURE	0x600	/* family 6: informational only */
#define MP_CPU_FEATURES		0x201	/* FPU, APIC */
#define MP_IOAPIC_VERSION	0x11
#define MP_IOAPIC_ENABLED	0x01
#define MP_INT			0	/* interrupt types, 4.3.4 */
#define MP_NMI			1
#define MP_EXTINT		3
#define MP_IRQ_CONFORMING	0x0	/* polarity and trigger as the bus */
#define MP_IRQ_LOW_LEVEL	0xf	/* active low (3), level (3 << 2) */
#define MP_ALL_LAPICS		0xff
#define ISA_IRQS		16
#define ISA_IRQ_CASCADE		2

/* Where the next entry goes; the table is built in place in guest RAM. */
struct cursor {
	uint8_t *p;
	unsigned int entries;
};

static void put(struct cursor *c, const void *entry, size_t size)
{
	memcpy(c->p, entry, size);
	c->p += size;
	c->entries++;
}

static uint8_t checksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return (uint8_t)-sum;
}

static int check_pci_irqs(const struct mptable_config *cfg)
{
	bool seen[32][4] = { { false } };
	unsigned int i;

	if (cfg->nr_pci_irqs > MPTABLE_MAX_PCI_IRQS ||
	    (cfg->nr_pci_irqs && !cfg->pci_irqs))
		return -EINVAL;
	for (i = 0; i < cfg->nr_pci_irqs; i++) {
		const struct mptable_pci_irq *irq = &cfg->pci_irqs[i];

		if (irq->slot > 31 || irq->pin < 1 || irq->pin > 4 ||
		    irq->ioapic_pin < X86_IOAPIC_PCI_PIN_FIRST ||
		    irq->ioapic_pin >= X86_IOAPIC_NR_PINS ||
		    seen[irq->slot][irq->pin - 1])
			return -EINVAL;
		seen[irq->slot][irq->pin - 1] = true;
	}
	return 0;
}

static size_t table_size(const struct mptable_config *cfg)
{
	unsigned int small = 2 + 1 + (ISA_IRQS - 1) + cfg->nr_pci_irqs + 2;

	return sizeof(struct mp_floating) + sizeof(struct mp_config) +
	       cfg->nr_cpus * sizeof(struct mp_processor) +
	       small * sizeof(struct mp_irq);
}

static void put_cpus(struct cursor *c, unsigned int nr_cpus)
{
	unsigned int i;

	for (i = 0; i < nr_cpus; i++) {
		struct mp_processor e = {
			.type = MP_PROCESSOR,
			.apic_id = (uint8_t)i,
			.apic_version = MP_APIC_VERSION,
			.flags = MP_CPU_ENABLED | (i == 0 ? MP_CPU_BSP : 0),
			.signature = MP_CPU_SIGNATURE,
			.features = MP_CPU_FEATURES,
		};

		put(c, &e, sizeof(e));
	}
}

static void put_buses_and_ioapic(struct cursor *c, uint8_t ioapic_id)
{
	struct mp_bus pci = { .type = MP_BUS, .bus_id = MPTABLE_BUS_PCI };
	struct mp_bus isa = { .type = MP_BUS, .bus_id = MPTABLE_BUS_ISA };
	struct mp_ioapic ioapic = {
		.type = MP_IOAPIC,
		.id = ioapic_id,
		.version = MP_IOAPIC_VERSION,
		.flags = MP_IOAPIC_ENABLED,
		.addr = (uint32_t)X86_IOAPIC_ADDR,
	};

	memcpy(pci.bus_type, "PCI   ", 6);
	memcpy(isa.bus_type, "ISA   ", 6);
	put(c, &pci, sizeof(pci));
	put(c, &isa, sizeof(isa));
	put(c, &ioapic, sizeof(ioapic));
}

static void put_irq(struct cursor *c, uint8_t type, uint8_t irq_type,
		    uint16_t flags, uint8_t bus, uint8_t src, uint8_t apic,
		    uint8_t pin)
{
	struct mp_irq e = {
		.type = type, .irq_type = irq_type, .flags = flags,
		.src_bus = bus, .src_irq = src,
		.dst_apic = apic, .dst_pin = pin,
	};

	put(c, &e, sizeof(e));
}

static void put_irqs(struct cursor *c, const struct mptable_config *cfg,
		     uint8_t ioapic_id)
{
	unsigned int i;

	/*
	 * ISA IRQ n is IOAPIC pin n: KVM's default GSI routing sends GSI n
	 * to both the 8259 and IOAPIC pin n. IRQ 2 is the 8259 cascade,
	 * which nothing raises, so it gets no entry.
	 */
	for (i = 0; i < ISA_IRQS; i++) {
		if (i == ISA_IRQ_CASCADE)
			continue;
		put_irq(c, MP_INTSRC, MP_INT, MP_IRQ_CONFORMING,
			MPTABLE_BUS_ISA, (uint8_t)i, ioapic_id, (uint8_t)i);
	}
	/* The MP spec's PCI source IRQ: device in bits 6:2, INTA-D in 1:0. */
	for (i = 0; i < cfg->nr_pci_irqs; i++) {
		const struct mptable_pci_irq *irq = &cfg->pci_irqs[i];

		put_irq(c, MP_INTSRC, MP_INT, MP_IRQ_LOW_LEVEL, MPTABLE_BUS_PCI,
			(uint8_t)(irq->slot << 2 | (irq->pin - 1)), ioapic_id,
			irq->ioapic_pin);
	}
	/* Virtual wire mode (3.6.2.2): the 8259 on LINT0, NMI on LINT1. */
	put_irq(c, MP_LINTSRC, MP_EXTINT, MP_IRQ_CONFORMING, MPTABLE_BUS_ISA,
		0, MP_ALL_LAPICS, 0);
	put_irq(c, MP_LINTSRC, MP_NMI, MP_IRQ_CONFORMING, MPTABLE_BUS_ISA,
		0, MP_ALL_LAPICS, 1);
}

int mptable_build(void *ram, uint64_t ram_size,
		  const struct mptable_config *cfg)
{
	uint8_t *base = (uint8_t *)ram + X86_MPTABLE_ADDR;
	struct mp_floating mpf = { .signature = { '_', 'M', 'P', '_' } };
	struct mp_config hdr = { .signature = { 'P', 'C', 'M', 'P' } };
	struct cursor c;
	size_t size;
	int ret;

	if (!cfg->nr_cpus || cfg->nr_cpus > MPTABLE_MAX_CPUS)
		return -EINVAL;
	ret = check_pci_irqs(cfg);
	if (ret)
		return ret;
	size = table_size(cfg);
	if (size > X86_MPTABLE_END - X86_MPTABLE_ADDR ||
	    ram_size < X86_MPTABLE_ADDR + size)
		return -ENOSPC;

	memset(base, 0, size);
	c.p = base + sizeof(mpf) + sizeof(hdr);
	c.entries = 0;
	put_cpus(&c, cfg->nr_cpus);
	put_buses_and_ioapic(&c, MPTABLE_IOAPIC_ID(cfg->nr_cpus));
	put_irqs(&c, cfg, MPTABLE_IOAPIC_ID(cfg->nr_cpus));

	hdr.length = (uint16_t)(c.p - (base + sizeof(mpf)));
	hdr.spec_rev = MP_SPEC_REV;
	memcpy(hdr.oem_id, "MINIVMM ", sizeof(hdr.oem_id));
	memcpy(hdr.product_id, "MINIVMM-X86 ", sizeof(hdr.product_id));
	hdr.entry_count = (uint16_t)c.entries;
	hdr.lapic_addr = (uint32_t)X86_LAPIC_ADDR;
	memcpy(base + sizeof(mpf), &hdr, sizeof(hdr));
	/* 4.2: all bytes of the base table, header included, sum to 0. */
	base[sizeof(mpf) + offsetof(struct mp_config, checksum)] =
		checksum(base + sizeof(mpf), hdr.length);

	mpf.config = (uint32_t)(X86_MPTABLE_ADDR + sizeof(mpf));
	mpf.length = sizeof(mpf) / 16;
	mpf.spec_rev = MP_SPEC_REV;
	mpf.checksum = checksum(&mpf, sizeof(mpf));
	memcpy(base, &mpf, sizeof(mpf));
	return 0;
}
