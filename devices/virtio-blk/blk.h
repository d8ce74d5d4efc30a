/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_VIRTIO_BLK_BLK_H
#define MINIVMM_DEVICES_VIRTIO_BLK_BLK_H

#include <stdbool.h>

#include "devices/virtio/virtio_pci.h"

/*
 * vfio-user-virtio-blk: a virtio block device (VIRTIO 1.2 §5.2) on the
 * virtio-pci transport, backed by a file or a block device.
 *
 * Features offered: SIZE_MAX (128 KiB), SEG_MAX (queue size - 2),
 * BLK_SIZE (512), FLUSH, and RO with --readonly, MQ with more than one
 * queue, DISCARD and WRITE_ZEROES without --readonly.
 *
 * Requests (one queue thread each; a request is complete when its
 * status byte is written):
 *   IN, OUT      sector and length (a multiple of 512) inside the disk,
 *                else IOERR; OUT completes after pwrite() returned all
 *                its bytes; OUT on --readonly: IOERR
 *   FLUSH        fdatasync() before the status
 *   GET_ID       the serial (--serial, at most 20 bytes, zero padded)
 *   DISCARD      fallocate(PUNCH_HOLE | KEEP_SIZE), zeroes written where
 *                the backend cannot punch
 *   WRITE_ZEROES fallocate(ZERO_RANGE, or PUNCH_HOLE with the UNMAP
 *                flag), zeroes written where it cannot
 *                (both: segments of 16 bytes, at most 16 of them and
 *                2^22 sectors each, flags as §5.2.6.2 says or UNSUPP;
 *                without the feature negotiated: UNSUPP)
 *   other        UNSUPP
 *   backend errors: IOERR
 * The used length is what was written from the start of the
 * device-writable part without a gap (VIRTIO 1.2 §2.7.8.2): the data
 * read, plus the status byte when the data filled everything before it
 * (always for a successful read, and for requests whose writable part is
 * the status byte alone).
 *
 * The rule for malformed requests: a chain without any device-writable
 * byte has nowhere to put a status, so it breaks the queue
 * (DEVICE_NEEDS_RESET); a chain with a status byte but a device-readable
 * part shorter than the 16-byte header completes with IOERR.
 */

struct blk_options {
	const char *disk;	/* file or block device */
	bool readonly;
	unsigned int num_queues;	/* 1..VIRTIO_PCI_MAX_QUEUES */
	const char *serial;	/* NULL: empty */
};

struct blk;

/*
 * blk_create - open @o->disk (O_RDWR, or O_RDONLY with readonly), size
 * it (fstat, BLKGETSIZE64 for a block device) and declare the device.
 * Returns 0 with *@out, or a negative errno with a line on stderr.
 */
int blk_create(const struct blk_options *o, struct blk **out);

struct vus_dev *blk_vus(struct blk *b);

/* Stop and free (serving must have returned). NULL is allowed. */
void blk_destroy(struct blk *b);

#endif
