// SPDX-License-Identifier: GPL-2.0-only
#include "pci_bar.h"

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define IO_SPACE_END		0x10000ull	/* x86 port space */
#define MEM32_SPACE_END		0x100000000ull
#define BAR_IO_MIN		4ull
#define BAR_IO_MAX		0x10000ull
#define BAR_MEM_MIN		16ull
#define BAR_MEM32_MAX		0x80000000ull
#define BAR_MEM64_MAX		(1ull << 63)
#define BAR_ROM_MIN		0x800ull
#define BAR_ROM_MAX		0x80000000ull

__attribute__((format(printf, 3, 4)))
static int reject(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (why && why_len) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Slot @i is the register holding the upper half of the 64-bit BAR i - 1. */
static bool is_upper_half(const struct pci_bars *bars, unsigned int i)
{
	return i > 0 && i < PCI_BAR_NR && bars->desc[i - 1].size &&
	       bars->desc[i - 1].is_64;
}

static bool is_bar(const struct pci_bars *bars, unsigned int slot)
{
	return slot < PCI_BAR_SLOTS && bars->desc[slot].size &&
	       !is_upper_half(bars, slot);
}

/*
 * The register of slot @i as hardware builds it (6.2.5.1): @wmask the bits
 * software can change, @fixed the read-only bits that read as one (the
 * type). Everything else reads 0: address bits below the size, reserved
 * bits, unimplemented registers, and for I/O BARs the upper 16 bits, which
 * the spec lets "devices intended for 16-bit I/O systems, such as PC
 * compatibles" hardwire to 0.
 */
static void reg_masks(const struct pci_bars *bars, unsigned int i,
		      uint32_t *wmask, uint32_t *fixed)
{
	const struct pci_bar_desc *d = &bars->desc[i];
	uint64_t size_mask;

	*wmask = 0;
	*fixed = 0;
	if (is_upper_half(bars, i)) {
		*wmask = (uint32_t)(~(bars->desc[i - 1].size - 1) >> 32);
		return;
	}
	if (!d->size)
		return;
	size_mask = ~(d->size - 1);
	if (i == PCI_BAR_ROM) {
		*wmask = ((uint32_t)size_mask & PCI_ROM_ADDRESS_MASK) |
			 PCI_ROM_ADDRESS_ENABLE;
	} else if (d->is_io) {
		*wmask = (uint32_t)size_mask & 0xfffc;
		*fixed = PCI_BASE_ADDRESS_SPACE_IO;
	} else {
		*wmask = (uint32_t)size_mask & (uint32_t)PCI_BASE_ADDRESS_MEM_MASK;
		*fixed = (d->is_64 ? PCI_BASE_ADDRESS_MEM_TYPE_64 : 0) |
			 (d->prefetch ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
	}
}

/* The address bits of register @i: writable bits but the ROM enable. */
static uint32_t addr_mask(const struct pci_bars *bars, unsigned int i)
{
	uint32_t wmask, fixed;

	reg_masks(bars, i, &wmask, &fixed);
	if (i == PCI_BAR_ROM)
		wmask &= ~(uint32_t)PCI_ROM_ADDRESS_ENABLE;
	return wmask;
}

static bool reg_is_sizing(const struct pci_bars *bars, unsigned int i)
{
	uint32_t m = addr_mask(bars, i);

	return m && (bars->reg[i] & m) == m;
}

int pci_bars_init(struct pci_bars *bars,
		  const struct pci_bar_desc desc[PCI_BAR_SLOTS],
		  char *why, size_t why_len)
{
	struct pci_bars nb;
	unsigned int i;

	memset(&nb, 0, sizeof(nb));
	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		const struct pci_bar_desc *d = &desc[i];
		uint64_t min, max;

		if (!d->size)
			continue;
		if (!is_pow2(d->size))
			return reject(why, why_len,
				      "BAR %u: size 0x%llx is not a power of two",
				      i, (unsigned long long)d->size);
		if (i > 0 && i < PCI_BAR_NR && nb.desc[i - 1].is_64)
			return reject(why, why_len,
				      "BAR %u: implemented, but BAR %u is 64-bit and uses its register",
				      i, i - 1);
		if (i == PCI_BAR_ROM) {
			if (d->is_io || d->is_64 || d->prefetch)
				return reject(why, why_len,
					      "expansion ROM: must be 32-bit, non-prefetchable memory");
			min = BAR_ROM_MIN;
			max = BAR_ROM_MAX;
		} else if (d->is_io) {
			if (d->is_64 || d->prefetch)
				return reject(why, why_len,
					      "BAR %u: an I/O BAR is neither 64-bit nor prefetchable",
					      i);
			min = BAR_IO_MIN;
			max = BAR_IO_MAX;
		} else {
			if (d->is_64 && i == PCI_BAR_NR - 1)
				return reject(why, why_len,
					      "BAR 5: 64-bit, with no register after it for the upper half");
			min = BAR_MEM_MIN;
			max = d->is_64 ? BAR_MEM64_MAX : BAR_MEM32_MAX;
		}
		if (d->size < min || d->size > max)
			return reject(why, why_len,
				      "%s %u: size 0x%llx outside [0x%llx, 0x%llx]",
				      i == PCI_BAR_ROM ? "ROM slot" : "BAR", i,
				      (unsigned long long)d->size,
				      (unsigned long long)min,
				      (unsigned long long)max);
		nb.desc[i] = *d;
	}
	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		uint32_t wmask;

		reg_masks(&nb, i, &wmask, &nb.reg[i]);
	}
	*bars = nb;
	return 0;
}

void pci_bar_desc_from_reg(uint32_t reg, uint64_t size,
			   struct pci_bar_desc *desc)
{
	memset(desc, 0, sizeof(*desc));
	desc->size = size;
	if (reg & PCI_BASE_ADDRESS_SPACE_IO) {
		desc->is_io = true;
		return;
	}
	desc->is_64 = (reg & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
		      PCI_BASE_ADDRESS_MEM_TYPE_64;
	desc->prefetch = reg & PCI_BASE_ADDRESS_MEM_PREFETCH;
}

uint64_t pci_bar_size_for_region(uint64_t size, bool is_io)
{
	uint64_t bar = is_io ? 4 : 16;

	if (size > 1ull << 63)
		return 0;
	while (bar < size)
		bar <<= 1;
	return bar;
}

bool pci_bars_claims(unsigned int offset, unsigned int size)
{
	return (offset >= PCI_BASE_ADDRESS_0 &&
		offset + size <= PCI_BASE_ADDRESS_5 + 4) ||
	       (offset >= PCI_ROM_ADDRESS && offset + size <= PCI_ROM_ADDRESS + 4);
}

static bool access_ok(unsigned int offset, unsigned int size)
{
	return (size == 1 || size == 2 || size == 4) && !(offset & (size - 1)) &&
	       pci_bars_claims(offset, size);
}

static unsigned int reg_index(unsigned int offset)
{
	if (offset >= PCI_ROM_ADDRESS)
		return PCI_BAR_ROM;
	return (offset - PCI_BASE_ADDRESS_0) / 4;
}

uint64_t pci_bars_addr(const struct pci_bars *bars, unsigned int slot)
{
	uint64_t addr;

	if (!is_bar(bars, slot))
		return 0;
	addr = bars->reg[slot] & addr_mask(bars, slot);
	if (bars->desc[slot].is_64)
		addr |= (uint64_t)bars->reg[slot + 1] << 32;
	return addr;
}

void pci_bars_map(const struct pci_bars *bars, unsigned int slot,
		  struct pci_bar_map *map)
{
	const struct pci_bar_desc *d;
	uint16_t enable;
	uint64_t addr, end;

	memset(map, 0, sizeof(*map));
	if (!is_bar(bars, slot))
		return;
	d = &bars->desc[slot];
	map->size = d->size;
	map->is_io = d->is_io;

	enable = d->is_io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
	if (!(bars->command & enable))
		return;
	if (slot == PCI_BAR_ROM && !(bars->reg[slot] & PCI_ROM_ADDRESS_ENABLE))
		return;
	if (reg_is_sizing(bars, slot) ||
	    (d->is_64 && reg_is_sizing(bars, slot + 1)))
		return;
	addr = pci_bars_addr(bars, slot);
	if (!addr)
		return;
	/* Cannot happen once sizing patterns are excluded; kept as a guard. */
	end = d->is_io ? IO_SPACE_END : d->is_64 ? 0 : MEM32_SPACE_END;
	if (end && addr + d->size > end)
		return;
	if (!end && addr + d->size < addr)
		return;
	map->on = true;
	map->addr = addr;
}

static void snapshot(const struct pci_bars *bars,
		     struct pci_bar_map maps[PCI_BAR_SLOTS])
{
	unsigned int i;

	for (i = 0; i < PCI_BAR_SLOTS; i++)
		pci_bars_map(bars, i, &maps[i]);
}

static void diff(const struct pci_bars *bars,
		 const struct pci_bar_map before[PCI_BAR_SLOTS],
		 struct pci_bar_changes *changes)
{
	struct pci_bar_map now;
	unsigned int i;

	if (!changes)
		return;
	changes->nr = 0;
	for (i = 0; i < PCI_BAR_SLOTS; i++) {
		pci_bars_map(bars, i, &now);
		if (now.on == before[i].on &&
		    (!now.on || now.addr == before[i].addr))
			continue;
		changes->c[changes->nr++] = (struct pci_bar_change){
			.slot = i, .old = before[i], .new = now,
		};
	}
}

int pci_bars_read(const struct pci_bars *bars, unsigned int offset,
		  uint8_t *data, unsigned int size)
{
	uint32_t v;
	unsigned int i;

	if (!access_ok(offset, size))
		return -EINVAL;
	v = bars->reg[reg_index(offset)] >> (8 * (offset & 3));
	for (i = 0; i < size; i++)
		data[i] = (uint8_t)(v >> (8 * i));
	return 0;
}

static void reg_store(struct pci_bars *bars, unsigned int i, uint32_t v)
{
	uint32_t wmask, fixed;

	reg_masks(bars, i, &wmask, &fixed);
	bars->reg[i] = (v & wmask) | fixed;
}

int pci_bars_write(struct pci_bars *bars, unsigned int offset,
		   const uint8_t *data, unsigned int size,
		   struct pci_bar_changes *changes)
{
	struct pci_bar_map before[PCI_BAR_SLOTS];
	unsigned int i, r, shift;
	uint32_t v;

	if (!access_ok(offset, size))
		return -EINVAL;
	snapshot(bars, before);
	r = reg_index(offset);
	shift = 8 * (offset & 3);
	v = bars->reg[r];
	for (i = 0; i < size; i++) {
		v &= ~(0xffu << (shift + 8 * i));
		v |= (uint32_t)data[i] << (shift + 8 * i);
	}
	reg_store(bars, r, v);
	diff(bars, before, changes);
	return 0;
}

void pci_bars_set_command(struct pci_bars *bars, uint16_t command,
			  struct pci_bar_changes *changes)
{
	struct pci_bar_map before[PCI_BAR_SLOTS];

	snapshot(bars, before);
	bars->command = command;
	diff(bars, before, changes);
}

int pci_bars_set_addr(struct pci_bars *bars, unsigned int slot,
		      uint64_t addr, struct pci_bar_changes *changes)
{
	struct pci_bar_map before[PCI_BAR_SLOTS];
	const struct pci_bar_desc *d;
	uint64_t end;
	uint32_t lo;

	if (!is_bar(bars, slot))
		return -EINVAL;
	d = &bars->desc[slot];
	if (addr & (d->size - 1))
		return -EINVAL;
	end = d->is_io ? IO_SPACE_END : d->is_64 ? 0 : MEM32_SPACE_END;
	if (end ? addr > end - d->size : addr > 0 - d->size)
		return -EINVAL;

	snapshot(bars, before);
	lo = (uint32_t)addr;
	if (slot == PCI_BAR_ROM)
		lo |= bars->reg[slot] & PCI_ROM_ADDRESS_ENABLE;
	reg_store(bars, slot, lo);
	if (d->is_64)
		reg_store(bars, slot + 1, (uint32_t)(addr >> 32));
	diff(bars, before, changes);
	return 0;
}

bool pci_bar_addr_reads_as_sizing(uint64_t addr, uint64_t size, bool is_io,
				  bool is_64)
{
	uint64_t size_mask = ~(size - 1);
	uint32_t lo_mask, hi_mask;

	if (is_io) {
		lo_mask = (uint32_t)size_mask & 0xfffc;
		hi_mask = 0;
	} else {
		/* The ROM's bits 10:1 lie below any ROM size: same test. */
		lo_mask = (uint32_t)size_mask & (uint32_t)PCI_BASE_ADDRESS_MEM_MASK;
		hi_mask = is_64 ? (uint32_t)(size_mask >> 32) : 0;
	}
	return (lo_mask && ((uint32_t)addr & lo_mask) == lo_mask) ||
	       (hi_mask && ((uint32_t)(addr >> 32) & hi_mask) == hi_mask);
}

void pci_bars_reset(struct pci_bars *bars, struct pci_bar_changes *changes)
{
	struct pci_bar_map before[PCI_BAR_SLOTS];
	unsigned int i;
	uint32_t wmask;

	snapshot(bars, before);
	bars->command = 0;
	for (i = 0; i < PCI_BAR_SLOTS; i++)
		reg_masks(bars, i, &wmask, &bars->reg[i]);
	diff(bars, before, changes);
}
