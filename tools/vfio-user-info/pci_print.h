/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_TOOLS_VFIO_USER_INFO_PCI_PRINT_H
#define MINIVMM_TOOLS_VFIO_USER_INFO_PCI_PRINT_H

#include <stdio.h>

#include "tools/vfio-user-info/pci_decode.h"

struct json_object;

/*
 * The two faces of a decoded config space (pci_decode.h): lines in the
 * manner of `lspci -vv`, and a JSON object with stable keys (listed in
 * README.md).
 */

/*
 * pci_print_text - @d as text to @f, each line prefixed by @indent
 * spaces. Returns 0, or -EIO if writing failed.
 */
int pci_print_text(FILE *f, const struct pci_desc *d, unsigned int indent);

/* pci_to_json - @d as a new JSON object, or NULL without memory. */
struct json_object *pci_to_json(const struct pci_desc *d);

#endif
