// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user-testdev: the test device program (register map in
 * testdev_regs.h). Usage: vfio-user-testdev --socket-path=PATH
 * [--no-mmap] [--no-ioeventfd] [--intx-only] [--no-rom] [--dma-messages]
 * [--verbose].
 */
#include "devices/testdev/testdev.h"

int main(int argc, char **argv)
{
	static struct testdev_options o;
	static const struct vus_option options[] = {
		{ .name = "no-mmap", .flag = &o.no_mmap,
		  .help = "BAR2 is not mmappable: every access is trapped" },
		{ .name = "no-ioeventfd", .flag = &o.no_ioeventfd,
		  .help = "offer no ioeventfd: the doorbell is trapped" },
		{ .name = "intx-only", .flag = &o.intx_only,
		  .help = "no MSI and no MSI-X, only INTx" },
		{ .name = "no-rom", .flag = &o.no_rom,
		  .help = "no expansion ROM" },
		{ .name = "dma-messages", .flag = &o.dma_messages,
		  .help = "ignore the fds of DMA maps (never mmap them): every "
			  "DMA goes through DMA_READ/DMA_WRITE messages" },
		{ .name = NULL },
	};
	static const struct vus_program prog = {
		.name = "vfio-user-testdev",
		.summary = "A vfio-user PCI test device: registers, mmappable "
			   "memory, doorbell, DMA engine, MSI-X/MSI/INTx.",
		.options = options,
	};
	struct vus_args args;
	struct testdev *t;
	int ret;

	ret = vus_args_parse(&prog, argc, argv, &args);
	if (ret)
		return ret > 0 ? 0 : 2;
	if (testdev_create(&o, &t))
		return 1;
	ret = vus_run(testdev_vus(t), &args);
	testdev_destroy(t);
	return ret;
}
