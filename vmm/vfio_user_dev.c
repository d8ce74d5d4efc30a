// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vfio-user PCI device's life cycle: connect and learn the device,
 * share guest RAM with it, put it on the bus; serve its DMA_READ and
 * DMA_WRITE from guest RAM; survive its death; take it apart on exit.
 */
#include "vfio_user_dev.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/mptable.h"
#include "vfio_user_priv.h"
#include "vm.h"

#define VUD_TIMEOUT_MS	5000

void vud_log(struct vfio_user_dev *dev, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* On its own line: the guest may be mid-line on the console. */
	fprintf(stderr, "\r\nminivmm: vfio-user %s: %s\n", dev->name, line);
}

/*
 * The server's DMA_READ (@write false) and DMA_WRITE: guest-physical
 * @addr is the DMA address, as DMA_MAP said (identity). Anything that is
 * not wholly inside one RAM region is refused.
 */
static int vud_dma_access(void *opaque, uint64_t addr, void *buf,
			  uint64_t len, bool write)
{
	struct vfio_user_dev *dev = opaque;
	void *p = guest_ram_ptr(&dev->vm->ram, addr, len);

	if (!p)
		return -EFAULT;
	if (write)
		memcpy(p, buf, len);
	else
		memcpy(buf, p, len);
	return 0;
}

/* Called once by the client, from whichever thread saw it die. */
static void vud_on_dead(void *opaque, const char *reason)
{
	struct vfio_user_dev *dev = opaque;

	atomic_store(&dev->dead, true);
	vud_log(dev, "%s; the device is gone: its registers read as all-ones from now on",
		reason);
}

static int vud_map_ram(struct vfio_user_dev *dev)
{
	const struct guest_ram *ram = &dev->vm->ram;
	unsigned int i;
	int ret;

	for (i = 0; i < ram->nr_regions; i++) {
		const struct guest_ram_region *r = &ram->regions[i];

		ret = vu_client_dma_map(dev->client, r->gpa, r->size, ram->memfd,
					r->offset, VFIO_USER_DMA_MAP_FLAG_READ |
					VFIO_USER_DMA_MAP_FLAG_WRITE);
		if (ret) {
			fprintf(stderr, "minivmm: vfio-user %s: DMA_MAP of guest RAM [0x%llx, +0x%llx) failed: %s\n",
				dev->path, (unsigned long long)r->gpa,
				(unsigned long long)r->size, strerror(-ret));
			return ret;
		}
		dev->dma_mapped[i] = true;
	}
	return 0;
}

static void vud_unmap_ram(struct vfio_user_dev *dev)
{
	const struct guest_ram *ram = &dev->vm->ram;
	unsigned int i;

	for (i = 0; i < ram->nr_regions; i++) {
		if (!dev->dma_mapped[i])
			continue;
		dev->dma_mapped[i] = false;
		if (!atomic_load(&dev->dead))
			vu_client_dma_unmap(dev->client, ram->regions[i].gpa,
					    ram->regions[i].size);
	}
}

/* Region info of every PCI region the device has (BARs, ROM, config). */
static int vud_read_regions(struct vfio_user_dev *dev)
{
	unsigned int i;
	int ret;

	for (i = 0; i < PCI_BAR_SLOTS; i++)
		dev->bar[i].region.fd = -1;
	for (i = 0; i <= VFIO_PCI_CONFIG_REGION_INDEX &&
		    i < dev->info.num_regions; i++) {
		struct vu_client_region r;

		ret = vu_client_region_info(dev->client, i, &r);
		if (ret) {
			fprintf(stderr, "minivmm: vfio-user %s: region %u info: %s\n",
				dev->path, i, strerror(-ret));
			return ret;
		}
		if (i == VFIO_PCI_CONFIG_REGION_INDEX) {
			dev->config_size = r.size;
			vu_client_region_release(&r);
		} else {
			dev->bar[i].region = r;
		}
	}
	if (dev->config_size < PCI_CONFIG_SIZE) {
		fprintf(stderr, "minivmm: vfio-user %s: the config region (index 7) is %llu bytes; a PCI function has 256\n",
			dev->path, (unsigned long long)dev->config_size);
		return -EPROTO;
	}
	return 0;
}

static void vud_free(struct vfio_user_dev *dev)
{
	unsigned int i;

	vud_irqs_release(dev);
	vud_bars_release(dev);
	vud_unmap_ram(dev);
	vu_client_close(dev->client);
	for (i = 0; i < PCI_BAR_SLOTS; i++)
		vu_client_region_release(&dev->bar[i].region);
	pthread_mutex_destroy(&dev->lock);
	free(dev);
}

/*
 * Say once what this device does not offer and what minivmm does instead,
 * so that a device author knows which fast path their server misses.
 */
static void vud_report_fallbacks(struct vfio_user_dev *dev)
{
	const struct vu_version *v = vu_client_session(dev->client);
	char line[400] = "";
	size_t len = 0;
	bool mmap = false, iofd = false;
	unsigned int i;

	for (i = 0; i < PCI_BAR_NR; i++) {
		mmap |= dev->bar[i].nr_pieces > 0;
		iofd |= dev->bar[i].nr_ioeventfds > 0;
	}
#define NOTE(...) (len += (size_t)snprintf(line + len, len < sizeof(line) ? sizeof(line) - len : 0, __VA_ARGS__))
	if (!mmap)
		NOTE("; offers no mmappable area (every BAR access exits to minivmm)");
	if (!iofd)
		NOTE("; offers no ioeventfd (doorbell writes exit to minivmm)");
	if (!dev->msix_ready && !dev->msi_ready)
		NOTE("; no MSI-X or MSI (INTx only)");
	if (!vu_client_twin_socket(dev->client))
		NOTE("; no twin socket (its DMA requests share the main socket)");
	if (v->minor < VFIO_USER_MINOR)
		NOTE("; speaks protocol 0.%u", v->minor);
#undef NOTE
	if (len)
		fprintf(stderr, "minivmm: vfio-user %s: falls back: %s\n",
			dev->name, line + 2);
}

int vfio_user_dev_attach(struct vm *vm, const char *path, unsigned int slot,
			 struct vfio_user_dev **out)
{
	struct vu_client_config cfg = { 0 };
	struct vfio_user_dev *dev;
	struct vu_why why = { "" };
	unsigned int i;
	int ret;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->vm = vm;
	dev->path = path;
	dev->intx_fd = dev->intx_resample_fd = -1;
	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		dev->bar[i].region.fd = -1;
		dev->bar[i].space_handle = -1;
	}
	pthread_mutex_init(&dev->lock, NULL);
	snprintf(dev->name, sizeof(dev->name), "00:%02x.0 (%s)", slot, path);
	dev->pci = (struct pci_device){
		.name = dev->name,
		.ops = &vud_config_ops,
		.opaque = dev,
		.slot = slot,
	};

	cfg.name = path;
	cfg.timeout_ms = VUD_TIMEOUT_MS;
	cfg.twin_socket = true;
	cfg.dma_access = vud_dma_access;
	cfg.on_dead = vud_on_dead;
	cfg.opaque = dev;
	ret = vu_client_connect(path, &cfg, &dev->client, &why);
	if (ret) {
		/* The client's reason names the socket already. */
		if (why.msg[0])
			fprintf(stderr, "minivmm: vfio-user %s\n", why.msg);
		else
			fprintf(stderr, "minivmm: vfio-user %s: %s\n", path,
				strerror(-ret));
		goto fail;
	}
	ret = vu_client_device_info(dev->client, &dev->info);
	if (ret) {
		fprintf(stderr, "minivmm: vfio-user %s: DEVICE_GET_INFO: %s\n",
			path, strerror(-ret));
		goto fail;
	}
	if (!(dev->info.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    dev->info.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX) {
		fprintf(stderr, "minivmm: vfio-user %s: not a PCI device (flags 0x%x, %u regions; a PCI device has the PCI flag and a config region, index 7)\n",
			path, dev->info.flags, dev->info.num_regions);
		ret = -ENODEV;
		goto fail;
	}
	ret = vud_read_regions(dev);
	if (ret)
		goto fail;
	ret = vud_map_ram(dev);
	if (ret)
		goto fail;
	if (dev->info.flags & VFIO_DEVICE_FLAGS_RESET) {
		ret = vu_client_reset(dev->client);
		if (ret) {
			fprintf(stderr, "minivmm: vfio-user %s: DEVICE_RESET: %s\n",
				path, strerror(-ret));
			goto fail;
		}
	}
	ret = vud_config_probe(dev);
	if (!ret)
		ret = vud_bars_init(dev);
	if (!ret)
		ret = vud_irqs_init(dev);
	if (ret)
		goto fail;

	ret = pci_bus_add(&vm->pci, slot, &dev->pci);
	if (ret) {
		fprintf(stderr, "minivmm: vfio-user %s: PCI slot %u: %s\n",
			path, slot, strerror(-ret));
		goto fail;
	}
	vud_report_fallbacks(dev);
	*out = dev;
	return 0;
fail:
	vud_free(dev);
	return ret;
}

bool vfio_user_dev_intx(const struct vfio_user_dev *dev,
			struct mptable_pci_irq *irq)
{
	if (!dev->intx_irqfd)
		return false;
	irq->slot = (uint8_t)dev->pci.slot;
	irq->pin = dev->intx_pin;
	irq->ioapic_pin = (uint8_t)dev->intx_gsi;
	return true;
}

void vfio_user_dev_detach(struct vfio_user_dev *dev)
{
	if (!dev)
		return;
	if (!atomic_load(&dev->dead) &&
	    (dev->info.flags & VFIO_DEVICE_FLAGS_RESET))
		vu_client_reset(dev->client);
	vud_free(dev);
}
