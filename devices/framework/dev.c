// SPDX-License-Identifier: GPL-2.0-only
/*
 * Declaring a device: IDs, BARs, ROM, interrupts, capabilities; realize
 * checks them together. Logging. Destroy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/framework/vus_priv.h"
#include "proto/vu_memfd.h"

#define PAGE_SIZE_4K	4096u

/* --- Logging --- */

void vus_dev_set_log(struct vus_dev *dev, vus_log_fn *fn, void *opaque,
		     enum vus_log_level level)
{
	dev->log_fn = fn;
	dev->log_opaque = opaque;
	dev->log_level = level;
}

void vus_logv(struct vus_dev *dev, enum vus_log_level level, const char *fmt,
	      va_list ap)
{
	char line[512];

	if (level > dev->log_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (dev->log_fn) {
		dev->log_fn(dev->log_opaque, level, line);
		return;
	}
	/* One fprintf: the line is not interleaved with other threads'. */
	fprintf(stderr, "%s: %s\n", dev->name, line);
}

void vus_log(struct vus_dev *dev, enum vus_log_level level,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vus_logv(dev, level, fmt, ap);
	va_end(ap);
}

/* --- Life cycle --- */

int vus_dev_create(const struct vus_dev_config *cfg, struct vus_dev **out)
{
	struct vus_dev *dev;
	unsigned int i;
	int ret;

	if (!cfg->name || !cfg->name[0])
		return -EINVAL;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	snprintf(dev->name, sizeof(dev->name), "%s", cfg->name);
	dev->id = cfg->id;
	if (cfg->ops)
		dev->ops = *cfg->ops;
	dev->opaque = cfg->opaque;
	dev->max_dma_maps = cfg->max_dma_maps ? cfg->max_dma_maps :
			    VFIO_USER_DEFAULT_MAX_DMA_MAPS;
	dev->dma_by_messages = cfg->dma_by_messages;
	dev->log_level = VUS_LOG_INFO;
	dev->stop_fd = dev->wake_fd = -1;
	for (i = 0; i < VFIO_PCI_ROM_REGION_INDEX; i++)
		dev->bars[i].fd = -1;

	ret = vus_cfg_init(&dev->cfg, &dev->id);
	if (ret)
		goto fail_cfg;
	ret = vus_irqs_init(&dev->irqs);
	if (ret)
		goto fail_irqs;
	ret = vus_dma_table_init(&dev->dma, dev->max_dma_maps);
	if (ret)
		goto fail_dma;
	if (pthread_rwlock_init(&dev->conn_lock, NULL)) {
		ret = -ENOMEM;
		goto fail_rw;
	}
	dev->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	dev->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (dev->stop_fd < 0 || dev->wake_fd < 0) {
		ret = -errno;
		goto fail_fds;
	}
	*out = dev;
	return 0;

fail_fds:
	if (dev->stop_fd >= 0)
		close(dev->stop_fd);
	if (dev->wake_fd >= 0)
		close(dev->wake_fd);
	pthread_rwlock_destroy(&dev->conn_lock);
fail_rw:
	vus_dma_table_destroy(&dev->dma);
fail_dma:
	vus_irqs_destroy(&dev->irqs);
fail_irqs:
	vus_cfg_destroy(&dev->cfg);
fail_cfg:
	free(dev);
	return ret;
}

void vus_dev_destroy(struct vus_dev *dev)
{
	unsigned int i, j;

	if (!dev)
		return;
	vus_dma_table_destroy(&dev->dma);
	vus_irqs_drop_client(dev);
	vus_irqs_destroy(&dev->irqs);
	for (i = 0; i < VFIO_PCI_ROM_REGION_INDEX; i++) {
		struct vus_bar_state *b = &dev->bars[i];

		if (b->mem)
			munmap(b->mem, b->size);
		if (b->fd >= 0)
			close(b->fd);
		for (j = 0; j < b->nr_ioeventfds; j++)
			close(b->ioeventfds[j].fd);
	}
	free(dev->rom);
	vus_cfg_destroy(&dev->cfg);
	pthread_rwlock_destroy(&dev->conn_lock);
	close(dev->stop_fd);
	close(dev->wake_fd);
	free(dev);
}

void *vus_dev_opaque(struct vus_dev *dev)
{
	return dev->opaque;
}

const char *vus_dev_name(const struct vus_dev *dev)
{
	return dev->name;
}

static void signal_efd(int fd)
{
	uint64_t one = 1;
	ssize_t n;

	/* An eventfd write only fails when the counter would overflow,
	 * and then the reader has a wake-up pending anyway. */
	n = write(fd, &one, sizeof(one));
	(void)n;
}

void vus_dev_stop(struct vus_dev *dev)
{
	signal_efd(dev->stop_fd);
}

void vus_dev_wake(struct vus_dev *dev)
{
	signal_efd(dev->wake_fd);
}

bool vus_dev_connected(struct vus_dev *dev)
{
	bool up;

	pthread_rwlock_rdlock(&dev->conn_lock);
	up = dev->conn && dev->conn->versioned;
	pthread_rwlock_unlock(&dev->conn_lock);
	return up;
}

int vus_config_read(struct vus_dev *dev, uint32_t offset, void *buf,
		    uint32_t len)
{
	return vus_cfg_read(&dev->cfg, offset, buf, len);
}

/* --- Declarations --- */

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static struct vus_bar_state *mem_bar(struct vus_dev *dev, unsigned int bar)
{
	struct vus_bar_state *b;

	if (bar >= VFIO_PCI_ROM_REGION_INDEX)
		return NULL;
	b = &dev->bars[bar];
	return b->present ? b : NULL;
}

int vus_dev_setup_bar(struct vus_dev *dev, unsigned int bar, uint64_t size,
		      unsigned int flags, vus_access_fn *access, void *opaque)
{
	struct vus_bar_state *b;

	if (dev->realized || bar >= VFIO_PCI_ROM_REGION_INDEX ||
	    (flags & ~(VUS_BAR_IO | VUS_BAR_MEM64 | VUS_BAR_PREFETCH)) ||
	    !pow2(size))
		return -EINVAL;
	if (flags & VUS_BAR_IO) {
		if ((flags & (VUS_BAR_MEM64 | VUS_BAR_PREFETCH)) ||
		    size < 4 || size > 256)
			return -EINVAL;
	} else if (size < 16 || (!(flags & VUS_BAR_MEM64) &&
				 size > (1ull << 31))) {
		return -EINVAL;
	}
	if ((flags & VUS_BAR_MEM64) && bar == VFIO_PCI_BAR5_REGION_INDEX)
		return -EINVAL;
	b = &dev->bars[bar];
	if (b->present || b->upper_half)
		return -EINVAL;
	if ((flags & VUS_BAR_MEM64) && dev->bars[bar + 1].present)
		return -EINVAL;
	b->present = true;
	b->size = size;
	b->flags = flags;
	b->access = access;
	b->opaque = opaque;
	if (flags & VUS_BAR_MEM64)
		dev->bars[bar + 1].upper_half = true;
	return 0;
}

int vus_dev_bar_fd(struct vus_dev *dev, unsigned int bar, int fd,
		   uint64_t fd_offset)
{
	struct vus_bar_state *b = mem_bar(dev, bar);
	int ret;

	if (dev->realized || !b || (b->flags & VUS_BAR_IO) || b->fd >= 0 ||
	    fd < 0 || (fd_offset & (PAGE_SIZE_4K - 1)) ||
	    fd_offset + b->size < fd_offset)
		return -EINVAL;
	/* The client maps this file and the framework serves trapped
	 * accesses from its own mapping of it: a client that could
	 * truncate it would kill this server with SIGBUS. */
	ret = vu_fd_seal_size(fd);
	if (ret) {
		vus_log(dev, VUS_LOG_ERR, "BAR%u: its fd cannot be sealed "
			"against shrinking (%s): pass a writable memfd made "
			"with memfd_create(MFD_ALLOW_SEALING), or one already "
			"sealed with F_SEAL_SHRINK", bar, strerror(-ret));
		return ret;
	}
	b->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (b->fd < 0)
		return -errno;
	b->fd_offset = fd_offset;
	return 0;
}

int vus_dev_bar_mmap(struct vus_dev *dev, unsigned int bar, uint64_t offset,
		     uint64_t size)
{
	struct vus_bar_state *b = mem_bar(dev, bar);
	unsigned int i;

	if (dev->realized || !b || b->fd < 0 || !size ||
	    ((offset | size) & (PAGE_SIZE_4K - 1)) || offset > b->size ||
	    size > b->size - offset || b->nr_areas == VUS_BAR_MAX_AREAS)
		return -EINVAL;
	for (i = 0; i < b->nr_areas; i++) {
		const struct vus_area *a = &b->areas[i];

		if (offset < a->offset + a->size && a->offset < offset + size)
			return -EINVAL;
	}
	b->areas[b->nr_areas].offset = offset;
	b->areas[b->nr_areas].size = size;
	b->nr_areas++;
	return 0;
}

int vus_dev_bar_ioeventfd(struct vus_dev *dev, unsigned int bar,
			  uint64_t offset, uint32_t size, unsigned int flags,
			  uint64_t datamatch, int *efd)
{
	struct vus_bar_state *b = mem_bar(dev, bar);
	struct vus_ioeventfd *e;
	int fd;

	if (dev->realized || !b || b->nr_ioeventfds == VUS_BAR_MAX_IOEVENTFDS ||
	    (size != 0 && size != 1 && size != 2 && size != 4 && size != 8) ||
	    (flags & ~VUS_IOEVENTFD_DATAMATCH) || offset >= b->size ||
	    (uint64_t)(size ? size : 1) > b->size - offset)
		return -EINVAL;
	if ((flags & VUS_IOEVENTFD_DATAMATCH) && size == 0)
		return -EINVAL;
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	e = &b->ioeventfds[b->nr_ioeventfds++];
	e->offset = offset;
	e->size = size;
	e->flags = flags;
	e->datamatch = datamatch;
	e->fd = fd;
	*efd = fd;
	return 0;
}

int vus_dev_setup_rom(struct vus_dev *dev, const void *data, size_t len,
		      uint64_t size)
{
	if (dev->realized || dev->rom || !pow2(size) || size < 2048 ||
	    size > (1u << 24) || len > size)
		return -EINVAL;
	dev->rom = calloc(1, size);
	if (!dev->rom)
		return -ENOMEM;
	memcpy(dev->rom, data, len);
	dev->rom_size = size;
	vus_cfg_set_rom(&dev->cfg, size);
	return 0;
}

int vus_dev_setup_intx(struct vus_dev *dev)
{
	if (dev->realized)
		return -EINVAL;
	dev->intx = true;
	vus_cfg_set_intx(&dev->cfg);
	return 0;
}

int vus_dev_setup_msi(struct vus_dev *dev, unsigned int nvec)
{
	int ret;

	if (dev->realized || dev->msi_nvec)
		return -EINVAL;
	ret = vus_cfg_add_msi(&dev->cfg, nvec, NULL);
	if (ret)
		return ret == -ENOSPC ? -EINVAL : ret;
	dev->msi_nvec = nvec;
	return 0;
}

int vus_dev_setup_msix(struct vus_dev *dev, unsigned int nvec,
		       unsigned int table_bar, uint32_t table_offset,
		       unsigned int pba_bar, uint32_t pba_offset)
{
	int ret;

	if (dev->realized || dev->msix.nvec)
		return -EINVAL;
	ret = vus_cfg_add_msix(&dev->cfg, nvec, table_bar, table_offset,
			       pba_bar, pba_offset, NULL);
	if (ret)
		return ret == -ENOSPC ? -EINVAL : ret;
	dev->msix.nvec = nvec;
	dev->msix.table_bar = table_bar;
	dev->msix.table_offset = table_offset;
	dev->msix.pba_bar = pba_bar;
	dev->msix.pba_offset = pba_offset;
	return 0;
}

int vus_dev_add_pm(struct vus_dev *dev)
{
	if (dev->realized)
		return -EINVAL;
	return vus_cfg_add_pm(&dev->cfg, NULL) ? -EINVAL : 0;
}

int vus_dev_add_pcie(struct vus_dev *dev)
{
	if (dev->realized || dev->cfg.size == VUS_CFG_SIZE_PCIE)
		return -EINVAL;
	return vus_cfg_add_pcie(&dev->cfg, NULL) ? -EINVAL : 0;
}

int vus_dev_add_vendor_cap(struct vus_dev *dev, const void *body, uint8_t len,
			   vus_cfg_access_fn *access, void *opaque,
			   uint8_t *pos)
{
	if (dev->realized)
		return -EINVAL;
	return vus_cfg_add_vendor(&dev->cfg, body, len, access, opaque, pos) ?
	       -EINVAL : 0;
}

/* --- Realize --- */

/* Whether [@off, @off + @len) of BAR @b meets one of its mmap areas. */
static bool in_area(const struct vus_bar_state *b, uint64_t off, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < b->nr_areas; i++)
		if (off < b->areas[i].offset + b->areas[i].size &&
		    b->areas[i].offset < off + len)
			return true;
	return false;
}

static int check_msix(struct vus_dev *dev)
{
	uint64_t tlen = 16ull * dev->msix.nvec;
	uint64_t plen = 8ull * ((dev->msix.nvec + 63) / 64);
	struct vus_bar_state *t = mem_bar(dev, dev->msix.table_bar);
	struct vus_bar_state *p = mem_bar(dev, dev->msix.pba_bar);

	if (!t || !p || (t->flags & VUS_BAR_IO) || (p->flags & VUS_BAR_IO)) {
		vus_log(dev, VUS_LOG_ERR, "MSI-X table BAR %u or PBA BAR %u is "
			"not a declared memory BAR", dev->msix.table_bar,
			dev->msix.pba_bar);
		return -EINVAL;
	}
	if (dev->msix.table_offset + tlen > t->size ||
	    dev->msix.pba_offset + plen > p->size) {
		vus_log(dev, VUS_LOG_ERR, "MSI-X table (%#x, %llu bytes) or PBA "
			"(%#x, %llu bytes) does not fit its BAR",
			dev->msix.table_offset, (unsigned long long)tlen,
			dev->msix.pba_offset, (unsigned long long)plen);
		return -EINVAL;
	}
	if (dev->msix.table_bar == dev->msix.pba_bar &&
	    dev->msix.table_offset < dev->msix.pba_offset + plen &&
	    dev->msix.pba_offset < dev->msix.table_offset + tlen) {
		vus_log(dev, VUS_LOG_ERR, "MSI-X table and PBA overlap");
		return -EINVAL;
	}
	if (in_area(t, dev->msix.table_offset, tlen) ||
	    in_area(p, dev->msix.pba_offset, plen)) {
		vus_log(dev, VUS_LOG_ERR, "MSI-X table or PBA lies in an "
			"mmappable area: the client must trap them");
		return -EINVAL;
	}
	return 0;
}

/* Backing memory of a BAR's trapped accesses without callback. */
static int back_bar(struct vus_dev *dev, unsigned int i)
{
	struct vus_bar_state *b = &dev->bars[i];
	struct stat st;
	void *p;

	if (b->fd >= 0) {
		if (fstat(b->fd, &st) || (uint64_t)st.st_size < b->fd_offset +
		    b->size) {
			vus_log(dev, VUS_LOG_ERR, "BAR%u: its fd is smaller "
				"than offset %#llx + size %#llx", i,
				(unsigned long long)b->fd_offset,
				(unsigned long long)b->size);
			return -EINVAL;
		}
		if (b->access)
			return 0;
		p = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 b->fd, (off_t)b->fd_offset);
	} else {
		if (b->access)
			return 0;
		p = mmap(NULL, b->size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	}
	if (p == MAP_FAILED) {
		vus_log(dev, VUS_LOG_ERR, "BAR%u: cannot map its %#llx bytes: "
			"%s", i, (unsigned long long)b->size, strerror(errno));
		return -ENOMEM;
	}
	b->mem = p;
	return 0;
}

int vus_dev_realize(struct vus_dev *dev)
{
	unsigned int i;
	int ret;

	if (dev->realized)
		return 0;
	if (dev->msix.nvec) {
		ret = check_msix(dev);
		if (ret)
			return ret;
	}
	for (i = 0; i < VFIO_PCI_ROM_REGION_INDEX; i++) {
		struct vus_bar_state *b = &dev->bars[i];

		if (!b->present)
			continue;
		vus_cfg_set_bar(&dev->cfg, i, b->size, b->flags);
		ret = back_bar(dev, i);
		if (ret)
			return ret;
	}
	dev->irqs.count[VFIO_PCI_INTX_IRQ_INDEX] = dev->intx ? 1 : 0;
	dev->irqs.count[VFIO_PCI_MSI_IRQ_INDEX] = dev->msi_nvec;
	dev->irqs.count[VFIO_PCI_MSIX_IRQ_INDEX] = dev->msix.nvec;
	ret = vus_irqs_realize(dev);
	if (ret)
		return ret;
	dev->realized = true;
	return 0;
}
