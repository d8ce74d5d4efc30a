/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_TOOLS_VFIO_USER_INFO_INFO_H
#define MINIVMM_TOOLS_VFIO_USER_INFO_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/vfio_user.h"
#include "proto/vu_version.h"
#include "tools/vfio-user-info/pci_decode.h"

struct json_object;

/*
 * Everything vfio-user-info learned of one device server, as plain data:
 * info_gather.c fills it from a connected client, the printers below show
 * it. Nothing here talks to a socket, so the printers are tested on
 * hand-built values. Each query that failed keeps its negative errno in
 * its err field and the rest is still shown: a server that lacks an
 * optional command or region is described, not rejected.
 */

/* At most this many regions and IRQ indexes are asked for. */
#define INFO_MAX_REGIONS	64
#define INFO_MAX_IRQS		32
#define INFO_MAX_NOTES		16
#define INFO_NOTE_LEN		192

struct info_area {
	uint64_t offset;
	uint64_t size;
};

/* One sub-region of DEVICE_GET_REGION_IO_FDS. */
struct info_io_fd {
	uint64_t offset;
	uint64_t size;
	uint32_t fd_index;
	uint32_t type;		/* VFIO_USER_IO_FD_TYPE_* */
	uint32_t flags;
	uint64_t datamatch;
	int shadow_fd_index;	/* -1 unless IOEVENTFD_SHADOW */
	uint64_t shadow_offset;
};

struct info_region {
	uint32_t index;
	int err;		/* DEVICE_GET_REGION_INFO: 0 or -errno */
	uint32_t flags;		/* VFIO_REGION_INFO_FLAG_* */
	uint64_t size;
	uint64_t fd_offset;
	bool has_fd;
	bool has_sparse;	/* areas from a sparse mmap capability */
	unsigned int nr_areas;
	struct info_area *areas;	/* malloc'd */
	bool has_type;
	uint32_t type, subtype;

	bool io_fds_asked;	/* not asked for regions of size 0 */
	int io_fds_err;		/* 0 or -errno (e.g. not supported) */
	unsigned int nr_io_fds;
	struct info_io_fd *io_fds;	/* malloc'd */
	unsigned int io_fds_nr_fds;	/* descriptors that came with them */
};

struct info_irq {
	uint32_t index;
	int err;		/* DEVICE_GET_IRQ_INFO: 0 or -errno */
	uint32_t flags;		/* VFIO_IRQ_INFO_* */
	uint32_t count;
};

struct info {
	const char *socket;	/* not owned */

	struct vu_version server;	/* the server's VERSION reply */
	struct vu_version session;	/* the negotiated terms */
	bool twin_socket;		/* in use */

	int dev_err;		/* DEVICE_GET_INFO: 0 or -errno */
	struct vfio_user_device_info dev;
	bool is_pci;		/* VFIO_DEVICE_FLAGS_PCI */

	unsigned int nr_regions;	/* entries in regions[] */
	struct info_region *regions;	/* malloc'd */
	unsigned int nr_irqs;
	struct info_irq *irqs;		/* malloc'd */

	/* Config space: cfg_len bytes read from region 7, decoded. */
	size_t cfg_len;
	uint8_t *cfg;			/* malloc'd */
	bool has_pci;			/* pci holds a decoded header */
	struct pci_desc pci;

	/* What was missing or odd, in words ("no config region"). */
	unsigned int nr_notes;
	char notes[INFO_MAX_NOTES][INFO_NOTE_LEN];
};

/* Add a note (dropped silently past INFO_MAX_NOTES). */
__attribute__((format(printf, 2, 3)))
void info_note(struct info *in, const char *fmt, ...);

/* Free what @in owns (not @in itself); @in is left zeroed. */
void info_release(struct info *in);

/*
 * The region sizes pci_decode() takes for BAR0-5 and the ROM: those of
 * regions 0-6 whose info was read.
 */
void info_bar_sizes(const struct info *in, struct pci_region_sizes *sizes);

/*
 * Names. For a PCI device, regions 0-8 are BAR0-BAR5, ROM, CONFIG, VGA
 * (VFIO_PCI_*_REGION_INDEX) and IRQ indexes 0-4 are INTx, MSI, MSI-X,
 * ERR, REQ (VFIO_PCI_*_IRQ_INDEX); other indexes have no name (NULL).
 */
const char *info_region_name(bool is_pci, uint32_t index);
const char *info_irq_name(bool is_pci, uint32_t index);

/*
 * Flag words: the names of the bits set in @flags, separated by one
 * space, and "0x..." for bits without a name; "" when @flags is 0.
 * Written into @buf of @len bytes (the whole words that fit, always
 * NUL-terminated).
 * Returns @buf.
 */
const char *info_device_flags_str(uint32_t flags, char *buf, size_t len);
const char *info_region_flags_str(uint32_t flags, char *buf, size_t len);
const char *info_irq_flags_str(uint32_t flags, char *buf, size_t len);
const char *info_io_fd_flags_str(uint32_t type, uint32_t flags, char *buf,
				 size_t len);
/* "ioeventfd", "ioregionfd", "ioeventfd-shadow", or "unknown". */
const char *info_io_fd_type_name(uint32_t type);

/*
 * info_print_text - @in as text, lspci -vv style, to @f. Returns 0 or
 * -EIO if writing failed.
 */
int info_print_text(FILE *f, const struct info *in);

/*
 * info_to_json - @in as one JSON object (the caller puts it), or NULL
 * without memory. Keys are always present, null when a value is absent;
 * numbers are JSON numbers. The layout is documented in README.md.
 */
struct json_object *info_to_json(const struct info *in);

#endif
