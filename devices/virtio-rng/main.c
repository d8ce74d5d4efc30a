// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user-virtio-rng: a virtio entropy device (VIRTIO 1.2 §5.4) as a
 * vfio-user server. One queue ("requestq"); every device-writable buffer
 * the driver makes available is filled with getrandom() bytes. Usage:
 * vfio-user-virtio-rng --socket-path=PATH [--verbose].
 */
#include <errno.h>
#include <sys/random.h>
#include <linux/virtio_ids.h>

#include "devices/virtio/virtio_pci.h"

#define RNG_QUEUE_SIZE	64
#define RNG_SCRATCH	4096	/* bytes per getrandom() call */
#define RNG_MAX_BYTES	(1u << 20)	/* what one chain may ask for */

/*
 * One request: fill the device-writable part. §5.4.6.2: "The device MUST
 * place one or more random bytes into the buffer", so a chain with
 * nothing writable (only device-readable buffers) breaks the queue.
 */
static int rng_handle(void *opaque, struct virtio_req *req)
{
	uint64_t left = req->elem->in_len, off = 0;
	uint8_t *buf = req->scratch;
	ssize_t n;
	int ret;

	(void)opaque;
	if (left == 0) {
		vu_why_set(req->why, "request has no device-writable buffer");
		return -EBADMSG;
	}
	while (left) {
		size_t want = left < req->scratch_size ? left :
			      req->scratch_size;

		n = getrandom(buf, want, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;	/* never for these sizes; give what we have */
		}
		ret = virtq_write(req->vq, req->elem, off, buf, (uint64_t)n);
		if (ret)
			return ret;
		off += (uint64_t)n;
		left -= (uint64_t)n;
	}
	req->used_len = (uint32_t)off;
	return 0;
}

static const struct virtio_dev_ops rng_ops = {
	.handle = rng_handle,
};

int main(int argc, char **argv)
{
	static const struct vus_program prog = {
		.name = "vfio-user-virtio-rng",
		.summary = "A virtio-rng device (virtio-pci, modern) serving "
			   "getrandom() bytes over vfio-user.",
	};
	struct virtio_dev_config cfg = {
		.name = "vfio-user-virtio-rng",
		.device_id = VIRTIO_ID_RNG,
		.class_code = 0xff0000,		/* unclassified device */
		.num_queues = 1,
		.queue_size = RNG_QUEUE_SIZE,
		.max_chain_bytes = RNG_MAX_BYTES,
		.scratch_size = RNG_SCRATCH,
		.ops = &rng_ops,
	};
	struct virtio_pci *vp;
	struct vus_args args;
	int ret;

	ret = vus_args_parse(&prog, argc, argv, &args);
	if (ret)
		return ret > 0 ? 0 : 2;
	ret = virtio_pci_create(&cfg, &vp);
	if (ret)
		return 1;
	ret = vus_run(virtio_pci_vus(vp), &args);
	virtio_pci_destroy(vp);
	return ret;
}
