// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config space of a vfio-user PCI device: forwarded to the device's
 * config region (VFIO_PCI_CONFIG_REGION_INDEX) with REGION_READ/WRITE,
 * except the registers minivmm owns because they decide what the guest's
 * address space and interrupts look like: the command register's decode
 * enables, the BARs and ROM BAR, the interrupt line, MSI-X and MSI.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include <string.h>

#include "pci_caps.h"
#include "vfio_user_priv.h"
#include "vm.h"

int vud_config_read_dev(struct vfio_user_dev *dev, unsigned int offset,
			void *buf, unsigned int size)
{
	if (atomic_load(&dev->dead))
		return -ENOTCONN;
	return vu_client_region_read(dev->client, VFIO_PCI_CONFIG_REGION_INDEX,
				     offset, buf, size);
}

/*
 * Read the header once at attach to find what we emulate. A capability
 * list that loops or points outside the header is cut where it goes
 * wrong, with a warning: the guest walks the same list.
 */
int vud_config_probe(struct vfio_user_dev *dev)
{
	uint8_t hdr[PCI_CONFIG_SIZE];
	struct pci_caps caps;
	char why[120];
	int ret;

	ret = vud_config_read_dev(dev, 0, hdr, sizeof(hdr));
	if (ret) {
		vud_log(dev, "cannot read config space: %s", strerror(-ret));
		return ret;
	}
	if ((hdr[PCI_HEADER_TYPE] & 0x7f) != PCI_HEADER_TYPE_NORMAL) {
		vud_log(dev, "header type 0x%02x: only type 0 (an endpoint) can be attached",
			hdr[PCI_HEADER_TYPE]);
		return -ENOTSUP;
	}
	dev->intx_pin = hdr[PCI_INTERRUPT_PIN] <= 4 ? hdr[PCI_INTERRUPT_PIN] : 0;
	pci_caps_find(hdr, &caps, why, sizeof(why));
	if (why[0])
		vud_log(dev, "%s", why);
	dev->msi_cap = caps.msi;
	dev->msix_cap = caps.msix;
	dev->pcie_cap = caps.pcie;
	if (dev->msix_cap) {
		uint32_t table, pba;
		uint16_t ctrl;

		memcpy(&ctrl, &hdr[dev->msix_cap + PCI_MSIX_FLAGS], 2);
		memcpy(&table, &hdr[dev->msix_cap + PCI_MSIX_TABLE], 4);
		memcpy(&pba, &hdr[dev->msix_cap + PCI_MSIX_PBA], 4);
		dev->nr_msix = (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1;
		dev->msix_table_bar = table & PCI_MSIX_TABLE_BIR;
		dev->msix_table_off = table & PCI_MSIX_TABLE_OFFSET;
		dev->msix_pba_bar = pba & PCI_MSIX_PBA_BIR;
		dev->msix_pba_off = pba & PCI_MSIX_PBA_OFFSET;
		if (dev->msix_table_bar >= PCI_BAR_NR ||
		    dev->msix_pba_bar >= PCI_BAR_NR) {
			vud_log(dev, "MSI-X table in BAR %u, PBA in BAR %u: there are only BARs 0-5",
				dev->msix_table_bar, dev->msix_pba_bar);
			return -EPROTO;
		}
	}
	return 0;
}

/* Which bytes of [offset, offset + size) fall in [start, start + len). */
static bool vud_overlaps(unsigned int offset, unsigned int size,
			 unsigned int start, unsigned int len)
{
	return offset < start + len && start < offset + size;
}

/*
 * Overlay the bytes an emulation filled (bit i of @mask: data[i]) from
 * @src onto @data.
 */
static void vud_overlay(uint8_t *data, const uint8_t *src, int mask,
			unsigned int size)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		if (mask > 0 && (mask & (1 << i)))
			data[i] = src[i];
}

static void vud_config_read(struct pci_device *pdev, unsigned int offset,
			    uint8_t *data, unsigned int size)
{
	struct vfio_user_dev *dev = pdev->opaque;
	unsigned int i;

	pthread_mutex_lock(&dev->lock);
	if (pci_bars_claims(offset, size)) {
		if (atomic_load(&dev->dead))
			memset(data, 0xff, size);
		else
			pci_bars_read(&dev->bars, offset, data, size);
		goto out;
	}
	if (vud_config_read_dev(dev, offset, data, size)) {
		memset(data, 0xff, size);
		goto out;
	}
	for (i = 0; i < size; i++) {
		unsigned int at = offset + i;

		if (at == PCI_COMMAND)
			data[i] = (uint8_t)dev->command;
		else if (at == PCI_COMMAND + 1)
			data[i] = (uint8_t)(dev->command >> 8);
		else if (at == PCI_INTERRUPT_LINE)
			data[i] = dev->intx_line;
	}
	if (dev->msix_ready && vud_overlaps(offset, size, dev->msix_cap, 4)) {
		uint8_t tmp[4];
		int mask;

		memcpy(tmp, data, size);
		mask = vud_msix_cap_read(dev, offset - dev->msix_cap, tmp, size);
		vud_overlay(data, tmp, mask, size);
	}
	if (dev->msi_ready && vud_overlaps(offset, size, dev->msi_cap,
					   msi_cap_size(&dev->msi))) {
		uint8_t tmp[4];
		int mask;

		memcpy(tmp, data, size);
		mask = vud_msi_cap_read(dev, offset - dev->msi_cap, tmp, size);
		vud_overlay(data, tmp, mask, size);
	}
out:
	pthread_mutex_unlock(&dev->lock);
}

/* Decode bits the guest may change; the rest of the command goes to the device. */
#define VUD_COMMAND_DECODE	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY)

static void vud_command_write(struct vfio_user_dev *dev, unsigned int offset,
			      const uint8_t *data, unsigned int size)
{
	struct pci_bar_changes changes;
	uint16_t cmd = dev->command;
	unsigned int i;

	for (i = 0; i < size; i++) {
		if (offset + i == PCI_COMMAND)
			cmd = (uint16_t)((cmd & 0xff00) | data[i]);
		else if (offset + i == PCI_COMMAND + 1)
			cmd = (uint16_t)((cmd & 0x00ff) | data[i] << 8);
	}
	dev->command = cmd & (VUD_COMMAND_DECODE | PCI_COMMAND_MASTER |
			      PCI_COMMAND_SERR | PCI_COMMAND_PARITY |
			      PCI_COMMAND_INTX_DISABLE);
	pci_bars_set_command(&dev->bars, dev->command, &changes);
	vud_bars_apply(dev, &changes);
}

/* A function-level reset (PCIe devctl Initiate FLR) is a DEVICE_RESET. */
static void vud_flr_check(struct vfio_user_dev *dev, unsigned int offset,
			  const uint8_t *data, unsigned int size)
{
	unsigned int at = dev->pcie_cap + PCI_EXP_DEVCTL + 1;
	int ret;

	if (!dev->pcie_cap || at < offset || at >= offset + size ||
	    !(data[at - offset] & (PCI_EXP_DEVCTL_BCR_FLR >> 8)))
		return;
	vud_irqs_reset(dev);
	ret = vu_client_reset(dev->client);
	if (ret)
		vud_log(dev, "function-level reset: DEVICE_RESET failed: %s",
			strerror(-ret));
}

static void vud_config_write(struct pci_device *pdev, unsigned int offset,
			     const uint8_t *data, unsigned int size)
{
	struct vfio_user_dev *dev = pdev->opaque;
	int ret;

	pthread_mutex_lock(&dev->lock);
	if (atomic_load(&dev->dead))
		goto out;
	if (pci_bars_claims(offset, size)) {
		struct pci_bar_changes changes;

		if (!pci_bars_write(&dev->bars, offset, data, size, &changes))
			vud_bars_apply(dev, &changes);
		goto out;
	}
	if (vud_overlaps(offset, size, PCI_COMMAND, 2))
		vud_command_write(dev, offset, data, size);
	if (vud_overlaps(offset, size, PCI_INTERRUPT_LINE, 1))
		dev->intx_line = data[PCI_INTERRUPT_LINE - offset];
	if (dev->msix_ready && vud_overlaps(offset, size, dev->msix_cap, 4))
		vud_msix_cap_write(dev, offset - dev->msix_cap, data, size);
	if (dev->msi_ready && vud_overlaps(offset, size, dev->msi_cap,
					   msi_cap_size(&dev->msi)))
		vud_msi_cap_write(dev, offset - dev->msi_cap, data, size);
	vud_flr_check(dev, offset, data, size);
	/*
	 * The device sees every write outside the BARs, the emulated ones
	 * too: a device may look at its own command register (bus master)
	 * or MSI-X enable in config space to decide how to interrupt.
	 */
	ret = vu_client_region_write(dev->client, VFIO_PCI_CONFIG_REGION_INDEX,
				     offset, data, size);
	if (ret && ret != -ENOTCONN)
		vud_log(dev, "config write of %u bytes at 0x%02x: %s", size,
			offset, strerror(-ret));
out:
	pthread_mutex_unlock(&dev->lock);
}

const struct pci_device_ops vud_config_ops = {
	.config_read = vud_config_read,
	.config_write = vud_config_write,
};
