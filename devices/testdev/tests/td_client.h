/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_TESTDEV_TESTS_TD_CLIENT_H
#define MINIVMM_DEVICES_TESTDEV_TESTS_TD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/framework/tests/child.h"
#include "devices/testdev/testdev_regs.h"
#include "proto/client/vu_client.h"

/*
 * What the tests that drive vfio-user-testdev through the client library
 * (proto/client) share: the device as a child process, a client with a
 * "guest memory" that serves the device's DMA_READ/DMA_WRITE, register
 * and config accessors, eventfd helpers, the DMA engine, and the fd
 * accounting every case ends with (test process and device process back
 * to the fds they had before the case).
 *
 * The accessors assert (Check) and are for the test's main thread; the
 * td_try_* ones return an errno and may be used from other threads.
 */

#define TD_BAR0	TESTDEV_REGS_BAR
#define TD_BAR2	TESTDEV_MEM_BAR
#define TD_CFG	VFIO_PCI_CONFIG_REGION_INDEX
#define TD_RW	(VFIO_USER_DMA_MAP_FLAG_READ | VFIO_USER_DMA_MAP_FLAG_WRITE)

/* Memory the client's dma_access callback serves, at [iova, iova+size). */
struct td_mem {
	uint64_t iova;
	uint64_t size;
	uint8_t *p;
	unsigned int reads, writes;	/* requests served (atomic) */
};

struct td {
	const char *bin;		/* vfio-user-testdev */
	struct child ch;
	bool running;
	int test_fds0;			/* our fds before the case */
	int dev_fds0;			/* the device's, with no client */
	struct vu_client *cl;
	struct td_mem mem;
};

extern struct td td;

/* Checked fixture: note our fd count. td.bin must be set. */
void td_setup(void);
/*
 * Checked fixture: the client is alive (its error is NULL), close it; the
 * device is back to its fds within 3 s and stops with status 0 on SIGTERM;
 * this process has the fds it had at td_setup().
 */
void td_teardown(void);

/* Start the device with @extra options (NULL-terminated, may be NULL). */
void td_start(const char *const *extra);
/* Connect td.cl, offering the twin socket if @twin. */
void td_connect(bool twin);
/* Close td.cl and wait until the device has dropped the connection. */
void td_disconnect(void);

/* Registers (BAR0) and config space, asserting success. */
uint32_t td_reg(uint32_t off);
void td_set_reg(uint32_t off, uint32_t v);
uint32_t td_cfg(uint32_t off, uint32_t len);
void td_set_cfg(uint32_t off, uint32_t v, uint32_t len);
/* Wait up to @ms for (register & @mask) == @want; returns the last value. */
uint32_t td_wait_reg(uint32_t off, uint32_t mask, uint32_t want, int ms);

/* The same without asserting: 0 or a negative errno. */
int td_try_reg(uint32_t region, uint64_t off, uint32_t *v);
int td_try_set_reg(uint32_t region, uint64_t off, uint32_t v);

/* A non-blocking eventfd; whether @fd fired within @ms (then drained). */
int td_efd(void);
bool td_fired(int fd, int ms);

/* A memfd of @size bytes mapped here; *@fd gets the fd. */
uint8_t *td_memfd(size_t size, int *fd);

/*
 * Run the DMA engine: @cmd (TESTDEV_DMA_CMD_*) from @src to @dst of @len
 * bytes (@pattern for FILL) and wait (5 s) until it is no longer busy.
 * Returns DMA_STATUS, or 0 on a timeout or an access error. Thread-safe
 * as long as one thread at a time uses the engine.
 */
uint32_t td_dma_run(uint32_t cmd, uint64_t src, uint64_t dst, uint32_t len,
		    uint32_t pattern);

/* Fill @p with bytes from @seed. */
void td_fill(uint8_t *p, size_t n, unsigned int seed);

#endif
