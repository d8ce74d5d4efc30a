/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_VIRTIO_TESTS_VDRV_H
#define MINIVMM_DEVICES_VIRTIO_TESTS_VDRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/framework/tests/child.h"
#include "proto/client/vu_client.h"

/*
 * vdrv: a user-space virtio-pci driver for tests, over the vfio-user
 * client library (proto/client), driving a virtio device program run as
 * a child process. What Linux's virtio_pci does, step by step, with the
 * steps exposed so that a test can break any of them:
 *
 * - guest RAM: a memfd mapped here and DMA_MAPped to the device at
 *   VDRV_RAM_IOVA (with its fd, or without: then the device reaches it
 *   through DMA_READ/DMA_WRITE that the client's callback serves);
 * - discovery: the virtio capabilities read from config space with
 *   REGION_READ (§4.1.4);
 * - initialisation (§3.1.1): reset, ACKNOWLEDGE, DRIVER, features,
 *   FEATURES_OK, queues (rings allocated in guest RAM), MSI-X vectors
 *   (one eventfd per vector through SET_IRQS and the MSI-X Enable bit in
 *   config space) or INTx, DRIVER_OK;
 * - kicks through the ioeventfds from GET_REGION_IO_FDS, or trapped
 *   REGION_WRITEs of the notify address;
 * - buffers: descriptors written by hand (vdrv_desc), made available
 *   (vdrv_publish), completions read from the used ring (vdrv_wait_used).
 *
 * The vdrv_* calls assert (Check); the test owns one global struct vdrv.
 */

#define VDRV_RAM_IOVA	0x100000ull	/* iova 0..1 MiB is not mapped */
#define VDRV_RAM_SIZE	(48u << 20)
#define VDRV_MAX_QUEUES	8

/* BAR4 offsets of the fields of the common configuration. */
#include <linux/virtio_pci.h>

struct vdrv_queue {
	uint16_t size;
	uint64_t desc, avail, used;	/* iova */
	uint16_t avail_idx;		/* what we have published */
	uint16_t last_used;		/* the next used entry we read */
	uint16_t next_desc;		/* round-robin descriptor allocator */
	int kick_fd;			/* ioeventfd, -1: REGION_WRITE */
};

struct vdrv_opts {
	uint64_t features;	/* we accept host & features (VERSION_1 is
				 * always asked for unless no_version_1) */
	bool no_version_1;
	unsigned int num_queues;	/* 0: all the device has */
	uint16_t queue_size;	/* 0: the device's maximum */
	bool intx;		/* INTx instead of MSI-X */
	bool trap_kicks;	/* kick by REGION_WRITE, not the ioeventfds */
	bool no_driver_ok;	/* stop before DRIVER_OK */
};

struct vdrv_used {
	uint32_t id;
	uint32_t len;
};

struct vdrv {
	const char *bin;
	struct child ch;
	bool running;
	int test_fds0, dev_fds0;
	struct vu_client *cl;
	/* Guest RAM. */
	int ram_fd;
	uint8_t *ram;
	bool ram_by_messages;		/* mapped without its fd */
	uint64_t next_alloc;		/* bump allocator (iova) */
	/* Capabilities. */
	uint32_t common, isr, device, device_len, notify, notify_mult;
	uint8_t pcicfg_cap, msix_cap;
	uint16_t nvec;
	/* Negotiated. */
	uint64_t host_features, features;
	unsigned int nq;
	struct vdrv_queue q[VDRV_MAX_QUEUES];
	int vec_fd[VDRV_MAX_QUEUES + 1];
	int intx_fd;
	struct vu_client_io_fds io;
	bool have_io;
};

extern struct vdrv vd;

/* Checked fixture: our fd count. vd.bin must be set. */
void vdrv_setup(void);
/* Checked fixture: client alive, closed; the device back to its fds;
 * SIGTERM stops it with 0; our fds as at vdrv_setup(). */
void vdrv_teardown(void);

/* Start the device with @extra options (NULL-terminated, may be NULL). */
void vdrv_start(const char *const *extra);
/* Connect and DMA_MAP guest RAM (with its fd unless @by_messages). */
void vdrv_connect(bool by_messages);
/* Drop the eventfds, io fds, RAM; close the client. */
void vdrv_disconnect(void);
/* vdrv_start + vdrv_connect + vdrv_find_caps. */
void vdrv_up(const char *const *extra);

/* Read the virtio capabilities from config space. */
void vdrv_find_caps(void);

/* Common config fields by offset (VIRTIO_PCI_COMMON_*). */
uint32_t vdrv_common(uint32_t off, uint32_t size);
void vdrv_set_common(uint32_t off, uint32_t v, uint32_t size);
int vdrv_try_common(uint32_t off, uint32_t *v, uint32_t size);
uint8_t vdrv_status(void);
void vdrv_set_status(uint8_t v);
/* Reset (status 0) and wait until it reads 0; vectors, queues forgotten. */
void vdrv_reset(void);
/* Device config bytes. */
void vdrv_device_cfg(uint32_t off, void *buf, uint32_t len);
/* ISR (read clears). */
uint8_t vdrv_isr(void);

/*
 * vdrv_init - the whole initialisation of §3.1.1 with @o (NULL: all
 * defaults). Asserts that FEATURES_OK is accepted, unless @o->
 * no_version_1. Returns the device status at the end.
 */
uint8_t vdrv_init(const struct vdrv_opts *o);

/* A queue's rings in guest RAM, registers written, queue_enable 1. */
void vdrv_queue_setup(unsigned int qi, uint16_t size);

/* Guest RAM: @len bytes (aligned to @align), zeroed; the iova. */
uint64_t vdrv_alloc(uint64_t len, uint64_t align);
/* Pointer to guest RAM at @iova (must be inside). */
void *vdrv_ptr(uint64_t iova);

/* Write descriptor @i of queue @qi. */
void vdrv_desc(unsigned int qi, uint16_t i, uint64_t addr, uint32_t len,
	       uint16_t flags, uint16_t next);
/* A free descriptor index (round robin over the table). */
uint16_t vdrv_next_desc(unsigned int qi);
/* Put @head in the avail ring and move avail idx on (release). */
void vdrv_publish(unsigned int qi, uint16_t head);
/* Store avail idx as it is (e.g. to jump it). */
void vdrv_set_avail_idx(unsigned int qi, uint16_t idx);
/* avail flags, used_event; used idx and avail_event as the device wrote. */
void vdrv_set_avail_flags(unsigned int qi, uint16_t flags);
void vdrv_set_used_event(unsigned int qi, uint16_t v);
uint16_t vdrv_used_idx(unsigned int qi);
uint16_t vdrv_avail_event(unsigned int qi);
/* Kick queue @qi. */
void vdrv_kick(unsigned int qi);
/*
 * Whether the device has taken the kicks of @qi so far (by its ioeventfd,
 * asserted) and finished the pass over the queue they started, within
 * @ms: what a test needs before it says that a kick did nothing. Costs
 * one more kick (a spurious notification, which virtio allows).
 */
bool vdrv_kick_taken(unsigned int qi, int ms);

/*
 * Wait up to @ms for the next used entry of @qi; returns true with *@u
 * filled (and last_used moved on).
 */
bool vdrv_wait_used(unsigned int qi, struct vdrv_used *u, int ms);
/* Whether the interrupt of @qi (its vector, or INTx) fired within @ms;
 * drained. */
bool vdrv_irq(unsigned int qi, int ms);
/* Whether the config vector (or INTx) fired within @ms; drained. */
bool vdrv_config_irq(int ms);
/* Wait up to @ms until device_status has all @bits. */
bool vdrv_wait_status(uint8_t bits, int ms);

/*
 * vdrv_blk - a virtio-blk request on queue @qi: header (type, sector),
 * @len bytes of data at @data (device-writable when @data_in, e.g. for
 * IN and GET_ID; none when @len is 0), a status byte; as one chain of
 * direct descriptors, or one indirect table with @indirect. Kicks, waits
 * (3 s) and returns the status byte; *@u (may be NULL) gets the used
 * entry. Returns -1 when nothing completed.
 */
int vdrv_blk(unsigned int qi, uint32_t type, uint64_t sector, uint64_t data,
	     uint32_t len, bool data_in, bool indirect, struct vdrv_used *u);
/* The same request made available without a kick or a wait; the head,
 * and the iova of its status byte in *@status. */
uint16_t vdrv_blk_post(unsigned int qi, uint32_t type, uint64_t sector,
		       uint64_t data, uint32_t len, bool data_in,
		       bool indirect, uint64_t *status);

/* Fill @p with bytes from @seed. */
void vdrv_fill(void *p, size_t n, unsigned int seed);
/* A temporary file of @size bytes (name into @path, 256 bytes). */
void vdrv_tmpfile(char *path, uint64_t size);
/* Whether the device log got a line containing @needle (@ms). */
bool vdrv_log_has(const char *needle, int ms);

#endif
