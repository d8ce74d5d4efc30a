// SPDX-License-Identifier: GPL-2.0-only
#include "platform.h"

#include <stdio.h>
#include <string.h>

#include "boot/x86_layout.h"
#include "vm.h"

#define I8042_CMD_RESET_CPU	0xfe
/*
 * Status as read at 0x64: output buffer full, input buffer empty. Linux's
 * i8042_flush() then drains 16 bytes and decides at once that there is no
 * controller (instead of timing out on commands for a second), and its
 * reboot path's kb_wait() sees the input buffer ready for the 0xFE.
 */
#define I8042_STATUS		0x01

static uint64_t le_value(const uint8_t *data, unsigned int size)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)data[i] << (8 * i);
	return v;
}

static void i8042_io(void *opaque, uint64_t offset, uint8_t *data,
		     unsigned int size, bool is_write)
{
	struct platform *p = opaque;

	if (!is_write) {
		memset(data, 0, size);
		if (offset == 4)
			data[0] = I8042_STATUS;
		return;
	}
	/* offset 4 is the command port 0x64 (the range starts at 0x60). */
	if (offset == 4 && data[0] == I8042_CMD_RESET_CPU)
		vm_request_stop(p->vm, 0, "guest rebooted (i8042 reset)");
}

static void test_exit_io(void *opaque, uint64_t offset, uint8_t *data,
			 unsigned int size, bool is_write)
{
	struct platform *p = opaque;
	uint64_t v;

	(void)offset;
	if (!is_write) {
		memset(data, 0xff, size);
		return;
	}
	v = le_value(data, size);
	vm_request_stop(p->vm, (int)(v & 0xff),
			"guest wrote %llu to the test-exit port",
			(unsigned long long)v);
}

static void boot_timing_io(void *opaque, uint64_t offset, uint8_t *data,
			   unsigned int size, bool is_write)
{
	struct platform *p = opaque;
	double ms = vm_elapsed_ms(p->vm);
	unsigned int n;

	(void)offset;
	if (!is_write) {
		memset(data, 0xff, size);
		return;
	}
	pthread_mutex_lock(&p->lock);
	n = ++p->boot_timing_writes;
	pthread_mutex_unlock(&p->lock);
	if (p->vm->opts->boot_timing)
		fprintf(stderr, "minivmm: boot-timing: write %u value 0x%llx at %.3f ms\n",
			n, (unsigned long long)le_value(data, size), ms);
	/*
	 * With --exit-stats too, the exits so far: a guest brackets a piece
	 * of work with two writes to see what it cost in exits to minivmm.
	 */
	if (p->vm->opts->boot_timing && p->vm->opts->exit_stats)
		fprintf(stderr, "minivmm: boot-timing: write %u exits so far: mmio %llu pio %llu\n",
			n, (unsigned long long)exit_stats_get(&p->vm->stats, EXIT_MMIO),
			(unsigned long long)exit_stats_get(&p->vm->stats, EXIT_PIO));
}

static void cmos_io(void *opaque, uint64_t offset, uint8_t *data,
		    unsigned int size, bool is_write)
{
	struct platform *p = opaque;

	pthread_mutex_lock(&p->lock);
	if (offset == 0) {
		if (is_write)
			p->cmos_index = data[0] & 0x7f;	/* bit 7: NMI mask */
		else
			memset(data, 0xff, size);
	} else if (!is_write) {
		memset(data, 0, size);
	}
	pthread_mutex_unlock(&p->lock);
}

static void post_io(void *opaque, uint64_t offset, uint8_t *data,
		    unsigned int size, bool is_write)
{
	(void)opaque;
	(void)offset;
	if (!is_write)
		memset(data, 0xff, size);
}

int platform_init(struct platform *p, struct vm *vm)
{
	static const struct {
		uint16_t port;
		uint16_t len;
		io_handler_fn fn;
		const char *name;
	} ports[] = {
		{ X86_PORT_I8042_DATA, 5, i8042_io, "i8042" },
		{ X86_PORT_TEST_EXIT, 4, test_exit_io, "test-exit" },
		{ X86_PORT_BOOT_TIMING, 4, boot_timing_io, "boot-timing" },
		{ X86_PORT_CMOS_INDEX, 2, cmos_io, "cmos" },
		{ X86_PORT_POST, 1, post_io, "post" },
	};
	unsigned int i;
	int ret;

	memset(p, 0, sizeof(*p));
	p->vm = vm;
	pthread_mutex_init(&p->lock, NULL);
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		ret = io_bus_register(&vm->pio, ports[i].port, ports[i].len,
				      ports[i].fn, p, ports[i].name);
		if (ret)
			return ret;
	}
	return 0;
}
