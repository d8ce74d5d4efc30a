// SPDX-License-Identifier: GPL-2.0-only
#include "pci_space.h"

#include <errno.h>
#include <string.h>

bool pci_space_access(struct pci_space *space, bool pio, uint64_t addr,
		      uint8_t *data, unsigned int size, bool is_write)
{
	bool taken = false;
	unsigned int i;

	pthread_rwlock_rdlock(&space->lock);
	for (i = 0; i < PCI_SPACE_MAX_RANGES; i++) {
		struct pci_space_range *r = &space->ranges[i];

		if (!r->used || r->pio != pio || addr < r->base ||
		    addr - r->base >= r->len)
			continue;
		/* A BAR decodes its own bytes only: a straddling access is dropped. */
		if (addr - r->base + size <= r->len) {
			r->fn(r->opaque, addr - r->base, data, size, is_write);
			taken = true;
		}
		break;
	}
	pthread_rwlock_unlock(&space->lock);
	if (!taken && !is_write)
		memset(data, 0xff, size);
	return taken;
}

static void window_io(void *opaque, uint64_t offset, uint8_t *data,
		      unsigned int size, bool is_write)
{
	struct pci_space_window *w = opaque;

	pci_space_access(w->space, w->pio, w->base + offset, data, size,
			 is_write);
}

static int window_add(struct pci_space *space, unsigned int i,
		      struct io_bus *bus, bool pio, uint64_t start,
		      uint64_t end, const char *name)
{
	struct pci_space_window *w = &space->windows[i];

	*w = (struct pci_space_window){ .space = space, .base = start, .pio = pio };
	if (end <= start)
		return 0;
	return io_bus_register(bus, start, end - start, window_io, w, name);
}

int pci_space_init(struct pci_space *space, struct io_bus *pio,
		   struct io_bus *mmio, uint64_t pio_start, uint64_t pio_end,
		   uint64_t mmio32_start, uint64_t mmio32_end,
		   uint64_t mmio64_start, uint64_t mmio64_end)
{
	int ret;

	memset(space, 0, sizeof(*space));
	ret = pthread_rwlock_init(&space->lock, NULL);
	if (ret)
		return -ret;
	ret = window_add(space, 0, pio, true, pio_start, pio_end, "pci-io");
	if (!ret)
		ret = window_add(space, 1, mmio, false, mmio32_start, mmio32_end,
				 "pci-mmio32");
	if (!ret)
		ret = window_add(space, 2, mmio, false, mmio64_start, mmio64_end,
				 "pci-mmio64");
	if (ret)
		pthread_rwlock_destroy(&space->lock);
	return ret;
}

void pci_space_destroy(struct pci_space *space)
{
	pthread_rwlock_destroy(&space->lock);
}

int pci_space_map(struct pci_space *space, bool pio, uint64_t base,
		  uint64_t len, io_handler_fn fn, void *opaque)
{
	int i, free_slot = -1;

	if (!len || base + len < base)
		return -EINVAL;
	pthread_rwlock_wrlock(&space->lock);
	for (i = 0; i < PCI_SPACE_MAX_RANGES; i++) {
		struct pci_space_range *r = &space->ranges[i];

		if (!r->used) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (r->pio == pio && base < r->base + r->len &&
		    r->base < base + len) {
			pthread_rwlock_unlock(&space->lock);
			return -EEXIST;
		}
	}
	if (free_slot >= 0)
		space->ranges[free_slot] = (struct pci_space_range){
			.base = base, .len = len, .fn = fn, .opaque = opaque,
			.pio = pio, .used = true,
		};
	pthread_rwlock_unlock(&space->lock);
	return free_slot >= 0 ? free_slot : -ENOSPC;
}

void pci_space_unmap(struct pci_space *space, int handle)
{
	if (handle < 0 || handle >= PCI_SPACE_MAX_RANGES)
		return;
	pthread_rwlock_wrlock(&space->lock);
	space->ranges[handle].used = false;
	pthread_rwlock_unlock(&space->lock);
}
