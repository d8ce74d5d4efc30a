// SPDX-License-Identifier: GPL-2.0-only
#include "guest_ram.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "boot/ram_layout.h"
#include "proto/vu_memfd.h"

#define GUEST_RAM_ALIGN (2ull << 20)

int guest_ram_create(struct guest_ram *ram, uint64_t size)
{
	struct x86_ram_region layout[X86_MAX_RAM_REGIONS];
	unsigned int nr, i;
	int ret;

	memset(ram, 0, sizeof(*ram));
	ram->memfd = -1;
	if (size > UINT64_MAX - GUEST_RAM_ALIGN)
		return -ERANGE;
	size = (size + GUEST_RAM_ALIGN - 1) & ~(GUEST_RAM_ALIGN - 1);
	ret = x86_ram_layout(size, layout, &nr);
	if (ret)
		return ret;
	if (nr > GUEST_RAM_MAX_REGIONS)
		return -ERANGE;

	/*
	 * Every vfio-user server gets this fd (DMA_MAP). Sealed, no server
	 * can shrink it under minivmm and the vCPUs (which would die of
	 * SIGBUS on their next access) nor grow it, nor take the seals off.
	 */
	ram->memfd = vu_memfd_create_sealed("minivmm-guest-ram", size);
	if (ram->memfd < 0) {
		ret = ram->memfd;
		ram->memfd = -1;
		return ret;
	}
	/* MAP_NORESERVE: pages are allocated when the guest touches them. */
	ram->base = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_NORESERVE, ram->memfd, 0);
	if (ram->base == MAP_FAILED) {
		ram->base = NULL;
		ret = -errno;
		goto fail;
	}
	/*
	 * Ask for transparent huge pages: KVM then maps guest RAM 2 MiB at a
	 * time, one nested page fault where 4 KiB pages take 512 (the boot
	 * benchmark counted 28037 such faults against QEMU's 1718). shmem
	 * honours it when the host's
	 * /sys/kernel/mm/transparent_hugepage/shmem_enabled is "advise",
	 * "within_size" or "always"; with "never" (Debian's default) it is a
	 * no-op. The devices' mappings of the memfd are theirs to advise.
	 */
	madvise(ram->base, size, MADV_HUGEPAGE);
	ram->size = size;
	for (i = 0; i < nr; i++) {
		ram->regions[i] = (struct guest_ram_region){
			.gpa = layout[i].gpa,
			.size = layout[i].size,
			.offset = layout[i].offset,
			.hva = ram->base + layout[i].offset,
		};
	}
	ram->nr_regions = nr;
	return 0;
fail:
	guest_ram_destroy(ram);
	return ret;
}

void guest_ram_destroy(struct guest_ram *ram)
{
	if (ram->base)
		munmap(ram->base, ram->size);
	if (ram->memfd >= 0)
		close(ram->memfd);
	memset(ram, 0, sizeof(*ram));
	ram->memfd = -1;
}

void *guest_ram_ptr(const struct guest_ram *ram, uint64_t gpa, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < ram->nr_regions; i++) {
		const struct guest_ram_region *r = &ram->regions[i];

		if (gpa >= r->gpa && gpa - r->gpa <= r->size &&
		    len <= r->size - (gpa - r->gpa))
			return r->hva + (gpa - r->gpa);
	}
	return NULL;
}
