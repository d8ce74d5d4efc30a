// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: minivmm's emulation of the config space it owns, as a
 * guest drives it. The input describes a device (its six BARs and ROM
 * as pci_bars_init() takes them, its MSI Message Control and vector
 * count, its MSI-X vector count) and then a sequence of guest accesses:
 * config reads and writes of 1, 2 or 4 bytes at any offset, routed as
 * the vfio-user device routes them (BARs, MSI capability, MSI-X
 * capability, command register), MSI-X table and PBA accesses, and the
 * device raising vectors. Every notification must name a vector that
 * exists.
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

#define MSI_AT	0x50u	/* where the capabilities sit in this device */
#define MSIX_AT	0x70u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_dev {
	unsigned int nr_msi, nr_msix;
};

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pci_bar_desc desc[PCI_BAR_SLOTS];
	struct pci_bar_changes changes;
	struct fuzz_dev d = { 0 };
	struct fuzz_in in = { data, size };
	struct pci_bars bars;
	struct msix msix;
	struct msi msi;
	uint16_t ctrl;
	unsigned int i, n;
	uint8_t buf[8];

	memset(desc, 0, sizeof(desc));
	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		uint8_t kind = (uint8_t)fuzz_take(&in, 1);

		desc[i].size = kind & 0x80 ? 1ull << (fuzz_take(&in, 1) % 64) : 0;
		desc[i].is_io = kind & 1;
		desc[i].is_64 = kind & 2;
		desc[i].prefetch = kind & 4;
	}
	if (pci_bars_init(&bars, desc, NULL, 0))
		memset(&bars, 0, sizeof(bars));
	ctrl = (uint16_t)fuzz_take(&in, 2);
	/* As vfio_user_irq.c: MSI only with at least one vector. */
	ctrl = msi_ctrl_for_vectors(ctrl, 1 + (unsigned int)fuzz_take(&in, 1),
				    &d.nr_msi);
	if (msi_init(&msi, ctrl, &ops, &d.nr_msi))
		return 0;
	d.nr_msix = 1 + (unsigned int)fuzz_take(&in, 2) % 2048;
	if (msix_init(&msix, d.nr_msix, &ops, &d.nr_msix)) {
		msi_destroy(&msi);
		return 0;
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
		case 0:	/* config space, routed as vfio_user_config.c does */
			if (sz == 8)
				sz = 4;
			off &= 0xff & ~(sz - 1);
			if (pci_bars_claims(off, sz)) {
				if (write)
					pci_bars_write(&bars, off, buf, sz, &changes);
				else
					pci_bars_read(&bars, off, buf, sz);
			} else if (off >= MSI_AT && off < MSI_AT + msi_cap_size(&msi)) {
				if (write)
					msi_cap_write(&msi, off - MSI_AT, buf, sz);
				else
					msi_cap_read(&msi, off - MSI_AT, buf, sz);
			} else if (off >= MSIX_AT && off < MSIX_AT + 12) {
				if (write)
					msix_cap_write(&msix, off - MSIX_AT, buf, sz);
				else
					msix_cap_read(&msix, off - MSIX_AT, buf, sz);
			} else if (off == PCI_COMMAND && write) {
				pci_bars_set_command(&bars, (uint16_t)(buf[0] | buf[1] << 8),
						     &changes);
			}
			break;
		case 1:	/* the MSI-X table, in its BAR */
			if (write)
				msix_table_write(&msix, off, buf, sz);
			else
				msix_table_read(&msix, off, buf, sz);
			break;
		case 2:
			msix_pba_read(&msix, off, buf, sz);
			break;
		case 3:	/* the device raises a vector, or clears it */
			n = off % (d.nr_msix + 2);
			if (write)
				msix_clear_pending(&msix, n);
			else
				msix_signal(&msix, n);
			break;
		case 4:
			n = off % (MSI_MAX_VECTORS + 2);
			if (write)
				msi_clear_pending(&msi, n);
			else
				msi_signal(&msi, n);
			break;
		case 5:
			pci_bars_set_addr(&bars, off % PCI_BAR_SLOTS,
					  fuzz_take(&in, 8), &changes);
			break;
		case 6:
			msi_reset(&msi);
			msix_reset(&msix);
			pci_bars_reset(&bars, &changes);
			break;
		default:
			break;
		}
	}
	msix_destroy(&msix);
	msi_destroy(&msi);
	return 0;
}
