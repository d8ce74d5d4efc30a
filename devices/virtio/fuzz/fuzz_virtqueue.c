// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the virtqueue walker over driver memory the input fills.
 * 64 KiB of "guest memory" (malloc'd, so that any access outside it is an
 * ASan report) holds the rings, descriptors and indirect tables; its
 * last 4 KiB are read-only to the device. The input chooses the queue's
 * size, features, limits and ring places, then the memory's bytes; the
 * device pops every chain it can, reads and writes each wholly, and
 * pushes it back, until the ring is empty or a guest error.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/virtqueue.h"
#include "proto/fuzz/fuzz_input.h"

#define MEM_SIZE	0x10000u
#define MEM_RO		0xf000u		/* from here on: device reads only */
#define MEM_IOVA	0x100000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int mem_check(void *opaque, uint64_t iova, uint64_t len,
		     bool dev_writes)
{
	(void)opaque;
	if (iova < MEM_IOVA || iova - MEM_IOVA > MEM_SIZE ||
	    len > MEM_SIZE - (iova - MEM_IOVA))
		return -EFAULT;
	if (dev_writes && iova - MEM_IOVA + len > MEM_RO)
		return -EACCES;
	return 0;
}

static int mem_read(void *opaque, uint64_t iova, void *buf, uint64_t len)
{
	int ret = mem_check(opaque, iova, len, false);

	if (!ret)
		memcpy(buf, (uint8_t *)opaque + (iova - MEM_IOVA), len);
	return ret;
}

static int mem_write(void *opaque, uint64_t iova, const void *buf,
		     uint64_t len)
{
	int ret = mem_check(opaque, iova, len, true);

	if (!ret)
		memcpy((uint8_t *)opaque + (iova - MEM_IOVA), buf, len);
	return ret;
}

static const struct virtq_mem_ops ops = {
	.check = mem_check,
	.read = mem_read,
	.write = mem_write,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *mem = calloc(1, MEM_SIZE), *buf;
	struct fuzz_in in = { data, size };
	struct virtq_elem e;
	struct vu_why why;
	struct virtq vq;
	uint16_t qsize;
	uint64_t features, desc, avail, used;
	uint32_t max_segs;
	bool notify;
	int n, ret;

	if (!mem)
		return 0;
	qsize = (uint16_t)(1u << (fuzz_take(&in, 1) % 9));	/* 1..256 */
	features = fuzz_take(&in, 1);
	features = ((features & 1) ? 1ull << 28 : 0) |	/* INDIRECT_DESC */
		   ((features & 2) ? 1ull << 29 : 0);	/* EVENT_IDX */
	max_segs = (uint32_t)fuzz_take(&in, 1) % 64;
	desc = MEM_IOVA + (fuzz_take(&in, 2) % MEM_SIZE);
	avail = MEM_IOVA + (fuzz_take(&in, 2) % MEM_SIZE);
	used = MEM_IOVA + (fuzz_take(&in, 2) % MEM_SIZE);
	memcpy(mem, in.p, in.left < MEM_SIZE ? in.left : MEM_SIZE);
	buf = malloc(MEM_SIZE);
	if (!buf || virtq_setup(&vq, &ops, mem, qsize, desc, avail, used,
				features, max_segs, MEM_SIZE, &why) ||
	    virtq_elem_init(&e, max_segs ? max_segs : qsize)) {
		free(buf);
		free(mem);
		return 0;
	}
	for (n = 0; n < 4 * qsize; n++) {
		ret = virtq_pop(&vq, &e, &why);
		if (ret <= 0)
			break;
		if (e.out_len && e.out_len <= MEM_SIZE &&
		    virtq_read(&vq, &e, 0, buf, e.out_len))
			abort();	/* a popped chain must be readable */
		if (e.in_len && e.in_len <= MEM_SIZE &&
		    virtq_write(&vq, &e, 0, buf, e.in_len))
			abort();	/* ... and writable where it says */
		if (virtq_push(&vq, &e, (uint32_t)e.in_len, &why) ||
		    virtq_need_notify(&vq, &notify, &why))
			break;
	}
	virtq_elem_free(&e);
	free(buf);
	free(mem);
	return 0;
}
