/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PROTO_CLIENT_VU_CLIENT_PRIV_H
#define MINIVMM_PROTO_CLIENT_VU_CLIENT_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "proto/client/vu_client.h"
#include "proto/vu_msg.h"

/*
 * Inside the client: shared by vu_client.c (life cycle, VERSION),
 * vu_client_rx.c (requests in flight, the reader thread, DMA serving,
 * death), vu_client_ops.c and vu_client_region.c (the command wrappers).
 * Not for users of the library.
 */

#define VU_CLIENT_TIMEOUT_MS_DEFAULT	5000
#define VU_CLIENT_ERROR_LEN		320

/*
 * Region info and io fds replies: the first argsz we ask with, and the
 * most we accept when the server asks for more ("Message sizes").
 */
#define VU_CLIENT_REGION_INFO_ARGSZ	256u
#define VU_CLIENT_IO_FDS_ARGSZ		(16u + 8u * 48u)
#define VU_CLIENT_ARGSZ_MAX		(64u * 1024u)

/* DATA_BOOL bytes one general SET_IRQS may carry (MSI-X has 2048). */
#define VU_CLIENT_IRQ_BOOL_MAX		65536u

/*
 * One request in flight. It lives on the requester's stack and is in
 * c->pending from just before its bytes are sent until the requester
 * has its result; other threads (the reader thread, or the requester
 * that receives replies) touch it only under c->lock.
 */
struct vu_pending {
	struct vu_pending *prev, *next;
	struct vfio_user_header hdr;	/* as sent */
	const void *body;		/* as sent, for vu_validate_reply() */
	size_t body_len;
	struct timespec deadline;	/* CLOCK_MONOTONIC */
	bool sent;			/* vu_msg_send() has returned */
	bool done;			/* result (and reply) are set */
	int result;
	struct vu_msg *reply;		/* the requester's, filled on success */
	pthread_cond_t cond;		/* signalled when done */
};

struct vu_client {
	char *name;			/* for reasons */
	int timeout_ms;
	int (*dma_access)(void *opaque, uint64_t addr, void *buf,
			  uint64_t len, bool write);
	void (*on_dead)(void *opaque, const char *reason);
	void *opaque;

	int sock;			/* the main socket */
	int twin;			/* the twin socket, or -1 */
	int wake;			/* eventfd: the reader stops */
	pthread_t reader;
	bool reader_running;

	struct vu_version ours;		/* what we proposed */
	struct vu_version server;	/* the server's reply, parsed */
	struct vu_version session;	/* vu_version_negotiate() of both */
	size_t max_msg_size;		/* our receive limits */
	unsigned int max_msg_fds;

	/* Serialises whole messages on the main socket. Taken before lock. */
	pthread_mutex_t send_lock;

	/* Everything below. */
	pthread_mutex_t lock;
	pthread_condattr_t condattr;	/* CLOCK_MONOTONIC */
	struct vu_pending *pending;	/* list head */
	uint16_t next_id;
	bool dead;			/* set once; read atomically */
	/*
	 * With a twin socket the main socket carries only replies, and
	 * the requesters read them themselves: one at a time, the one
	 * that holds @receiving (vu_client_rx.c). @hup: the reader thread
	 * saw the main socket hang up while someone was receiving, and
	 * left reading up to the end to the receivers.
	 */
	bool receiving;
	bool hup;
	/* Read ahead on @sock: the receiver's (the reader thread's without
	 * a twin socket). Emptied by the receiver once dead. */
	struct vu_msg_rbuf rb;
	char error[VU_CLIENT_ERROR_LEN];
};

/* --- vu_client_rx.c --- */

/* Start the reader thread (after VERSION). Returns 0 or -errno. */
int vu_client_rx_start(struct vu_client *c);

/*
 * Send a command and wait for its checked reply; see vu_client_request()
 * for the contract. The public function is this one.
 */
int vu_client_call(struct vu_client *c, uint16_t command,
		   const void *body, size_t len,
		   const int *fds, unsigned int nr_fds, struct vu_msg *reply);

/*
 * vu_client_die - mark the connection dead with the reason "<name>: "
 * followed by @fmt: every waiter gets -ENOTCONN, the sockets are shut
 * down, on_dead is called (once, under c->lock, before any waiter can
 * return) unless @quiet. A second death changes nothing.
 */
__attribute__((format(printf, 3, 4)))
void vu_client_die(struct vu_client *c, bool quiet, const char *fmt, ...);

/*
 * vu_client_break - a reply to @command that passed vu_validate_reply()
 * but that the wrapper cannot accept: the connection dies with "reply to
 * <command> breaks the protocol: <@fmt>". Returns -EPROTO.
 */
__attribute__((format(printf, 3, 4)))
int vu_client_break(struct vu_client *c, uint16_t command,
		    const char *fmt, ...);

/* --- vu_client_region.c: pure decoding, unit tested --- */

/*
 * vu_client_region_decode - fill @r (not its fd) from a complete,
 * validated DEVICE_GET_REGION_INFO reply body. @has_fd: an fd came with
 * it. Returns 0, -EPROTO with @why set (FLAG_MMAP without an fd), or
 * -ENOMEM. On success r->areas is malloc'd (or NULL with nr_areas 0).
 */
int vu_client_region_decode(const void *body, size_t len, bool has_fd,
			    struct vu_client_region *r, struct vu_why *why);

/*
 * vu_client_io_fds_decode - fill @io from a complete, validated
 * DEVICE_GET_REGION_IO_FDS reply body that came with @nr_fds @fds: the
 * entries (each with fds[e.fd_index]) and a copy of the fd numbers (the
 * caller then owns them). Returns 0, -EPROTO with @why set, or -ENOMEM.
 */
int vu_client_io_fds_decode(const void *body, size_t len, const int *fds,
			    unsigned int nr_fds, struct vu_client_io_fds *io,
			    struct vu_why *why);

/* --- vu_client_ops.c: pure, unit tested --- */

/*
 * vu_client_irq_run - how vu_client_set_irqs_eventfd() cuts @count
 * vectors of @fds into messages: the message starting at vector @i
 * covers the returned number of vectors; *@with_fds says whether they
 * carry their fds (a run of -1 goes without fds: de-assign, spec
 * "VFIO_USER_DEVICE_SET_IRQS"), at most @max_fds of them.
 */
uint32_t vu_client_irq_run(const int *fds, uint32_t count, uint32_t i,
			   uint32_t max_fds, bool *with_fds);

#endif
