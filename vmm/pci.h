/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PCI_H
#define MINIVMM_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * PCI bus 0 behind configuration mechanism #1 (PCI Local Bus spec 3.0,
 * 3.2.2.3.2): the guest writes an address to 0xCF8 and moves data through
 * 0xCFC-0xCFF. Devices sit in slots 0-31, function 0; the host bridge is
 * 00:00.0, which Linux needs to see before it trusts mechanism #1.
 */

#define PCI_MAX_SLOTS		32
#define PCI_CONFIG_SIZE		256

struct pci_device;

struct pci_device_ops {
	/* Read @size bytes (1, 2 or 4, naturally aligned) at @offset. */
	void (*config_read)(struct pci_device *dev, unsigned int offset,
			    uint8_t *data, unsigned int size);
	void (*config_write)(struct pci_device *dev, unsigned int offset,
			     const uint8_t *data, unsigned int size);
};

struct pci_device {
	const char *name;
	const struct pci_device_ops *ops;
	void *opaque;
	unsigned int slot;
};

struct pci_host_bridge {
	struct pci_device dev;
	uint8_t config[PCI_CONFIG_SIZE];
};

struct pci_bus {
	pthread_mutex_t lock;		/* config address + config cycles */
	uint32_t config_address;	/* last value written to 0xCF8 */
	struct pci_device *slots[PCI_MAX_SLOTS];
	struct pci_host_bridge host_bridge;
};

struct io_bus;

/* Set up bus 0 with the host bridge at 00:00.0 and claim 0xCF8-0xCFF. */
int pci_bus_init(struct pci_bus *bus, struct io_bus *pio);
void pci_bus_destroy(struct pci_bus *bus);

/* Put @dev in @slot. Returns -EBUSY if taken, -EINVAL if out of range. */
int pci_bus_add(struct pci_bus *bus, unsigned int slot,
		struct pci_device *dev);

/*
 * A configuration cycle, as the 0xCFC window issues it: @bdf is
 * bus << 8 | device << 3 | function. Nothing answers for an empty slot,
 * another bus or a non-zero function: reads are all-ones.
 */
void pci_config_access(struct pci_bus *bus, unsigned int bdf,
		       unsigned int offset, uint8_t *data, unsigned int size,
		       bool is_write);

#endif
