// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user-virtio-blk: a virtio block device as a vfio-user server
 * (behaviour: blk.h). Usage: vfio-user-virtio-blk --socket-path=PATH
 * --disk PATH [--readonly] [--num-queues N] [--serial STRING] [--verbose].
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "devices/virtio-blk/blk.h"

static int parse_queues(const char *s, unsigned int *n)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > VIRTIO_PCI_MAX_QUEUES)
		return -EINVAL;
	*n = (unsigned int)v;
	return 0;
}

int main(int argc, char **argv)
{
	static bool readonly;
	static const char *disk, *queues, *serial;
	static const struct vus_option options[] = {
		{ .name = "disk", .value = &disk,
		  .help = "the file or block device to serve (required)" },
		{ .name = "readonly", .flag = &readonly,
		  .help = "open it read-only and offer VIRTIO_BLK_F_RO" },
		{ .name = "num-queues", .value = &queues,
		  .help = "request queues, 1 to 8 (default 1)" },
		{ .name = "serial", .value = &serial,
		  .help = "the serial GET_ID returns (at most 20 bytes)" },
		{ .name = NULL },
	};
	static const struct vus_program prog = {
		.name = "vfio-user-virtio-blk",
		.summary = "A virtio-blk device (virtio-pci, modern) serving a "
			   "file or block device over vfio-user.",
		.options = options,
	};
	struct blk_options o = { .num_queues = 1 };
	struct vus_args args;
	struct blk *b;
	int ret;

	ret = vus_args_parse(&prog, argc, argv, &args);
	if (ret)
		return ret > 0 ? 0 : 2;
	if (!disk) {
		fprintf(stderr, "vfio-user-virtio-blk: --disk PATH is "
			"required\n");
		return 2;
	}
	if (queues && parse_queues(queues, &o.num_queues)) {
		fprintf(stderr, "vfio-user-virtio-blk: --num-queues %s: "
			"expected 1 to %d\n", queues, VIRTIO_PCI_MAX_QUEUES);
		return 2;
	}
	o.disk = disk;
	o.readonly = readonly;
	o.serial = serial;
	if (blk_create(&o, &b))
		return 1;
	ret = vus_run(blk_vus(b), &args);
	blk_destroy(b);
	return ret;
}
