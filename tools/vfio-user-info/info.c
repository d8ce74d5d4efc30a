// SPDX-License-Identifier: GPL-2.0-only
/*
 * The info struct's housekeeping and the names of VFIO indexes and flags
 * (linux/vfio.h), shared by both printers.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>

#include "tools/vfio-user-info/info.h"

void info_note(struct info *in, const char *fmt, ...)
{
	va_list ap;

	if (in->nr_notes == INFO_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(in->notes[in->nr_notes], INFO_NOTE_LEN, fmt, ap);
	va_end(ap);
	in->nr_notes++;
}

void info_release(struct info *in)
{
	unsigned int i;

	if (!in)
		return;
	for (i = 0; in->regions && i < in->nr_regions; i++) {
		free(in->regions[i].areas);
		free(in->regions[i].io_fds);
	}
	free(in->regions);
	free(in->irqs);
	free(in->cfg);
	memset(in, 0, sizeof(*in));
}

void info_bar_sizes(const struct info *in, struct pci_region_sizes *sizes)
{
	unsigned int i;

	memset(sizes, 0, sizeof(*sizes));
	for (i = 0; i < PCI_DECODE_NR_SIZES && i < in->nr_regions; i++) {
		if (in->regions[i].err)
			continue;
		sizes->known[i] = true;
		sizes->size[i] = in->regions[i].size;
	}
}

const char *info_region_name(bool is_pci, uint32_t index)
{
	static const char *const names[] = {
		[VFIO_PCI_BAR0_REGION_INDEX] = "BAR0",
		[VFIO_PCI_BAR1_REGION_INDEX] = "BAR1",
		[VFIO_PCI_BAR2_REGION_INDEX] = "BAR2",
		[VFIO_PCI_BAR3_REGION_INDEX] = "BAR3",
		[VFIO_PCI_BAR4_REGION_INDEX] = "BAR4",
		[VFIO_PCI_BAR5_REGION_INDEX] = "BAR5",
		[VFIO_PCI_ROM_REGION_INDEX] = "ROM",
		[VFIO_PCI_CONFIG_REGION_INDEX] = "CONFIG",
		[VFIO_PCI_VGA_REGION_INDEX] = "VGA",
	};

	if (!is_pci || index >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[index];
}

const char *info_irq_name(bool is_pci, uint32_t index)
{
	static const char *const names[] = {
		[VFIO_PCI_INTX_IRQ_INDEX] = "INTx",
		[VFIO_PCI_MSI_IRQ_INDEX] = "MSI",
		[VFIO_PCI_MSIX_IRQ_INDEX] = "MSI-X",
		[VFIO_PCI_ERR_IRQ_INDEX] = "ERR",
		[VFIO_PCI_REQ_IRQ_INDEX] = "REQ",
	};

	if (!is_pci || index >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[index];
}

/* Names of bits 0..n-1 of @flags; the rest as one hex word. */
static const char *flags_str(uint32_t flags, const char *const *names,
			     unsigned int n, char *buf, size_t len)
{
	size_t pos = 0;
	uint32_t rest = flags;
	unsigned int i;
	int w;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < n && i < 32; i++) {
		if (!(flags & (1u << i)) || !names[i])
			continue;
		rest &= ~(1u << i);
		w = snprintf(buf + pos, len - pos, "%s%s", pos ? " " : "",
			     names[i]);
		if (w < 0 || (size_t)w >= len - pos) {
			buf[pos] = '\0';	/* whole words only */
			return buf;
		}
		pos += (size_t)w;
	}
	if (rest) {
		w = snprintf(buf + pos, len - pos, "%s0x%x", pos ? " " : "",
			     rest);
		if (w < 0 || (size_t)w >= len - pos)
			buf[pos] = '\0';
	}
	return buf;
}

const char *info_device_flags_str(uint32_t flags, char *buf, size_t len)
{
	static const char *const names[] = {
		"RESET", "PCI", "PLATFORM", "AMBA", "CCW", "AP", "FSL_MC",
		"CAPS", "CDX",
	};

	return flags_str(flags, names, sizeof(names) / sizeof(names[0]), buf,
			 len);
}

const char *info_region_flags_str(uint32_t flags, char *buf, size_t len)
{
	static const char *const names[] = { "READ", "WRITE", "MMAP", "CAPS" };

	return flags_str(flags, names, sizeof(names) / sizeof(names[0]), buf,
			 len);
}

const char *info_irq_flags_str(uint32_t flags, char *buf, size_t len)
{
	static const char *const names[] = {
		"EVENTFD", "MASKABLE", "AUTOMASKED", "NORESIZE",
	};

	return flags_str(flags, names, sizeof(names) / sizeof(names[0]), buf,
			 len);
}

/*
 * Sub-region flags (spec: "Sub-Region IO FD info format"): for
 * ioeventfds those of KVM_IOEVENTFD (DATAMATCH, PIO, DEASSIGN,
 * VIRTIO_CCW_NOTIFY), for ioregionfds KVM_IOREGION_PIO and
 * KVM_IOREGION_POSTED_WRITES (bits 0 and 1 of the proposed API).
 */
const char *info_io_fd_flags_str(uint32_t type, uint32_t flags, char *buf,
				 size_t len)
{
	static const char *const ioeventfd[] = {
		"DATAMATCH", "PIO", "DEASSIGN", "VIRTIO_CCW_NOTIFY",
	};
	static const char *const ioregionfd[] = { "PIO", "POSTED_WRITES" };

	if (type == VFIO_USER_IO_FD_TYPE_IOREGIONFD)
		return flags_str(flags, ioregionfd, 2, buf, len);
	if (type == VFIO_USER_IO_FD_TYPE_IOEVENTFD ||
	    type == VFIO_USER_IO_FD_TYPE_IOEVENTFD_SHADOW)
		return flags_str(flags, ioeventfd, 4, buf, len);
	return flags_str(flags, NULL, 0, buf, len);
}

const char *info_io_fd_type_name(uint32_t type)
{
	switch (type) {
	case VFIO_USER_IO_FD_TYPE_IOEVENTFD: return "ioeventfd";
	case VFIO_USER_IO_FD_TYPE_IOREGIONFD: return "ioregionfd";
	case VFIO_USER_IO_FD_TYPE_IOEVENTFD_SHADOW: return "ioeventfd-shadow";
	}
	return "unknown";
}
