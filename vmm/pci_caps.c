// SPDX-License-Identifier: GPL-2.0-only
/* The capability list of a device's config header (pci_caps.h). */
#include <linux/pci_regs.h>
#include <stdio.h>
#include <string.h>

#include "vmm/pci_caps.h"

int pci_caps_find(const uint8_t hdr[PCI_CONFIG_SIZE], struct pci_caps *caps,
		  char *why, size_t why_len)
{
	unsigned int pos, n;

	memset(caps, 0, sizeof(*caps));
	if (why && why_len)
		why[0] = '\0';
	if (!(hdr[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return 0;
	pos = hdr[PCI_CAPABILITY_LIST] & ~3u;
	for (n = 0; pos && n < PCI_CAPS_MAX; n++) {
		if (pos < PCI_STD_HEADER_SIZEOF || pos > PCI_CONFIG_SIZE - 4) {
			if (why)
				snprintf(why, why_len, "capability pointer 0x%02x is outside the capability area; list cut there",
					 pos);
			return 0;
		}
		switch (hdr[pos]) {
		case PCI_CAP_ID_MSIX:
			caps->msix = pos;
			break;
		case PCI_CAP_ID_MSI:
			caps->msi = pos;
			break;
		case PCI_CAP_ID_EXP:
			caps->pcie = pos;
			break;
		}
		pos = hdr[pos + 1] & ~3u;
	}
	if (pos && why)
		snprintf(why, why_len, "capability list loops; cut after %u entries", n);
	return 0;
}
