// SPDX-License-Identifier: GPL-2.0-only
#include "pci.h"

#include <errno.h>
#include <string.h>

#include "boot/x86_layout.h"
#include "io_bus.h"

#define PCI_CONF1_ENABLE	(1u << 31)

/*
 * The host bridge's identity: Red Hat's "PCIe host bridge" id (the generic
 * one QEMU uses), class 06/00 (host bridge), which is what Linux's
 * pci_sanity_check() looks for on bus 0.
 */
#define HOST_BRIDGE_VENDOR	0x1b36
#define HOST_BRIDGE_DEVICE	0x0008
#define PCI_CLASS_BRIDGE_HOST	0x0600

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void host_bridge_read(struct pci_device *dev, unsigned int offset,
			     uint8_t *data, unsigned int size)
{
	struct pci_host_bridge *hb = dev->opaque;

	memcpy(data, &hb->config[offset], size);
}

/* Nothing in the host bridge is writable: it has no BARs and no decode. */
static void host_bridge_write(struct pci_device *dev, unsigned int offset,
			      const uint8_t *data, unsigned int size)
{
	(void)dev;
	(void)offset;
	(void)data;
	(void)size;
}

static const struct pci_device_ops host_bridge_ops = {
	.config_read = host_bridge_read,
	.config_write = host_bridge_write,
};

static void host_bridge_init(struct pci_host_bridge *hb)
{
	memset(hb, 0, sizeof(*hb));
	put_le16(&hb->config[0x00], HOST_BRIDGE_VENDOR);
	put_le16(&hb->config[0x02], HOST_BRIDGE_DEVICE);
	put_le16(&hb->config[0x06], 0x0000);		/* status */
	hb->config[0x08] = 0;				/* revision */
	put_le16(&hb->config[0x0a], PCI_CLASS_BRIDGE_HOST);
	hb->config[0x0e] = 0x00;			/* header type 0 */
	hb->dev = (struct pci_device){
		.name = "host-bridge",
		.ops = &host_bridge_ops,
		.opaque = hb,
		.slot = 0,
	};
}

void pci_config_access(struct pci_bus *bus, unsigned int bdf,
		       unsigned int offset, uint8_t *data, unsigned int size,
		       bool is_write)
{
	unsigned int busnr = bdf >> 8, slot = (bdf >> 3) & 31, fn = bdf & 7;
	struct pci_device *dev = NULL;

	if (busnr == 0 && fn == 0)
		dev = bus->slots[slot];
	if (!dev || offset >= PCI_CONFIG_SIZE || offset + size > PCI_CONFIG_SIZE ||
	    (offset & (size - 1))) {
		if (!is_write)
			memset(data, 0xff, size);
		return;
	}
	if (is_write)
		dev->ops->config_write(dev, offset, data, size);
	else
		dev->ops->config_read(dev, offset, data, size);
}

static void conf1_address_io(void *opaque, uint64_t offset, uint8_t *data,
			     unsigned int size, bool is_write)
{
	struct pci_bus *bus = opaque;

	/*
	 * Only a 32-bit access at 0xCF8 is the address register; byte
	 * accesses to 0xCF8-0xCFB belong to other mechanisms (Linux probes
	 * with outb to 0xCFB) and must not change it.
	 */
	if (offset != 0 || size != 4) {
		if (!is_write)
			memset(data, 0xff, size);
		return;
	}
	pthread_mutex_lock(&bus->lock);
	if (is_write)
		memcpy(&bus->config_address, data, 4);
	else
		memcpy(data, &bus->config_address, 4);
	pthread_mutex_unlock(&bus->lock);
}

static void conf1_data_io(void *opaque, uint64_t offset, uint8_t *data,
			  unsigned int size, bool is_write)
{
	struct pci_bus *bus = opaque;
	uint32_t addr;

	pthread_mutex_lock(&bus->lock);
	addr = bus->config_address;
	if (!(addr & PCI_CONF1_ENABLE)) {
		if (!is_write)
			memset(data, 0xff, size);
	} else {
		pci_config_access(bus, (addr >> 8) & 0xffff,
				  (addr & 0xfc) + (unsigned int)offset, data,
				  size, is_write);
	}
	pthread_mutex_unlock(&bus->lock);
}

int pci_bus_init(struct pci_bus *bus, struct io_bus *pio)
{
	int ret;

	memset(bus, 0, sizeof(*bus));
	pthread_mutex_init(&bus->lock, NULL);
	host_bridge_init(&bus->host_bridge);
	bus->slots[0] = &bus->host_bridge.dev;

	ret = io_bus_register(pio, X86_PORT_PCI_CONF1_ADDR, 4,
			      conf1_address_io, bus, "pci-conf1-address");
	if (!ret)
		ret = io_bus_register(pio, X86_PORT_PCI_CONF1_DATA, 4,
				      conf1_data_io, bus, "pci-conf1-data");
	return ret;
}

void pci_bus_destroy(struct pci_bus *bus)
{
	pthread_mutex_destroy(&bus->lock);
}

int pci_bus_add(struct pci_bus *bus, unsigned int slot,
		struct pci_device *dev)
{
	if (slot >= PCI_MAX_SLOTS)
		return -EINVAL;
	if (bus->slots[slot])
		return -EBUSY;
	dev->slot = slot;
	bus->slots[slot] = dev;
	return 0;
}
