/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_FRAMEWORK_VUS_PRIV_H
#define MINIVMM_DEVICES_FRAMEWORK_VUS_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto/vfio_user.h"
#include "proto/vu_msg.h"
#include "proto/vu_version.h"
#include "proto/vu_why.h"
#include "devices/framework/dma_table.h"
#include "devices/framework/pci_config.h"
#include "devices/framework/vus.h"

/*
 * The framework's insides, shared by its files and by nothing else:
 *   dev.c       declarations, realize, logging, destroy
 *   listen.c    listening socket, accept loop, stop
 *   session.c   one connection: reader, dispatch thread, VERSION, twin
 *               socket, server-to-client DMA messages, teardown
 *   dispatch.c  the command handlers
 *   region.c    region info, region accesses, GET_REGION_IO_FDS
 *   irq.c       IRQ info, SET_IRQS, eventfd triggers, INTx state
 *   dma.c       vus_dma_*: pointers and message fallback
 *   run.c       command line, signals, vus_run()
 */

struct vus_ioeventfd {
	uint64_t offset;
	uint32_t size;		/* 0: any */
	unsigned int flags;	/* VUS_IOEVENTFD_* */
	uint64_t datamatch;
	int fd;
};

struct vus_bar_state {
	bool present;
	bool upper_half;	/* the high dword of the 64-bit BAR below */
	uint64_t size;
	unsigned int flags;	/* VUS_BAR_* */
	vus_access_fn *access;
	void *opaque;
	int fd;			/* our dup, -1 if none */
	uint64_t fd_offset;
	uint8_t *mem;		/* backing of trapped accesses without callback */
	unsigned int nr_areas;
	struct vus_area {
		uint64_t offset, size;
	} areas[VUS_BAR_MAX_AREAS];
	unsigned int nr_ioeventfds;
	struct vus_ioeventfd ioeventfds[VUS_BAR_MAX_IOEVENTFDS];
};

struct vus_irqs {
	pthread_mutex_t lock;
	uint32_t count[VFIO_PCI_NUM_IRQS];	/* vectors per index */
	int *efds[VFIO_PCI_NUM_IRQS];		/* trigger eventfds, -1 none */
	bool *efd_blocks[VFIO_PCI_NUM_IRQS];	/* made without O_NONBLOCK */
	int intx_unmask_fd;			/* the client's, -1 none */
	bool intx_level;			/* the device's line */
	bool intx_masked;			/* automasked or ACTION_MASK */
	bool intx_disabled;			/* command register bit 10 */
};

struct vus_conn;

struct vus_dev {
	char name[64];
	struct vus_pci_id id;
	struct vus_dev_ops ops;
	void *opaque;
	uint32_t max_dma_maps;
	bool dma_by_messages;	/* DMA_MAP fds are ignored */
	bool realized;

	vus_log_fn *log_fn;
	void *log_opaque;
	enum vus_log_level log_level;

	struct vus_cfg cfg;
	struct vus_bar_state bars[VFIO_PCI_ROM_REGION_INDEX];
	uint8_t *rom;
	uint64_t rom_size;
	struct {
		unsigned int nvec;
		unsigned int table_bar, pba_bar;
		uint32_t table_offset, pba_offset;
	} msix;
	unsigned int msi_nvec;
	bool intx;

	struct vus_irqs irqs;
	struct vus_dma_table dma;

	int stop_fd;		/* eventfd: vus_dev_stop() */
	int wake_fd;		/* eventfd: the reader should look again */

	/* The current connection, for DMA messages from any thread. */
	pthread_rwlock_t conn_lock;
	struct vus_conn *conn;
};

/* A reply a handler builds: @body malloc'd (freed by the dispatcher),
 * @fds borrowed (sent, not closed). */
struct vus_reply {
	void *body;
	size_t len;
	int fds[VU_MAX_MSG_FDS];
	unsigned int nr_fds;
};

/* A received message waiting for the dispatch thread. */
struct vus_qmsg {
	struct vus_qmsg *next;
	struct vu_msg msg;
};

struct vus_conn {
	struct vus_dev *dev;
	int sock;
	int twin;			/* our end of the twin socket, or -1 */
	struct vu_msg_rbuf rb;		/* read ahead on @sock (the reader) */
	bool versioned;
	struct vu_version ours;		/* what we accept (our limits) */
	struct vu_version session;	/* negotiated: the client's limits */
	pthread_mutex_t send_lock;	/* whole messages on @sock */
	uint16_t next_id;		/* of our DMA_READ/WRITE commands */

	/* Commands from the reader to the dispatch thread. */
	pthread_mutex_t q_lock;
	pthread_cond_t q_cond;
	struct vus_qmsg *q_head, *q_tail;
	size_t q_bytes;
	bool q_closed;
	bool q_busy;			/* the dispatch thread is in a command */
	bool direct;			/* twin socket: the reader may dispatch */
	pthread_t dispatcher;
	bool broken;			/* end the session (q_lock) */

	/* One server-to-client request at a time. */
	pthread_mutex_t dma_lock;
	/* Its reply on the main socket, handed over by the reader. */
	pthread_mutex_t wait_lock;
	pthread_cond_t wait_cond;
	bool waiting;
	uint16_t wait_id;
	uint16_t wait_cmd;
	bool wait_done;
	struct vu_msg wait_reply;
	bool dead;			/* no more requests (wait_lock) */
};

/* --- dev.c --- */
void vus_logv(struct vus_dev *dev, enum vus_log_level level, const char *fmt,
	      va_list ap);
/* Wake the reader so it looks at its fds again. */
void vus_dev_wake(struct vus_dev *dev);

/* --- session.c --- */
/*
 * Serve the connected socket @sock (taken) until the client leaves or
 * vus_dev_stop(). Returns 1 when stopped, 0 when the client left.
 */
int vus_session_run(struct vus_dev *dev, int sock);
/* VERSION (in the dispatch thread: never dispatched by the reader). */
int vus_session_version(struct vus_conn *conn, const struct vu_msg *m,
			struct vus_reply *r, int *twin_fd, struct vu_why *why);
/* A DMA_READ (@write false) or DMA_WRITE of at most the client's
 * max_data_xfer_size, over the twin or the main socket. */
int vus_session_dma(struct vus_dev *dev, bool write, uint64_t iova,
		    void *buf, uint64_t len);
/* The largest count one DMA message may carry (0 when not connected). */
uint64_t vus_session_dma_chunk(struct vus_dev *dev);
/* Mark the connection for closing (any thread). */
void vus_session_break(struct vus_conn *conn);
/*
 * Send a message on the main socket (any thread; one at a time): waits
 * for room at most PEER_TIMEOUT_MS and never past vus_dev_stop(), so a
 * client that stops reading holds no thread of ours for good. Returns 0
 * or -errno (-ETIMEDOUT, -ECANCELED when stopping): then the connection
 * is no longer usable.
 */
int vus_session_send(struct vus_conn *conn, const struct vfio_user_header *hdr,
		     const void *body, size_t len, const int *fds,
		     unsigned int nr_fds);
/* The reply to command @cmd, or its error reply when @err (a negative
 * errno) is not 0, by vus_session_send(). */
int vus_session_answer(struct vus_conn *conn,
		       const struct vfio_user_header *cmd, int err,
		       const void *body, size_t len, const int *fds,
		       unsigned int nr_fds);

/* --- dispatch.c --- */
/* Validate, handle and answer one command (the dispatch thread, or the
 * reader when session.c's dispatch_here() allows). */
void vus_dispatch(struct vus_conn *conn, struct vu_msg *m);

/* --- region.c --- */
int vus_region_info(struct vus_dev *dev, uint32_t index, uint32_t argsz,
		    struct vus_reply *r, struct vu_why *why);
int vus_region_io_fds(struct vus_dev *dev, uint32_t index, uint32_t argsz,
		      uint32_t max_fds, struct vus_reply *r,
		      struct vu_why *why);
int vus_region_access(struct vus_dev *dev, uint32_t index, uint64_t offset,
		      void *data, uint32_t count, bool write,
		      struct vu_why *why);
/* Size of region @index, 0 when absent or out of range. */
uint64_t vus_region_size(struct vus_dev *dev, uint32_t index);

/* --- irq.c --- */
int vus_irqs_init(struct vus_irqs *q);
int vus_irqs_realize(struct vus_dev *dev);
void vus_irqs_destroy(struct vus_irqs *q);
int vus_irqs_info(struct vus_dev *dev, uint32_t index,
		  struct vfio_user_irq_info *info, struct vu_why *why);
/* SET_IRQS with its fds in @m (those kept are set to -1 in @m). */
int vus_irqs_set(struct vus_dev *dev, struct vu_msg *m, struct vu_why *why);
/* The client's INTx unmask fd, for the reader's poll (-1 if none). */
int vus_irqs_unmask_fd(struct vus_dev *dev);
/* The unmask fd is readable: consume it and unmask INTx. */
void vus_irqs_unmask_event(struct vus_dev *dev);
/* The command register's Interrupt Disable bit changed. */
void vus_irqs_intx_disable(struct vus_dev *dev, bool disabled);
/* DEVICE_RESET: the line goes down, INTx unmasked. */
void vus_irqs_reset(struct vus_dev *dev);
/* The client left: close its eventfds. */
void vus_irqs_drop_client(struct vus_dev *dev);

#endif
