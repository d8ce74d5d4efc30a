/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_VMM_PCI_CAPS_H
#define MINIVMM_VMM_PCI_CAPS_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/pci.h"

/* Where a device's config header has the capabilities minivmm emulates
 * or watches; 0 when it has none of the kind. */
struct pci_caps {
	unsigned int msi;
	unsigned int msix;
	unsigned int pcie;
};

/* Capabilities a walk follows at most: a 256-byte space has room for 48. */
#define PCI_CAPS_MAX	48

/*
 * pci_caps_find - walk the capability list of the config header @hdr as
 * the device reports it (PCI 3.0 §6.7: Status bit 4, the pointer at
 * 0x34, each entry's next pointer, the low two bits ignored), and note
 * where MSI, MSI-X and PCI Express are (the last of each kind). A list
 * that points outside the capability area (into the standard header,
 * below 0x40) or loops is cut where it goes wrong: what came before
 * counts, and @why says where it was cut. Always returns 0; @why (may be
 * NULL) is empty when the list was whole. Pure: the input is untrusted.
 */
int pci_caps_find(const uint8_t hdr[PCI_CONFIG_SIZE], struct pci_caps *caps,
		  char *why, size_t why_len);

#endif
