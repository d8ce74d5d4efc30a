/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_FRAMEWORK_TESTS_RAW_CLIENT_H
#define MINIVMM_DEVICES_FRAMEWORK_TESTS_RAW_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto/vfio_user.h"
#include "proto/vu_msg.h"
#include "proto/vu_version.h"

/*
 * A raw vfio-user client for tests, made only of proto/ (framing, VERSION
 * JSON): it sends exactly the bytes a test asks for, so that tests can
 * send malformed ones too. Single-threaded: while it waits for a reply
 * it serves the server's DMA_READ/DMA_WRITE, on the main socket or the
 * twin, from the memory the test registered (or holds them unanswered).
 * Functions return 0, the errno of an error reply (negative), or a
 * negative local errno.
 */

#define RC_TIMEOUT_MS	5000
#define RC_MAX_MEM	8

struct rc_mem {
	uint64_t iova, size;
	uint8_t *ptr;
};

struct rc {
	int sock;
	int twin;			/* -1 unless negotiated */
	uint16_t next_id;
	struct vu_version server;	/* the server's VERSION reply */
	struct rc_mem mem[RC_MAX_MEM];	/* what DMA requests may touch */
	unsigned int nr_mem;

	unsigned int dma_reads, dma_writes;	/* requests answered */
	unsigned int dma_on_twin;		/* of them on the twin */
	unsigned int dma_interleaved;	/* answered while a reply was due */
	uint64_t dma_max_count;		/* the largest count asked */

	bool hold;			/* keep DMA requests unanswered */
	bool have_held;
	bool held_on_twin;
	struct vu_msg held;
};

/* Connect to @path, retrying for up to @timeout_ms while it is absent. */
int rc_connect(struct rc *c, const char *path, int timeout_ms);
void rc_close(struct rc *c);

/* Register [@iova, @iova + @size) at @ptr for the server's DMA messages. */
void rc_add_mem(struct rc *c, uint64_t iova, uint64_t size, void *ptr);

/*
 * VERSION with major 0, @minor and @json (the whole string, NUL
 * included; NULL for none). Parses the reply into c->server and takes
 * the twin socket when granted. Returns the reply's errno or local error.
 */
int rc_version(struct rc *c, uint16_t minor, const char *json);
/* VERSION 0.2 with no capability (and twin_socket if @twin). */
int rc_hello(struct rc *c, bool twin);

/* Send a command (the next msg_id, returned in *@id when not NULL). */
int rc_send(struct rc *c, uint16_t cmd, const void *body, size_t len,
	    const int *fds, unsigned int nr_fds, uint16_t *id);
/* Send raw bytes with @fds attached (for broken framing). */
int rc_send_raw(struct rc *c, const void *bytes, size_t len, const int *fds,
		unsigned int nr_fds);

/*
 * Wait for the reply to (@id, @cmd), serving DMA requests meanwhile.
 * @reply (if not NULL) receives it (release with vu_msg_release()).
 * Returns vu_reply_errno() of it; -ETIMEDOUT; -ECONNRESET if the server
 * closed; -EPROTO for anything else that came.
 */
int rc_wait_reply(struct rc *c, uint16_t id, uint16_t cmd,
		  struct vu_msg *reply, int timeout_ms);

/* rc_send() then rc_wait_reply() with RC_TIMEOUT_MS. */
int rc_request(struct rc *c, uint16_t cmd, const void *body, size_t len,
	       const int *fds, unsigned int nr_fds, struct vu_msg *reply);

/* Serve DMA requests until @fd is readable (0) or @timeout_ms (-ETIMEDOUT). */
int rc_wait_fd(struct rc *c, int fd, int timeout_ms);
/* Serve (or hold) DMA requests until one came (1) or @timeout_ms (0). */
int rc_pump(struct rc *c, int timeout_ms);
/* Answer the held request. */
int rc_answer_held(struct rc *c);

/* Whether the server closed the main socket within @timeout_ms. */
bool rc_closed_by_server(struct rc *c, int timeout_ms);

/* Wrappers. */
int rc_read(struct rc *c, uint32_t region, uint64_t offset, void *buf,
	    uint32_t count);
int rc_write(struct rc *c, uint32_t region, uint64_t offset, const void *buf,
	     uint32_t count);
int rc_read32(struct rc *c, uint32_t region, uint64_t offset, uint32_t *v);
int rc_write32(struct rc *c, uint32_t region, uint64_t offset, uint32_t v);
int rc_dma_map(struct rc *c, uint64_t iova, uint64_t size, int fd,
	       uint64_t offset, uint32_t prot);
int rc_dma_unmap(struct rc *c, uint64_t iova, uint64_t size);
int rc_set_irqs(struct rc *c, uint32_t index, uint32_t flags, uint32_t start,
		uint32_t count, const uint8_t *bools, const int *fds,
		unsigned int nr_fds);
int rc_region_info(struct rc *c, uint32_t index, uint32_t argsz,
		   struct vu_msg *reply);
int rc_irq_info(struct rc *c, uint32_t index, struct vfio_user_irq_info *out);

/* The number of open fds of process @pid. */
int rc_fd_count(pid_t pid);
/* Wait until process @pid has @want fds (up to @timeout_ms); the count. */
int rc_wait_fd_count(pid_t pid, int want, int timeout_ms);

#endif
