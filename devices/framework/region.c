// SPDX-License-Identifier: GPL-2.0-only
/*
 * Regions of a PCI device (linux/vfio.h's VFIO_PCI_*_REGION_INDEX): BARs
 * 0-5, the ROM (6), config space (7), VGA (8, never present). Spec
 * sections "VFIO_USER_DEVICE_GET_REGION_INFO", "VFIO region
 * capabilities", "VFIO_USER_DEVICE_GET_REGION_IO_FDS",
 * "VFIO_USER_REGION_READ", "VFIO_USER_REGION_WRITE".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/pci_regs.h>

#include "devices/framework/vus_priv.h"

uint64_t vus_region_size(struct vus_dev *dev, uint32_t index)
{
	if (index < VFIO_PCI_ROM_REGION_INDEX)
		return dev->bars[index].present ? dev->bars[index].size : 0;
	if (index == VFIO_PCI_ROM_REGION_INDEX)
		return dev->rom_size;
	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return dev->cfg.size;
	return 0;
}

static int check_index(const char *what, uint32_t index, struct vu_why *why)
{
	if (index < VFIO_PCI_NUM_REGIONS)
		return 0;
	vu_why_set(why, "%s region index %u is out of range (0..%u)", what,
		   index, VFIO_PCI_NUM_REGIONS - 1);
	return -EINVAL;
}

int vus_region_info(struct vus_dev *dev, uint32_t index, uint32_t argsz,
		    struct vus_reply *r, struct vu_why *why)
{
	struct vfio_region_info_cap_sparse_mmap sp;
	struct vfio_region_sparse_mmap_area area;
	struct vfio_user_region_info info;
	const struct vus_bar_state *b = NULL;
	uint32_t need = sizeof(info);
	unsigned int i;
	uint8_t *body;
	int ret;

	ret = check_index("DEVICE_GET_REGION_INFO", index, why);
	if (ret)
		return ret;
	memset(&info, 0, sizeof(info));
	info.index = index;
	info.size = vus_region_size(dev, index);
	if (info.size) {
		info.flags = VFIO_REGION_INFO_FLAG_READ;
		if (index != VFIO_PCI_ROM_REGION_INDEX)
			info.flags |= VFIO_REGION_INFO_FLAG_WRITE;
	}
	if (index < VFIO_PCI_ROM_REGION_INDEX && dev->bars[index].nr_areas) {
		b = &dev->bars[index];
		/* "offset is the offset that should be given to the mmap()
		 * system call"; areas are relative to it. */
		info.flags |= VFIO_REGION_INFO_FLAG_MMAP |
			      VFIO_REGION_INFO_FLAG_CAPS;
		info.offset = b->fd_offset;
		need += sizeof(sp) + b->nr_areas * sizeof(area);
	}
	info.argsz = need;
	if (argsz < need) {
		/* "Message sizes": the client asks again with argsz. The fd
		 * comes only with the complete reply. */
		info.cap_offset = 0;
		b = NULL;
		need = sizeof(info);
	} else if (b) {
		info.cap_offset = sizeof(info);
	}
	body = calloc(1, need);
	if (!body)
		return -ENOMEM;
	memcpy(body, &info, sizeof(info));
	if (b) {
		memset(&sp, 0, sizeof(sp));
		sp.header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
		sp.header.version = 1;
		sp.header.next = 0;
		sp.nr_areas = b->nr_areas;
		memcpy(body + sizeof(info), &sp, sizeof(sp));
		for (i = 0; i < b->nr_areas; i++) {
			area.offset = b->areas[i].offset;
			area.size = b->areas[i].size;
			memcpy(body + sizeof(info) + sizeof(sp) +
			       i * sizeof(area), &area, sizeof(area));
		}
		r->fds[0] = b->fd;
		r->nr_fds = 1;
	}
	r->body = body;
	r->len = need;
	return 0;
}

int vus_region_io_fds(struct vus_dev *dev, uint32_t index, uint32_t argsz,
		      uint32_t max_fds, struct vus_reply *r,
		      struct vu_why *why)
{
	struct vfio_user_sub_region_io_fd e;
	struct vfio_user_region_io_fds h;
	const struct vus_bar_state *b = NULL;
	uint32_t n = 0, i;
	uint8_t *body;
	int ret;

	ret = check_index("DEVICE_GET_REGION_IO_FDS", index, why);
	if (ret)
		return ret;
	if (index < VFIO_PCI_ROM_REGION_INDEX && dev->bars[index].present) {
		b = &dev->bars[index];
		n = b->nr_ioeventfds;
	}
	if (max_fds > VU_MAX_MSG_FDS)
		max_fds = VU_MAX_MSG_FDS;
	if (n > max_fds) {
		/* One fd per doorbell; those left out stay trapped writes,
		 * which signal the same eventfds. */
		vus_log(dev, VUS_LOG_INFO, "BAR%u: offering %u of %u ioeventfds "
			"(the client takes %u fds per message)", index, max_fds,
			n, max_fds);
		n = max_fds;
	}
	memset(&h, 0, sizeof(h));
	h.index = index;
	h.count = n;
	h.argsz = sizeof(h) + n * sizeof(e);
	if (argsz < h.argsz)
		n = 0;	/* head only: count and the argsz needed */
	body = calloc(1, sizeof(h) + n * sizeof(e));
	if (!body)
		return -ENOMEM;
	memcpy(body, &h, sizeof(h));
	for (i = 0; i < n; i++) {
		const struct vus_ioeventfd *io = &b->ioeventfds[i];

		memset(&e, 0, sizeof(e));
		e.offset = io->offset;
		e.size = io->size;
		e.fd_index = i;
		e.type = VFIO_USER_IO_FD_TYPE_IOEVENTFD;
		if (io->flags & VUS_IOEVENTFD_DATAMATCH) {
			e.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
			e.datamatch = io->datamatch;
		}
		if (b->flags & VUS_BAR_IO)
			e.flags |= KVM_IOEVENTFD_FLAG_PIO;
		memcpy(body + sizeof(h) + i * sizeof(e), &e, sizeof(e));
		r->fds[i] = io->fd;
	}
	r->nr_fds = n;
	r->body = body;
	r->len = sizeof(h) + n * sizeof(e);
	return 0;
}

/* A trapped write that a doorbell absorbs: signal its eventfd. */
static bool ioeventfd_write(const struct vus_bar_state *b, uint64_t offset,
			    const void *data, uint32_t count)
{
	unsigned int i;

	for (i = 0; i < b->nr_ioeventfds; i++) {
		const struct vus_ioeventfd *e = &b->ioeventfds[i];
		uint64_t val = 0, one = 1;
		ssize_t n;

		if (e->offset != offset || (e->size && e->size != count))
			continue;
		if (e->flags & VUS_IOEVENTFD_DATAMATCH) {
			/* Little-endian host: the low bytes of val. */
			memcpy(&val, data, count);
			if (val != e->datamatch)
				continue;
		}
		n = write(e->fd, &one, sizeof(one));
		(void)n;	/* a full counter still means "kicked" */
		return true;
	}
	return false;
}

static int bar_access(struct vus_dev *dev, uint32_t index, uint64_t offset,
		      void *data, uint32_t count, bool write,
		      struct vu_why *why)
{
	struct vus_bar_state *b = &dev->bars[index];
	int ret;

	if (write && ioeventfd_write(b, offset, data, count))
		return 0;
	if (b->access) {
		ret = b->access(dev, b->opaque, offset, data, count, write);
		if (ret)
			vu_why_set(why, "%s BAR%u offset %#llx count %u: the "
				   "device refused it",
				   write ? "REGION_WRITE" : "REGION_READ",
				   index, (unsigned long long)offset, count);
		return ret;
	}
	if (write)
		memcpy(b->mem + offset, data, count);
	else
		memcpy(data, b->mem + offset, count);
	return 0;
}

static int config_access(struct vus_dev *dev, uint64_t offset, void *data,
			 uint32_t count, bool write, struct vu_why *why)
{
	const char *what = write ? "REGION_WRITE" : "REGION_READ";
	uint16_t cmd;
	int ret;

	if (!write) {
		ret = vus_cfg_read(&dev->cfg, (uint32_t)offset, data, count);
	} else {
		ret = vus_cfg_write(&dev->cfg, (uint32_t)offset, data, count);
		if (!ret && offset <= PCI_COMMAND + 1 &&
		    offset + count > PCI_COMMAND + 1) {
			cmd = vus_cfg_get16(&dev->cfg, PCI_COMMAND);
			vus_irqs_intx_disable(dev, cmd &
					      PCI_COMMAND_INTX_DISABLE);
		}
		if (!ret && dev->ops.config_written)
			dev->ops.config_written(dev, dev->opaque,
						(uint32_t)offset, count);
	}
	if (ret)
		vu_why_set(why, "%s config offset %#llx count %u: refused by "
			   "a capability", what, (unsigned long long)offset,
			   count);
	return ret;
}

int vus_region_access(struct vus_dev *dev, uint32_t index, uint64_t offset,
		      void *data, uint32_t count, bool write,
		      struct vu_why *why)
{
	const char *what = write ? "REGION_WRITE" : "REGION_READ";
	uint64_t size;
	int ret;

	ret = check_index(what, index, why);
	if (ret)
		return ret;
	size = vus_region_size(dev, index);
	if (!size) {
		vu_why_set(why, "%s region %u does not exist on this device",
			   what, index);
		return -EINVAL;
	}
	if (offset > size || count > size - offset) {
		vu_why_set(why, "%s region %u offset %#llx + count %u is past "
			   "its end (%#llx)", what, index,
			   (unsigned long long)offset, count,
			   (unsigned long long)size);
		return -EINVAL;
	}
	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return config_access(dev, offset, data, count, write, why);
	if (index == VFIO_PCI_ROM_REGION_INDEX) {
		if (write) {
			vu_why_set(why, "REGION_WRITE region 6 (ROM) is "
				   "read-only");
			return -EINVAL;
		}
		memcpy(data, dev->rom + offset, count);
		return 0;
	}
	return bar_access(dev, index, offset, data, count, write, why);
}
