// SPDX-License-Identifier: GPL-2.0-only
#include "io_bus.h"

#include <errno.h>
#include <string.h>

void io_bus_init(struct io_bus *bus, const char *name)
{
	memset(bus, 0, sizeof(*bus));
	bus->name = name;
}

int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t len,
		    io_handler_fn fn, void *opaque, const char *name)
{
	unsigned int i;

	if (!len || base + len < base)
		return -EINVAL;
	for (i = 0; i < bus->nr; i++) {
		const struct io_range *r = &bus->ranges[i];

		if (base < r->base + r->len && r->base < base + len)
			return -EEXIST;
	}
	if (bus->nr == IO_BUS_MAX_RANGES)
		return -ENOSPC;
	bus->ranges[bus->nr++] = (struct io_range){
		.base = base, .len = len, .fn = fn, .opaque = opaque,
		.name = name,
	};
	return 0;
}

bool io_bus_dispatch(const struct io_bus *bus, uint64_t addr, uint8_t *data,
		     unsigned int size, bool is_write)
{
	unsigned int i;

	for (i = 0; i < bus->nr; i++) {
		const struct io_range *r = &bus->ranges[i];

		if (addr >= r->base && addr - r->base < r->len) {
			r->fn(r->opaque, addr - r->base, data, size, is_write);
			return true;
		}
	}
	if (!is_write)
		memset(data, 0xff, size);
	return false;
}
