// SPDX-License-Identifier: GPL-2.0-only
/*
 * Asking a vfio-user server what it offers, through the client library,
 * into a struct info. Optional things a server lacks become notes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "tools/vfio-user-info/info_gather.h"

/*
 * A failed call either got an error reply (the server is fine, it just
 * does not do this) or killed the connection; only the second stops us.
 */
static int dead(struct vu_client *c, struct vu_why *why)
{
	const char *e = vu_client_error(c);

	if (!e)
		return 0;
	vu_why_set(why, "%s", e);
	return -ENOTCONN;
}

static void close_region_fd(struct vu_client_region *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

static int gather_io_fds(struct vu_client *c, struct info_region *r,
			 struct vu_why *why)
{
	struct vu_client_io_fds io;
	unsigned int i;
	int rc;

	memset(&io, 0, sizeof(io));
	r->io_fds_asked = true;
	rc = vu_client_region_io_fds(c, r->index, &io);
	if (rc) {
		r->io_fds_err = rc;
		return dead(c, why);
	}
	for (i = 0; i < io.nr_fds; i++) {
		if (io.fds[i] >= 0)
			close(io.fds[i]);
		io.fds[i] = -1;
	}
	r->io_fds_nr_fds = io.nr_fds;
	if (io.count) {
		r->io_fds = calloc(io.count, sizeof(*r->io_fds));
		if (!r->io_fds) {
			vu_client_io_fds_release(&io);
			vu_why_set(why, "out of memory");
			return -ENOMEM;
		}
	}
	for (i = 0; i < io.count; i++) {
		const struct vu_io_fd_entry *e = &io.entries[i].e;
		struct info_io_fd *o = &r->io_fds[i];

		o->offset = e->offset;
		o->size = e->size;
		o->fd_index = e->fd_index;
		o->type = e->type;
		o->flags = e->flags;
		o->datamatch = e->datamatch;
		o->shadow_fd_index = e->shadow_fd_index;
		o->shadow_offset = e->shadow_offset;
	}
	r->nr_io_fds = io.count;
	vu_client_io_fds_release(&io);
	return 0;
}

static int gather_region(struct vu_client *c, struct info_region *r,
			 struct vu_why *why)
{
	struct vu_client_region cr;
	int rc;

	memset(&cr, 0, sizeof(cr));
	cr.fd = -1;
	rc = vu_client_region_info(c, r->index, &cr);
	if (rc) {
		r->err = rc;
		return dead(c, why);
	}
	/* The fd is ours (vu_client.h): we only say whether it came. */
	r->has_fd = cr.fd >= 0;
	close_region_fd(&cr);
	r->flags = cr.flags;
	r->size = cr.size;
	r->fd_offset = cr.fd_offset;
	r->has_sparse = cr.has_sparse;
	r->has_type = cr.has_type;
	r->type = cr.type;
	r->subtype = cr.subtype;
	if (cr.nr_areas) {
		r->areas = calloc(cr.nr_areas, sizeof(*r->areas));
		if (!r->areas) {
			vu_client_region_release(&cr);
			vu_why_set(why, "out of memory");
			return -ENOMEM;
		}
		memcpy(r->areas, cr.areas, cr.nr_areas * sizeof(*r->areas));
		r->nr_areas = cr.nr_areas;
	}
	vu_client_region_release(&cr);
	if (!r->size)
		return 0;
	return gather_io_fds(c, r, why);
}

/* Region 7 (VFIO_PCI_CONFIG_REGION_INDEX) read and decoded. */
static int gather_config(struct vu_client *c, struct info *in,
			 struct vu_why *why)
{
	const struct info_region *r;
	struct pci_region_sizes sizes;
	size_t len;
	int rc;

	if (!in->is_pci) {
		info_note(in, "not a PCI device (no VFIO_DEVICE_FLAGS_PCI): no config space read");
		return 0;
	}
	if (in->nr_regions <= VFIO_PCI_CONFIG_REGION_INDEX) {
		info_note(in, "no config region: the device has %u regions, region %u is config space",
			  in->dev.num_regions, VFIO_PCI_CONFIG_REGION_INDEX);
		return 0;
	}
	r = &in->regions[VFIO_PCI_CONFIG_REGION_INDEX];
	if (r->err) {
		info_note(in, "config region: no region info (%s)",
			  strerror(-r->err));
		return 0;
	}
	if (r->size < PCI_DECODE_HDR_LEN) {
		info_note(in, "config region has %" PRIu64 " bytes, fewer than the 64-byte header: not decoded",
			  r->size);
		return 0;
	}
	if (!(r->flags & VFIO_REGION_INFO_FLAG_READ))
		info_note(in, "config region lacks the READ flag; reading it anyway");

	in->cfg = calloc(1, PCI_DECODE_ECFG_LEN);
	if (!in->cfg) {
		vu_why_set(why, "out of memory");
		return -ENOMEM;
	}
	len = r->size < PCI_DECODE_CFG_LEN ? r->size : PCI_DECODE_CFG_LEN;
	rc = vu_client_region_read(c, VFIO_PCI_CONFIG_REGION_INDEX, 0, in->cfg,
				   len);
	if (rc) {
		info_note(in, "REGION_READ of %zu bytes of config space failed: %s",
			  len, strerror(-rc));
		return dead(c, why);
	}
	if (len < PCI_DECODE_CFG_LEN)
		info_note(in, "config region has only %zu bytes (256 expected): capabilities beyond them are not shown",
			  len);
	info_bar_sizes(in, &sizes);
	pci_decode(in->cfg, len, &sizes, &in->pci);
	in->cfg_len = len;
	in->has_pci = true;

	if (r->size < PCI_DECODE_ECFG_LEN) {
		if (r->size > PCI_DECODE_CFG_LEN)
			info_note(in, "config region has %" PRIu64 " bytes, neither 256 nor 4096: only 256 decoded",
				  r->size);
		return 0;
	}
	if (!pci_desc_find_cap(&in->pci, PCI_CAP_ID_EXP)) {
		info_note(in, "config region has %" PRIu64 " bytes but no PCI Express capability: extended space not read",
			  r->size);
		return 0;
	}
	rc = vu_client_region_read(c, VFIO_PCI_CONFIG_REGION_INDEX,
				   PCI_DECODE_CFG_LEN,
				   in->cfg + PCI_DECODE_CFG_LEN,
				   PCI_DECODE_ECFG_LEN - PCI_DECODE_CFG_LEN);
	if (rc) {
		info_note(in, "REGION_READ of extended config space (0x100-0xfff) failed: %s",
			  strerror(-rc));
		return dead(c, why);
	}
	in->cfg_len = PCI_DECODE_ECFG_LEN;
	pci_decode(in->cfg, in->cfg_len, &sizes, &in->pci);
	return 0;
}

int info_gather(struct vu_client *c, const char *socket, struct info *in,
		struct vu_why *why)
{
	unsigned int i, n;
	int rc;

	memset(in, 0, sizeof(*in));
	in->socket = socket;
	in->server = *vu_client_server_version(c);
	in->session = *vu_client_session(c);
	in->twin_socket = vu_client_twin_socket(c);

	rc = vu_client_device_info(c, &in->dev);
	if (rc) {
		in->dev_err = rc;
		return dead(c, why);
	}
	in->is_pci = in->dev.flags & VFIO_DEVICE_FLAGS_PCI;

	n = in->dev.num_regions;
	if (n > INFO_MAX_REGIONS) {
		info_note(in, "the device has %u regions; only the first %u are shown",
			  n, INFO_MAX_REGIONS);
		n = INFO_MAX_REGIONS;
	}
	if (n) {
		in->regions = calloc(n, sizeof(*in->regions));
		if (!in->regions)
			goto nomem;
	}
	for (i = 0; i < n; i++) {
		in->regions[i].index = i;
		in->nr_regions = i + 1;
		rc = gather_region(c, &in->regions[i], why);
		if (rc)
			return rc;
	}

	n = in->dev.num_irqs;
	if (n > INFO_MAX_IRQS) {
		info_note(in, "the device has %u IRQ indexes; only the first %u are shown",
			  n, INFO_MAX_IRQS);
		n = INFO_MAX_IRQS;
	}
	if (n) {
		in->irqs = calloc(n, sizeof(*in->irqs));
		if (!in->irqs)
			goto nomem;
	}
	for (i = 0; i < n; i++) {
		struct vfio_user_irq_info q;

		memset(&q, 0, sizeof(q));
		in->irqs[i].index = i;
		in->nr_irqs = i + 1;
		rc = vu_client_irq_info(c, i, &q);
		if (rc) {
			in->irqs[i].err = rc;
			rc = dead(c, why);
			if (rc)
				return rc;
			continue;
		}
		in->irqs[i].flags = q.flags;
		in->irqs[i].count = q.count;
	}

	return gather_config(c, in, why);

nomem:
	vu_why_set(why, "out of memory");
	return -ENOMEM;
}
