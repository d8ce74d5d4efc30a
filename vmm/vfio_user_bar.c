// SPDX-License-Identifier: GPL-2.0-only
/*
 * The BARs of a vfio-user PCI device. Where the guest has put a BAR and
 * enabled decode, three things overlap:
 * - a trap over the whole BAR (pci_space): what exits is forwarded as
 *   REGION_READ/WRITE, except the MSI-X table and PBA, emulated here;
 * - KVM memory slots over the mmappable areas the server offered
 *   (sparse mmap capability), page aligned and cut around the MSI-X
 *   pages: accesses there never exit;
 * - KVM ioeventfds at the doorbells the server offered
 *   (DEVICE_GET_REGION_IO_FDS): writes there wake the server without
 *   an exit to minivmm.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm_vm.h"
#include "proto/vu_memfd.h"
#include "pci_alloc.h"
#include "pci_space.h"
#include "vfio_user_priv.h"
#include "vfio_user_dev.h"
#include "vm.h"

#define VUD_PAGE	4096ull

static uint64_t vud_align_down(uint64_t v)
{
	return v & ~(VUD_PAGE - 1);
}

static uint64_t vud_align_up(uint64_t v)
{
	return (v + VUD_PAGE - 1) & ~(VUD_PAGE - 1);
}

/* Trapped access to BAR @bar of the device. */
static void vud_bar_io(void *opaque, uint64_t off, uint8_t *data,
		       unsigned int size, bool is_write)
{
	struct vud_bar *bar = opaque;
	struct vfio_user_dev *dev = bar->dev;
	unsigned int slot = bar->slot;
	int ret;

	if (dev->msix_ready) {
		uint64_t tsize = msix_table_size(&dev->msix);
		uint64_t psize = msix_pba_size(&dev->msix);

		if (slot == dev->msix_table_bar && off >= dev->msix_table_off &&
		    off - dev->msix_table_off < tsize) {
			off -= dev->msix_table_off;
			if (is_write)
				msix_table_write(&dev->msix, off, data, size);
			else if (msix_table_read(&dev->msix, off, data, size))
				memset(data, 0xff, size);
			return;
		}
		if (slot == dev->msix_pba_bar && off >= dev->msix_pba_off &&
		    off - dev->msix_pba_off < psize) {
			/* Software never writes the PBA (PCI 3.0 §6.8.2.10). */
			if (!is_write &&
			    msix_pba_read(&dev->msix, off - dev->msix_pba_off,
					  data, size))
				memset(data, 0xff, size);
			return;
		}
	}
	if (atomic_load(&dev->dead) || off >= bar->region.size) {
		if (!is_write)
			memset(data, 0xff, size);
		return;
	}
	if (is_write)
		ret = vu_client_region_write(dev->client, slot, off, data, size);
	else
		ret = vu_client_region_read(dev->client, slot, off, data, size);
	if (ret) {
		if (!is_write)
			memset(data, 0xff, size);
		if (ret != -ENOTCONN && ret != -ETIMEDOUT)
			vud_log(dev, "BAR %u: %s of %u bytes at 0x%llx: %s", slot,
				is_write ? "write" : "read", size,
				(unsigned long long)off, strerror(-ret));
	}
}

/* Does page-aligned [start, end) of BAR @slot hold MSI-X structures? */
static void vud_msix_hole(const struct vfio_user_dev *dev, unsigned int slot,
			  uint64_t holes[2][2], unsigned int *nr)
{
	*nr = 0;
	if (!dev->msix_cap)
		return;
	if (dev->msix_table_bar == slot) {
		holes[*nr][0] = vud_align_down(dev->msix_table_off);
		holes[*nr][1] = vud_align_up(dev->msix_table_off +
					     dev->nr_msix * MSIX_ENTRY_SIZE);
		(*nr)++;
	}
	if (dev->msix_pba_bar == slot) {
		holes[*nr][0] = vud_align_down(dev->msix_pba_off);
		holes[*nr][1] = vud_align_up(dev->msix_pba_off +
					     (dev->nr_msix + 63) / 64 * 8);
		(*nr)++;
	}
}

/* Add [start, end) of the BAR as pieces, minus the MSI-X holes. */
static void vud_add_pieces(struct vfio_user_dev *dev, struct vud_bar *bar,
			   uint64_t start, uint64_t end, uint8_t *hva_base,
			   uint64_t hva_start)
{
	uint64_t holes[2][2];
	unsigned int nr, i;

	vud_msix_hole(dev, bar->slot, holes, &nr);
	for (i = 0; i < nr; i++) {
		if (holes[i][0] < end && start < holes[i][1]) {
			if (start < holes[i][0])
				vud_add_pieces(dev, bar, start, holes[i][0],
					       hva_base, hva_start);
			if (holes[i][1] < end)
				vud_add_pieces(dev, bar, holes[i][1], end,
					       hva_base, hva_start);
			return;
		}
	}
	if (start >= end)
		return;
	if (bar->nr_pieces == VUD_MAX_PIECES) {
		vud_log(dev, "BAR %u: more than %u mmappable pieces; [0x%llx, 0x%llx) stays trapped",
			bar->slot, VUD_MAX_PIECES, (unsigned long long)start,
			(unsigned long long)end);
		return;
	}
	bar->pieces[bar->nr_pieces++] = (struct vud_piece){
		.offset = start,
		.size = end - start,
		.hva = hva_base + (start - hva_start),
	};
}

/*
 * mmap each area the server offered and cut it into pieces that can be
 * KVM slots. An area that is not page aligned is shrunk to whole pages;
 * what is cut off stays trapped, which is slower but correct.
 */
static int vud_bar_mmap(struct vfio_user_dev *dev, struct vud_bar *bar)
{
	const struct vu_client_region *r = &bar->region;
	struct vu_why why = { "" };
	int prot = 0, ret;
	unsigned int i;

	if (r->fd < 0 || !(r->flags & VFIO_REGION_INFO_FLAG_MMAP) ||
	    !r->nr_areas)
		return 0;
	if (r->flags & VFIO_REGION_INFO_FLAG_READ)
		prot |= PROT_READ;
	if (r->flags & VFIO_REGION_INFO_FLAG_WRITE)
		prot |= PROT_WRITE;
	for (i = 0; i < r->nr_areas; i++) {
		uint64_t start = vud_align_up(r->areas[i].offset);
		uint64_t end = vud_align_down(r->areas[i].offset + r->areas[i].size);
		void *hva;

		if (start >= end || end > r->size)
			continue;
		if ((r->fd_offset + start) % VUD_PAGE) {
			vud_log(dev, "BAR %u: mmap offset 0x%llx is not page aligned; the area stays trapped",
				bar->slot, (unsigned long long)(r->fd_offset + start));
			continue;
		}
		/*
		 * Only a file that is large enough and sealed against
		 * shrinking becomes guest memory: when a server truncates a
		 * mapped file, KVM retries the guest's access forever (its
		 * asynchronous page fault can never complete; seen with a
		 * guest reading such a BAR), and minivmm never hears of it.
		 */
		ret = vu_fd_check_mappable(r->fd, r->fd_offset + start,
					   end - start, &why);
		if (ret) {
			vud_log(dev, "BAR %u: area [0x%llx, 0x%llx): %s; the area stays trapped",
				bar->slot, (unsigned long long)start,
				(unsigned long long)end, why.msg);
			continue;
		}
		hva = mmap(NULL, end - start, prot, MAP_SHARED, r->fd,
			   (off_t)(r->fd_offset + start));
		if (hva == MAP_FAILED) {
			vud_log(dev, "BAR %u: mmap of [0x%llx, 0x%llx): %s; the area stays trapped",
				bar->slot, (unsigned long long)start,
				(unsigned long long)end, strerror(errno));
			continue;
		}
		if (bar->nr_mmaps == VUD_MAX_PIECES) {
			munmap(hva, end - start);
			vud_log(dev, "BAR %u: more than %u mmappable areas; the rest stay trapped",
				bar->slot, VUD_MAX_PIECES);
			break;
		}
		bar->mmaps[bar->nr_mmaps++] = (struct vud_mmap){ hva, end - start };
		vud_add_pieces(dev, bar, start, end, hva, start);
	}
	return 0;
}

/* Doorbells the server offers for this BAR, as KVM ioeventfds to be. */
static void vud_bar_ioeventfds(struct vfio_user_dev *dev, struct vud_bar *bar,
			       bool is_io)
{
	struct vu_client_io_fds *io = &bar->io;
	unsigned int i;
	int ret;

	ret = vu_client_region_io_fds(dev->client, bar->slot, io);
	if (ret) {
		memset(io, 0, sizeof(*io));
		return;
	}
	for (i = 0; i < io->count; i++) {
		const struct vu_client_io_fd *e = &io->entries[i];
		struct kvm_ioeventfd_desc *d;
		uint32_t len = (uint32_t)e->e.size;

		if (e->e.type != VFIO_USER_IO_FD_TYPE_IOEVENTFD) {
			vud_log(dev, "BAR %u: io fd %u of type %u (not an ioeventfd) is not used; writes there are trapped",
				bar->slot, i, e->e.type);
			continue;
		}
		if (len != 1 && len != 2 && len != 4 && len != 8)
			len = 0;	/* any access length */
		if (is_io && (len == 0 || len == 8)) {
			vud_log(dev, "BAR %u: I/O ioeventfd at 0x%llx of size %llu cannot be matched; trapped",
				bar->slot, (unsigned long long)e->e.offset,
				(unsigned long long)e->e.size);
			continue;
		}
		if (e->e.offset >= bar->region.size) {
			vud_log(dev, "BAR %u: ioeventfd at 0x%llx lies past the BAR's end; ignored",
				bar->slot, (unsigned long long)e->e.offset);
			continue;
		}
		if (bar->nr_ioeventfds == VUD_MAX_IOEVENTFDS) {
			vud_log(dev, "BAR %u: more than %u ioeventfds; the rest are trapped",
				bar->slot, VUD_MAX_IOEVENTFDS);
			break;
		}
		d = &bar->ioeventfds[bar->nr_ioeventfds++];
		*d = (struct kvm_ioeventfd_desc){
			.space = is_io ? KVM_IOEVENTFD_SPACE_PIO :
					 KVM_IOEVENTFD_SPACE_MMIO,
			.addr = e->e.offset,	/* relative until mapped */
			.len = len,
			.datamatch = !!(e->e.flags & KVM_IOEVENTFD_FLAG_DATAMATCH) && len,
			.data = e->e.datamatch,
			.fd = e->fd,
		};
	}
}

int vud_bars_init(struct vfio_user_dev *dev)
{
	struct pci_bar_desc desc[PCI_BAR_SLOTS] = { 0 };
	uint32_t regs[PCI_BAR_NR];
	char why[160];
	unsigned int i;
	int ret;

	ret = vud_config_read_dev(dev, PCI_BASE_ADDRESS_0, regs, sizeof(regs));
	if (ret) {
		vud_log(dev, "cannot read the BAR registers: %s", strerror(-ret));
		return ret;
	}
	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		struct vud_bar *bar = &dev->bar[i];
		uint64_t size = bar->region.size;

		bar->dev = dev;
		bar->slot = i;
		bar->space_handle = -1;
		if (!size)
			continue;
		if (i > 0 && desc[i - 1].is_64 && i < PCI_BAR_NR) {
			vud_log(dev, "BAR %u has a region of %llu bytes but is the upper half of 64-bit BAR %u; ignored",
				i, (unsigned long long)size, i - 1);
			continue;
		}
		if (i == PCI_BAR_ROM) {
			desc[i] = (struct pci_bar_desc){ .size = size };
		} else {
			pci_bar_desc_from_reg(regs[i], size, &desc[i]);
			if (desc[i].is_64 && i == PCI_BAR_NR - 1) {
				vud_log(dev, "BAR 5 says it is 64-bit; taken as 32-bit");
				desc[i].is_64 = false;
			}
		}
		/* Hardware BARs are powers of two; a region need not be. */
		desc[i].size = pci_bar_size_for_region(size, desc[i].is_io);
		if (!desc[i].size) {
			vud_log(dev, "region %u is %#llx bytes, more than any BAR can hold (2^63)",
				i, (unsigned long long)size);
			return -EINVAL;
		}
	}
	ret = pci_bars_init(&dev->bars, desc, why, sizeof(why));
	if (ret) {
		vud_log(dev, "%s", why);
		return ret;
	}
	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		struct vud_bar *bar = &dev->bar[i];

		if (!desc[i].size)
			continue;
		vud_bar_mmap(dev, bar);
		if (i != PCI_BAR_ROM)
			vud_bar_ioeventfds(dev, bar, desc[i].is_io);
	}
	return 0;
}

static void vud_bar_unmap(struct vfio_user_dev *dev, struct vud_bar *bar)
{
	struct vm *vm = dev->vm;
	const char *why = "";
	unsigned int i;

	for (i = 0; i < bar->nr_pieces; i++) {
		if (!bar->pieces[i].mapped)
			continue;
		kvm_vm_memslot_remove(&vm->kvm, bar->pieces[i].slot);
		bar->pieces[i].mapped = false;
	}
	if (bar->map.on) {
		for (i = 0; i < bar->nr_ioeventfds; i++) {
			struct kvm_ioeventfd_desc d = bar->ioeventfds[i];

			if (!(bar->ioeventfds_on & (1u << i)))
				continue;
			d.addr += bar->map.addr;
			kvm_ioeventfd_deassign(vm->kvm.vm_fd, &d, &why);
		}
		bar->ioeventfds_on = 0;
	}
	if (bar->space_handle >= 0)
		pci_space_unmap(&vm->pci_space, bar->space_handle);
	bar->space_handle = -1;
	bar->map.on = false;
}

static void vud_bar_map(struct vfio_user_dev *dev, struct vud_bar *bar,
			const struct pci_bar_map *map)
{
	struct vm *vm = dev->vm;
	const char *why = "";
	unsigned int i;
	int ret;

	ret = pci_space_map(&vm->pci_space, map->is_io, map->addr, map->size,
			    vud_bar_io, bar);
	if (ret < 0) {
		vud_log(dev, "BAR %u at 0x%llx: %s; its trapped registers do not answer there",
			bar->slot, (unsigned long long)map->addr,
			ret == -EEXIST ? "overlaps another BAR" : strerror(-ret));
	}
	bar->space_handle = ret;
	bar->map = *map;
	if (map->is_io)
		goto ioeventfds;
	for (i = 0; i < bar->nr_pieces; i++) {
		struct vud_piece *p = &bar->pieces[i];

		ret = kvm_vm_memslot_add(&vm->kvm, map->addr + p->offset,
					 p->size, p->hva, 0, &p->slot);
		if (ret) {
			vud_log(dev, "BAR %u: KVM slot for [0x%llx, +0x%llx): %s; trapped instead",
				bar->slot,
				(unsigned long long)(map->addr + p->offset),
				(unsigned long long)p->size, strerror(-ret));
			continue;
		}
		p->mapped = true;
	}
ioeventfds:
	for (i = 0; i < bar->nr_ioeventfds; i++) {
		struct kvm_ioeventfd_desc d = bar->ioeventfds[i];

		d.addr += map->addr;
		ret = kvm_ioeventfd_assign(vm->kvm.vm_fd, &d, &why);
		if (!ret) {
			bar->ioeventfds_on |= 1u << i;
			continue;
		}
		/* Said once: the guest moves BARs (and sizes them) often,
		 * and the next place may work. */
		if (bar->ioeventfds_warned & (1u << i))
			continue;
		bar->ioeventfds_warned |= 1u << i;
		vud_log(dev, "BAR %u: ioeventfd at 0x%llx: %s: %s; writes there are trapped",
			bar->slot, (unsigned long long)d.addr, why,
			strerror(-ret));
	}
}

void vud_bars_apply(struct vfio_user_dev *dev,
		    const struct pci_bar_changes *changes)
{
	unsigned int i;

	for (i = 0; i < changes->nr; i++) {
		const struct pci_bar_change *c = &changes->c[i];
		struct vud_bar *bar = &dev->bar[c->slot];

		if (c->old.on)
			vud_bar_unmap(dev, bar);
		if (c->new.on)
			vud_bar_map(dev, bar, &c->new);
	}
}

void vud_bars_release(struct vfio_user_dev *dev)
{
	unsigned int i, j;

	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		struct vud_bar *bar = &dev->bar[i];

		if (bar->dev)
			vud_bar_unmap(dev, bar);
		for (j = 0; j < bar->nr_mmaps; j++)
			munmap(bar->mmaps[j].base, bar->mmaps[j].size);
		bar->nr_mmaps = 0;
		bar->nr_pieces = 0;
		vu_client_io_fds_release(&bar->io);
	}
}

/*
 * Firmware's job, done before the guest runs: place every BAR (pci_alloc)
 * and turn on decode for the spaces the device uses, so that the guest
 * finds its BARs programmed and reachable, and keeps them.
 */
int vfio_user_dev_assign_bars(struct vm *vm, struct vfio_user_dev **devs,
			      unsigned int nr)
{
	struct pci_alloc_dev adevs[CLI_MAX_VFIO_USER];
	struct pci_alloc_windows w;
	char why[200];
	unsigned int i, s;
	int ret;

	if (nr > CLI_MAX_VFIO_USER)
		return -EINVAL;
	for (i = 0; i < nr; i++)
		adevs[i] = (struct pci_alloc_dev){ devs[i]->name, &devs[i]->bars };
	vm_pci_windows(vm, &w);
	ret = pci_alloc_assign(&w, adevs, nr, why, sizeof(why));
	if (ret) {
		fprintf(stderr, "minivmm: cannot place the PCI BARs: %s\n", why);
		return ret;
	}
	for (i = 0; i < nr; i++) {
		struct vfio_user_dev *dev = devs[i];
		struct pci_bar_changes changes;
		uint16_t cmd = 0;

		for (s = 0; s < PCI_BAR_NR; s++) {
			if (!dev->bars.desc[s].size)
				continue;
			cmd |= dev->bars.desc[s].is_io ? PCI_COMMAND_IO :
							 PCI_COMMAND_MEMORY;
		}
		pthread_mutex_lock(&dev->lock);
		dev->command = cmd;
		pci_bars_set_command(&dev->bars, cmd, &changes);
		vud_bars_apply(dev, &changes);
		pthread_mutex_unlock(&dev->lock);
		vu_client_region_write(dev->client, VFIO_PCI_CONFIG_REGION_INDEX,
				       PCI_COMMAND, &cmd, sizeof(cmd));
	}
	return 0;
}
