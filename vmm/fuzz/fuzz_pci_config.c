// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the config space minivmm owns, for a device with any
 * capabilities, as a guest drives it. The input is the device's 256-byte
 * config header as it reports it (BAR type bits, a capability list that
 * may lie, loop or point anywhere, MSI and MSI-X control words), the
 * sizes of its regions, then a sequence of guest accesses: config reads
 * and writes of 1, 2 or 4 bytes at any offset, routed as
 * vfio_user_config.c routes them (BARs, command register, MSI and MSI-X
 * capabilities wherever the walk found them), MSI-X table and PBA
 * accesses, firmware placing BARs, resets, and the device raising
 * vectors. Every notification must name a vector that exists.
 */
#include <linux/pci_regs.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/fuzz/fuzz_input.h"
#include "vmm/msi.h"
#include "vmm/msix.h"
#include "vmm/pci_bar.h"
#include "vmm/pci_caps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Both emulations notify with @opaque pointing at their vector count. */
static void vec_update(void *opaque, unsigned int vec, bool on,
		       const struct msi_msg *msg)
{
	(void)on;
	(void)msg;
	if (vec >= *(unsigned int *)opaque)
		abort();
}

static void vec_deliver(void *opaque, unsigned int vec,
			const struct msi_msg *msg)
{
	vec_update(opaque, vec, true, msg);
}

static const struct msi_notify_ops ops = { vec_update, vec_deliver };

static bool overlaps(unsigned int off, unsigned int size, unsigned int start,
		     unsigned int len)
{
	return off < start + len && start < off + size;
}

struct fuzz_dev {
	struct pci_caps caps;
	struct pci_bars bars;
	struct msi msi;
	struct msix msix;
	bool msi_on, msix_on;
	unsigned int nr_msi, nr_msix;
};

/* A guest's config access, routed as vud_config_read/write() do. */
static void config_access(struct fuzz_dev *d, unsigned int off, uint8_t *buf,
			  unsigned int sz, bool write)
{
	struct pci_bar_changes changes;

	if (pci_bars_claims(off, sz)) {
		if (write)
			pci_bars_write(&d->bars, off, buf, sz, &changes);
		else
			pci_bars_read(&d->bars, off, buf, sz);
		return;
	}
	if (write && overlaps(off, sz, PCI_COMMAND, 2) && off == PCI_COMMAND)
		pci_bars_set_command(&d->bars, (uint16_t)(buf[0] | buf[1] << 8),
				     &changes);
	if (d->msix_on && overlaps(off, sz, d->caps.msix, 4)) {
		if (write)
			msix_cap_write(&d->msix, off - d->caps.msix, buf, sz);
		else
			msix_cap_read(&d->msix, off - d->caps.msix, buf, sz);
	}
	if (d->msi_on && overlaps(off, sz, d->caps.msi, msi_cap_size(&d->msi))) {
		if (write)
			msi_cap_write(&d->msi, off - d->caps.msi, buf, sz);
		else
			msi_cap_read(&d->msi, off - d->caps.msi, buf, sz);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pci_bar_desc desc[PCI_BAR_SLOTS];
	struct pci_bar_changes changes;
	struct fuzz_in in = { data, size };
	uint8_t hdr[PCI_CONFIG_SIZE] = { 0 }, buf[8];
	struct fuzz_dev d;
	uint32_t reg;
	uint16_t ctrl;
	unsigned int i, n;

	memset(&d, 0, sizeof(d));
	for (i = 0; i < sizeof(hdr); i++)
		hdr[i] = (uint8_t)fuzz_take(&in, 1);
	memset(desc, 0, sizeof(desc));
	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		uint8_t log2 = (uint8_t)fuzz_take(&in, 1);

		memcpy(&reg, &hdr[i < PCI_BAR_NR ? PCI_BASE_ADDRESS_0 + 4 * i :
				  PCI_ROM_ADDRESS], 4);
		if (log2 & 0x80)
			pci_bar_desc_from_reg(i < PCI_BAR_NR ? reg : 0,
					      1ull << (log2 % 64), &desc[i]);
	}
	if (pci_bars_init(&d.bars, desc, NULL, 0))
		memset(&d.bars, 0, sizeof(d.bars));
	pci_caps_find(hdr, &d.caps, NULL, 0);
	if (d.caps.msi) {
		/* As vfio_user_irq.c: MSI only with at least one vector. */
		memcpy(&ctrl, &hdr[d.caps.msi + PCI_MSI_FLAGS], 2);
		ctrl = msi_ctrl_for_vectors(ctrl, 1 + (unsigned int)fuzz_take(&in, 1),
					    &d.nr_msi);
		d.msi_on = !msi_init(&d.msi, ctrl, &ops, &d.nr_msi);
	}
	if (d.caps.msix) {
		memcpy(&ctrl, &hdr[d.caps.msix + PCI_MSIX_FLAGS], 2);
		d.nr_msix = (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1u;
		d.msix_on = !msix_init(&d.msix, d.nr_msix, &ops, &d.nr_msix);
	}
	while (in.left) {
		uint8_t op = (uint8_t)fuzz_take(&in, 1);
		unsigned int sz = 1u << (op >> 6 & 3);	/* 1, 2, 4, 8 */
		unsigned int off = (unsigned int)fuzz_take(&in, 2);
		bool write = op & 1;

		memset(buf, 0, sizeof(buf));
		memcpy(buf, in.p, in.left < sz ? in.left : sz);
		fuzz_take(&in, write ? sz : 0);
		switch (op >> 1 & 7) {
		case 0:	/* conf1 gives 1, 2 or 4 bytes, aligned, below 256 */
			if (sz == 8)
				sz = 4;
			config_access(&d, off & 0xff & ~(sz - 1), buf, sz, write);
			break;
		case 1:	/* the MSI-X table, in its BAR */
			if (!d.msix_on)
				break;
			if (write)
				msix_table_write(&d.msix, off, buf, sz);
			else
				msix_table_read(&d.msix, off, buf, sz);
			break;
		case 2:
			if (d.msix_on)
				msix_pba_read(&d.msix, off, buf, sz);
			break;
		case 3:	/* the device raises a vector, or clears it */
			if (!d.msix_on)
				break;
			n = off % (d.nr_msix + 2);
			if (write)
				msix_clear_pending(&d.msix, n);
			else
				msix_signal(&d.msix, n);
			break;
		case 4:
			if (!d.msi_on)
				break;
			n = off % (MSI_MAX_VECTORS + 2);
			if (write)
				msi_clear_pending(&d.msi, n);
			else
				msi_signal(&d.msi, n);
			break;
		case 5:	/* firmware places a BAR */
			pci_bars_set_addr(&d.bars, off % PCI_BAR_SLOTS,
					  fuzz_take(&in, 8), &changes);
			break;
		case 6:
			if (d.msi_on)
				msi_reset(&d.msi);
			if (d.msix_on)
				msix_reset(&d.msix);
			pci_bars_reset(&d.bars, &changes);
			break;
		default:
			break;
		}
	}
	if (d.msix_on)
		msix_destroy(&d.msix);
	if (d.msi_on)
		msi_destroy(&d.msi);
	return 0;
}
