// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user-info's text output: the session, the device, its regions and
 * IRQs, then the config space as lspci -vv shows it.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "tools/vfio-user-info/info.h"
#include "tools/vfio-user-info/pci_print.h"

/* A flag word, or "none" when no bit is set. */
static const char *words(const char *s)
{
	return *s ? s : "none";
}

static void print_session(FILE *f, const struct info *in)
{
	const struct vu_caps *c = &in->server.caps;

	fprintf(f, "vfio-user device at %s\n", in->socket ? in->socket : "?");
	fprintf(f, "Version: %u.%u (server replied %u.%u)\n",
		in->session.major, in->session.minor, in->server.major,
		in->server.minor);
	fprintf(f, "Server capabilities: max_msg_fds=%u max_data_xfer_size=%" PRIu64
		" max_dma_maps=%" PRIu64 " pgsizes=0x%" PRIx64
		" twin_socket=%s write_multiple=%s",
		c->max_msg_fds, c->max_data_xfer_size, c->max_dma_maps,
		c->pgsizes, c->twin_socket ? "yes" : "no",
		c->write_multiple ? "yes" : "no");
	if (c->migration)
		fprintf(f, " migration={pgsize=%" PRIu64 " max_bitmap_size=%" PRIu64 "}",
			c->migration_pgsize, c->migration_max_bitmap_size);
	fputc('\n', f);
	fprintf(f, "Twin socket: %s\n", in->twin_socket ? "in use" : "not in use");
}

static void print_region_name(FILE *f, const struct info *in, uint32_t index)
{
	const char *name = info_region_name(in->is_pci, index);

	fprintf(f, "  %u%s%s:", index, name ? " " : "", name ? name : "");
}

static void print_io_fds(FILE *f, const struct info_region *r)
{
	char buf[96];
	unsigned int i;

	if (!r->io_fds_asked)
		return;
	if (r->io_fds_err) {
		fprintf(f, "      io fds: not supported (%s)\n",
			strerror(-r->io_fds_err));
		return;
	}
	if (!r->nr_io_fds) {
		fprintf(f, "      io fds: none\n");
		return;
	}
	fprintf(f, "      io fds: %u sub-region%s, %u fd%s\n", r->nr_io_fds,
		r->nr_io_fds == 1 ? "" : "s", r->io_fds_nr_fds,
		r->io_fds_nr_fds == 1 ? "" : "s");
	for (i = 0; i < r->nr_io_fds; i++) {
		const struct info_io_fd *e = &r->io_fds[i];

		fprintf(f, "        [0x%" PRIx64 " size %" PRIu64 "] %s fd#%u flags %s (0x%x) datamatch 0x%" PRIx64,
			e->offset, e->size, info_io_fd_type_name(e->type),
			e->fd_index,
			words(info_io_fd_flags_str(e->type, e->flags, buf, sizeof(buf))),
			e->flags, e->datamatch);
		if (e->shadow_fd_index >= 0)
			fprintf(f, " shadow fd#%d offset 0x%" PRIx64,
				e->shadow_fd_index, e->shadow_offset);
		fputc('\n', f);
	}
}

static void print_region(FILE *f, const struct info *in,
			 const struct info_region *r)
{
	char buf[96];
	unsigned int i;

	print_region_name(f, in, r->index);
	if (r->err) {
		fprintf(f, " no info (%s)\n", strerror(-r->err));
		return;
	}
	if (!r->size) {
		fprintf(f, " size 0 (not implemented), flags %s (0x%x)\n",
			words(info_region_flags_str(r->flags, buf, sizeof(buf))),
			r->flags);
		return;
	}
	fprintf(f, " size 0x%" PRIx64 " (%" PRIu64 "), flags %s (0x%x), %s",
		r->size, r->size,
		words(info_region_flags_str(r->flags, buf, sizeof(buf))),
		r->flags, r->has_fd ? "fd" : "no fd");
	if (r->has_fd)
		fprintf(f, " at offset 0x%" PRIx64, r->fd_offset);
	fputc('\n', f);
	if (r->nr_areas && !r->has_sparse) {
		fprintf(f, "      mmap: whole region\n");
	} else if (r->nr_areas) {
		fprintf(f, "      mmap: sparse, %u area%s:", r->nr_areas,
			r->nr_areas == 1 ? "" : "s");
		for (i = 0; i < r->nr_areas; i++)
			fprintf(f, " [0x%" PRIx64 "+0x%" PRIx64 "]",
				r->areas[i].offset, r->areas[i].size);
		fputc('\n', f);
	} else if (r->flags & VFIO_REGION_INFO_FLAG_MMAP) {
		fprintf(f, "      mmap: no area (sparse capability with none)\n");
	}
	if (r->has_type)
		fprintf(f, "      type: 0x%x subtype 0x%x\n", r->type, r->subtype);
	print_io_fds(f, r);
}

static void print_irqs(FILE *f, const struct info *in)
{
	char buf[96];
	unsigned int i;

	if (!in->nr_irqs)
		return;
	fprintf(f, "IRQs:\n");
	for (i = 0; i < in->nr_irqs; i++) {
		const struct info_irq *q = &in->irqs[i];
		const char *name = info_irq_name(in->is_pci, q->index);

		fprintf(f, "  %u%s%s:", q->index, name ? " " : "",
			name ? name : "");
		if (q->err)
			fprintf(f, " no info (%s)\n", strerror(-q->err));
		else
			fprintf(f, " count %u, flags %s (0x%x)\n", q->count,
				words(info_irq_flags_str(q->flags, buf, sizeof(buf))),
				q->flags);
	}
}

int info_print_text(FILE *f, const struct info *in)
{
	char buf[96];
	unsigned int i;

	print_session(f, in);
	if (in->dev_err) {
		fprintf(f, "Device: no info (%s)\n", strerror(-in->dev_err));
	} else {
		fprintf(f, "Device: flags %s (0x%x), %u region%s, %u IRQ index%s\n",
			words(info_device_flags_str(in->dev.flags, buf, sizeof(buf))),
			in->dev.flags, in->dev.num_regions,
			in->dev.num_regions == 1 ? "" : "s", in->dev.num_irqs,
			in->dev.num_irqs == 1 ? "" : "es");
	}
	if (in->nr_regions)
		fprintf(f, "Regions:\n");
	for (i = 0; i < in->nr_regions; i++)
		print_region(f, in, &in->regions[i]);
	print_irqs(f, in);
	if (in->has_pci) {
		fprintf(f, "Config space (%zu bytes of region %u):\n",
			in->pci.len, VFIO_PCI_CONFIG_REGION_INDEX);
		pci_print_text(f, &in->pci, 2);
	}
	if (in->nr_notes)
		fprintf(f, "Notes:\n");
	for (i = 0; i < in->nr_notes; i++)
		fprintf(f, "  %s\n", in->notes[i]);
	return ferror(f) ? -EIO : 0;
}
