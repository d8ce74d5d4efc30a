/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_GUEST_RAM_H
#define MINIVMM_GUEST_RAM_H

#include <stdint.h>

/*
 * Guest RAM: one memfd (so that it can be handed to vfio-user devices with
 * DMA_MAP), mapped once into minivmm, split into guest-physical regions
 * around the 32-bit MMIO hole (boot/ram_layout.h decides where).
 */

#define GUEST_RAM_MAX_REGIONS 2

struct guest_ram_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t offset;	/* in the memfd and in the mapping */
	uint8_t *hva;
};

struct guest_ram {
	int memfd;
	uint8_t *base;		/* mapping of the whole memfd */
	uint64_t size;
	struct guest_ram_region regions[GUEST_RAM_MAX_REGIONS];
	unsigned int nr_regions;
};

/*
 * guest_ram_create - allocate @size bytes of guest RAM (rounded up to 2 MiB).
 * The memfd is sealed against shrinking and growing (F_SEAL_SHRINK,
 * F_SEAL_GROW, F_SEAL_SEAL): a device that gets it cannot pull guest RAM
 * from under minivmm.
 *
 * Returns 0 or -errno: -EINVAL/-ERANGE when the size cannot be laid out,
 * or the error of memfd_create/ftruncate/mmap.
 */
int guest_ram_create(struct guest_ram *ram, uint64_t size);
void guest_ram_destroy(struct guest_ram *ram);

/*
 * guest_ram_ptr - host pointer to [gpa, gpa + len) of guest RAM, or NULL
 * when the range is not entirely inside one RAM region.
 */
void *guest_ram_ptr(const struct guest_ram *ram, uint64_t gpa, uint64_t len);

#endif
