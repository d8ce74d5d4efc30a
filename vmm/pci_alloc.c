// SPDX-License-Identifier: GPL-2.0-only
#include "pci_alloc.h"

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "boot/x86_layout.h"

/* What a BAR register can hold: 16-bit I/O (see pci_bar.c), 32-bit memory. */
#define IO_SPACE_END		0x10000ull
#define MEM32_SPACE_END		0x100000000ull

struct req {
	unsigned int dev;
	unsigned int slot;
	uint64_t size;
	bool is_io;
	bool is_64;
	uint64_t addr;
};

/* Where a window stands: the next free address, and its end. */
struct cursor {
	uint64_t next;
	uint64_t end;
};

void pci_alloc_x86_windows(uint64_t ram_end, uint64_t phys_limit,
			   struct pci_alloc_windows *w)
{
	uint64_t start = ram_end > X86_HIGH_RAM_START ? ram_end :
			 X86_HIGH_RAM_START;

	w->io = (struct pci_alloc_window){ X86_PCI_PIO_START, X86_PCI_PIO_END };
	w->mem32 = (struct pci_alloc_window){ X86_PCI_MMIO32_START,
					      X86_PCI_MMIO32_END };
	start = (start + X86_PCI_MMIO64_ALIGN - 1) & ~(X86_PCI_MMIO64_ALIGN - 1);
	if (start >= phys_limit) {
		w->mem64 = (struct pci_alloc_window){ 0, 0 };
		return;
	}
	w->mem64.start = start;
	w->mem64.end = phys_limit - start < X86_PCI_MMIO64_SIZE ?
		       phys_limit : start + X86_PCI_MMIO64_SIZE;
}

/* Largest first, then device order, then slot: a total order. */
static int req_cmp(const void *a, const void *b)
{
	const struct req *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/*
 * Take the lowest address at or after c->next aligned to r->size that
 * pci_bars_map() would not mistake for a sizing pattern. Returns false
 * (cursor untouched) when the window has no room left for it.
 */
static bool place(struct cursor *c, struct req *r)
{
	uint64_t addr;

	if (c->next >= c->end || r->size > c->end - c->next)
		return false;
	addr = (c->next + r->size - 1) & ~(r->size - 1);
	while (addr >= c->next && addr <= c->end - r->size &&
	       pci_bar_addr_reads_as_sizing(addr, r->size, r->is_io, r->is_64))
		addr += r->size;
	/* addr < c->next: the alignment or the skip wrapped around. */
	if (addr < c->next || addr > c->end - r->size)
		return false;
	r->addr = addr;
	c->next = addr + r->size;
	return true;
}

/* The one sentence that says which BAR did not fit where. */
static void fail(const struct pci_alloc_dev *devs, const struct req *r,
		 const char *win_name, const struct pci_alloc_window *win,
		 bool fell_back, char *why, size_t why_len)
{
	char slot[16];

	if (!why || !why_len)
		return;
	if (r->slot == PCI_BAR_ROM)
		snprintf(slot, sizeof(slot), "ROM");
	else
		snprintf(slot, sizeof(slot), "BAR %u", r->slot);
	snprintf(why, why_len,
		 "device '%s' %s (%s, 0x%llx bytes) does not fit: the %s window [0x%llx, 0x%llx) is full%s",
		 devs[r->dev].name ? devs[r->dev].name : "?", slot,
		 r->is_io ? "I/O" : r->is_64 ? "64-bit memory" : "32-bit memory",
		 (unsigned long long)r->size, win_name,
		 (unsigned long long)win->start, (unsigned long long)win->end,
		 fell_back ? ", and the 64-bit window has no room either" : "");
}

static int collect(const struct pci_alloc_dev *devs, unsigned int nr,
		   struct req *reqs, unsigned int *nr_reqs)
{
	unsigned int d, s, n = 0;

	for (d = 0; d < nr; d++) {
		const struct pci_bars *bars = devs[d].bars;

		if (!bars)
			return -EINVAL;
		if (bars->command & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
			return -EBUSY;
		for (s = 0; s < PCI_BAR_SLOTS; s++) {
			const struct pci_bar_desc *bd = &bars->desc[s];

			/* The upper half of a 64-bit BAR has size 0. */
			if (!bd->size)
				continue;
			reqs[n++] = (struct req){
				.dev = d, .slot = s, .size = bd->size,
				.is_io = bd->is_io, .is_64 = bd->is_64,
			};
		}
	}
	*nr_reqs = n;
	return 0;
}

int pci_alloc_assign(const struct pci_alloc_windows *w,
		     const struct pci_alloc_dev *devs, unsigned int nr,
		     char *why, size_t why_len)
{
	struct cursor io = { w->io.start, w->io.end };
	struct cursor m32 = { w->mem32.start, w->mem32.end };
	struct cursor m64 = { w->mem64.start, w->mem64.end };
	unsigned int i, n;
	struct req *reqs;
	int ret;

	if (!nr)
		return 0;
	if (!devs)
		return -EINVAL;
	/* Each window must fit the registers of the BARs it receives. */
	if ((w->io.start < w->io.end && w->io.end > IO_SPACE_END) ||
	    (w->mem32.start < w->mem32.end && w->mem32.end > MEM32_SPACE_END))
		return -EINVAL;
	reqs = calloc((size_t)nr * PCI_BAR_SLOTS, sizeof(*reqs));
	if (!reqs)
		return -ENOMEM;
	ret = collect(devs, nr, reqs, &n);
	if (ret)
		goto out;
	qsort(reqs, n, sizeof(*reqs), req_cmp);

	/*
	 * One pass in size order: a 64-bit BAR that the 64-bit window
	 * cannot hold tries the 32-bit window at once, in its size rank,
	 * so that window stays packed largest first too.
	 */
	for (i = 0; i < n; i++) {
		struct req *r = &reqs[i];

		if (r->is_io) {
			if (!place(&io, r)) {
				fail(devs, r, "I/O", &w->io, false, why,
				     why_len);
				ret = -ENOSPC;
				goto out;
			}
			continue;
		}
		if (r->is_64 && place(&m64, r))
			continue;
		if (!place(&m32, r)) {
			fail(devs, r, "32-bit MMIO", &w->mem32, r->is_64, why,
			     why_len);
			ret = -ENOSPC;
			goto out;
		}
	}

	for (i = 0; i < n; i++) {
		ret = pci_bars_set_addr(devs[reqs[i].dev].bars, reqs[i].slot,
					reqs[i].addr, NULL);
		/* Placement guarantees alignment and range; decode is off. */
		if (ret)
			goto out;
	}
out:
	free(reqs);
	return ret;
}
