/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_TOOLS_VFIO_USER_INFO_TESTS_FAKE_DEVICE_H
#define MINIVMM_TOOLS_VFIO_USER_INFO_TESTS_FAKE_DEVICE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * A small vfio-user server for vfio-user-info's tests, written on raw
 * proto/vu_msg framing (not on the client library it checks): a thread
 * that answers VERSION, DEVICE_GET_INFO, DEVICE_GET_REGION_INFO (with a
 * sparse mmap capability and a memfd for region 0, the argsz retry when
 * the client's argsz is short), DEVICE_GET_REGION_IO_FDS, GET_IRQ_INFO
 * and REGION_READ (config space from a buffer), and error replies to the
 * rest. Modes make it misbehave the ways vfio-user-info must survive.
 *
 * Regions of the device: 0 BAR0 16 KiB RW MMAP (areas 0x0+0x1000 and
 * 0x3000+0x1000), 1 size 0, 2 BAR2 32 bytes RW, 3 BAR3 16 KiB RW, 4-5
 * size 0, 6 ROM 64 KiB R, 7 config (cfg_size) RW, 8 VGA error EINVAL.
 * IRQs: INTx 1 EVENTFD|MASKABLE|AUTOMASKED, MSI 0, MSI-X 16
 * EVENTFD|NORESIZE, ERR 1 EVENTFD, REQ 1 EVENTFD.
 */

enum fake_mode {
	FAKE_NORMAL,
	FAKE_GARBAGE,		/* answers VERSION with text, not vfio-user */
	FAKE_SILENT,		/* never answers */
	FAKE_DIE_ON_REGION_INFO,	/* closes at the first REGION_INFO */
};

struct fake_device_cfg {
	enum fake_mode mode;
	bool not_pci;		/* device flags without VFIO_DEVICE_FLAGS_PCI */
	bool io_fds;		/* implements GET_REGION_IO_FDS */
	uint32_t num_regions;	/* 0: 9 */
	uint32_t num_irqs;	/* 0: 5 */
	uint64_t cfg_size;	/* region 7's size; 0: 256 */
	uint64_t max_data_xfer_size;	/* offered; 0: 1 MiB */
	const uint8_t *cfg;	/* config space content, 4096 bytes */
};

struct fake_device {
	struct fake_device_cfg cfg;
	uint8_t config[4096];
	int listen_fd;		/* -1 when serving a given socket */
	int sock;
	char path[108];
	pthread_t thread;
	/* Counted by the server thread; read after fake_device_stop(). */
	unsigned int nr_commands[32];
	uint64_t cfg_bytes_read;	/* REGION_READ bytes of region 7 */
	uint64_t cfg_max_end;		/* highest offset + count read */
};

/*
 * fake_device_listen - bind a UNIX socket at @path (listen, accept one
 * client in the thread) and serve it. fake_device_serve - serve the
 * connected socket @sock (taken). Both return 0 or a negative errno.
 */
int fake_device_listen(struct fake_device *d, const struct fake_device_cfg *cfg,
		       const char *path);
int fake_device_serve(struct fake_device *d, const struct fake_device_cfg *cfg,
		      int sock);

/*
 * fake_device_stop - wait for the thread (it ends when the client
 * closes), close everything, unlink the path.
 */
void fake_device_stop(struct fake_device *d);

#endif
