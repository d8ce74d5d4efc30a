/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_TESTDEV_TESTDEV_H
#define MINIVMM_DEVICES_TESTDEV_TESTDEV_H

#include <stdbool.h>

#include "devices/framework/vus.h"
#include "devices/testdev/testdev_regs.h"

/*
 * The test device as a library, so that its main() stays a few lines
 * and tests may run it in-process. Register map: testdev_regs.h.
 */

struct testdev;

struct testdev_options {
	bool no_mmap;		/* BAR2 wholly trapped */
	bool no_ioeventfd;	/* DOORBELL a trapped register */
	bool intx_only;		/* no MSI, no MSI-X (and no BAR4) */
	bool no_rom;
	bool dma_messages;	/* DMA map fds ignored: DMA by messages only */
};

/*
 * testdev_create - declare and realize the device, start its thread.
 * Returns 0 with *@out, or a negative errno (logged).
 */
int testdev_create(const struct testdev_options *opts, struct testdev **out);

/* The framework device to serve (vus_run()). */
struct vus_dev *testdev_vus(struct testdev *t);

/* Stop the device thread and free everything. Serving must be over. */
void testdev_destroy(struct testdev *t);

#endif
