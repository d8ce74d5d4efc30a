/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_IO_BUS_H
#define MINIVMM_IO_BUS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A bus maps address ranges (port I/O or MMIO) to device handlers. vCPU
 * exits that KVM does not handle itself are dispatched here. Ranges are
 * registered before the vCPUs start and never change while they run, so
 * lookups take no lock.
 */

/*
 * Called for an access of @size bytes (1, 2, 4 or 8) at @offset from the
 * start of the range. For reads, the handler fills @data; for writes,
 * @data holds the value in guest byte order (little endian).
 */
typedef void (*io_handler_fn)(void *opaque, uint64_t offset, uint8_t *data,
			      unsigned int size, bool is_write);

struct io_range {
	uint64_t base;
	uint64_t len;
	io_handler_fn fn;
	void *opaque;
	const char *name;
};

#define IO_BUS_MAX_RANGES 64

struct io_bus {
	const char *name;	/* "port" or "mmio", for messages */
	struct io_range ranges[IO_BUS_MAX_RANGES];
	unsigned int nr;
};

void io_bus_init(struct io_bus *bus, const char *name);

/*
 * io_bus_register - route [base, base + len) to @fn.
 *
 * Returns 0, -EEXIST when the range overlaps one already registered,
 * -ENOSPC when the bus is full, -EINVAL for an empty range.
 */
int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t len,
		    io_handler_fn fn, void *opaque, const char *name);

/*
 * io_bus_dispatch - deliver an access to the range that holds @addr.
 *
 * Returns true when a handler took it. An access no range claims returns
 * false; for reads, @data is then filled with all-ones, as on a PC bus
 * where nothing answers.
 */
bool io_bus_dispatch(const struct io_bus *bus, uint64_t addr, uint8_t *data,
		     unsigned int size, bool is_write);

#endif
