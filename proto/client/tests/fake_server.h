/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PROTO_CLIENT_TESTS_FAKE_SERVER_H
#define MINIVMM_PROTO_CLIENT_TESTS_FAKE_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/client/vu_client.h"
#include "proto/vu_msg.h"

/*
 * A scripted vfio-user server for the client's tests: a thread that
 * speaks raw proto/vu_msg on the server end of a socketpair (or of an
 * accepted UNIX socket), so that every test checks the bytes on the wire.
 * A script asserts with ck_assert (Check runs each test in its own
 * process: a failure in the server thread fails the test).
 */
struct fake {
	int srv;		/* server end of the main socket */
	int cli;		/* client end, for vu_client_attach() */
	int twin_srv;		/* server end of a twin socket, or -1 */
	pthread_t thread;
	bool running;
	void (*script)(struct fake *f);
	void *arg;
};

/* A socketpair: f->srv and f->cli; no thread yet. */
void fake_init(struct fake *f);

/* Run @script(f) in the server thread. */
void fake_start(struct fake *f, void (*script)(struct fake *f), void *arg);

/* Join the server thread and close the server's sockets. */
void fake_join(struct fake *f);

/* socketpair + start + vu_client_attach(), asserted to succeed. */
struct vu_client *fake_attach(struct fake *f,
			      const struct vu_client_config *cfg,
			      void (*script)(struct fake *f), void *arg);

/* Receive one message (5 s at most), asserted to succeed. */
void fake_recv(int sock, struct vu_msg *m);

/* fake_recv() of a command, asserted to be @command. */
void fake_expect(int sock, struct vu_msg *m, uint16_t command);

/* Whether a message comes within @ms (0: it stays quiet). */
int fake_recv_within(int sock, struct vu_msg *m, int ms);

/* Replies to @cmd. */
void fake_reply(int sock, const struct vu_msg *cmd, const void *body,
		size_t len, const int *fds, unsigned int nr_fds);
void fake_error(int sock, const struct vu_msg *cmd, int err);

/* Send @len raw bytes (no framing), with @nr_fds fds on the first. */
void fake_raw(int sock, const void *buf, size_t len, const int *fds,
	      unsigned int nr_fds);

/* A header as bytes: any size, flags and error, for malformed messages. */
void fake_hdr(void *buf, uint16_t id, uint16_t command, uint32_t size,
	      uint32_t flags, uint32_t error);

/*
 * Answer the client's VERSION: asserted to be major 0 with a JSON the
 * parser accepts; replied with major 0, @minor and @json (NULL: none),
 * and @nr_fds fds. Returns nothing; the client's proposal goes to *@seen
 * if not NULL.
 */
void fake_version(int sock, uint16_t minor, const char *json,
		  const int *fds, unsigned int nr_fds, struct vu_version *seen);

/* The usual handshake: minor 2, max_msg_fds 8, max_data_xfer_size 1 MiB. */
void fake_handshake(struct fake *f);

/* fake_handshake() granting a twin socket: its server end in f->twin_srv. */
void fake_twin_handshake(struct fake *f);

/* Wait until the client closes (EOF or reset), draining what comes. */
void fake_drain(int sock);

/* Send a server command (DMA_READ/WRITE...) and receive its reply. */
void fake_command(int sock, uint16_t id, uint16_t command, const void *body,
		  size_t len, struct vu_msg *reply);

/* Descriptors open in this process. */
int open_fds(void);

int64_t now_ms(void);
void sleep_ms(int ms);

/* A config with @name, @timeout_ms and nothing else. */
struct vu_client_config fake_cfg(const char *name, int timeout_ms);

/* What a client's on_dead callback saw (fake_dead_cfg() installs it). */
struct fake_dead {
	pthread_mutex_t lock;
	int calls;
	char reason[400];
	char error[400];	/* vu_client_error() from inside on_dead */
	struct vu_client *c;	/* set by the test to fill @error */
};

/* fake_cfg() whose on_dead records into @d (zeroed here). */
struct vu_client_config fake_dead_cfg(const char *name, int timeout_ms,
				      struct fake_dead *d);

/* How many times on_dead has run so far. */
int fake_dead_calls(struct fake_dead *d);

/* The 8 bytes a REGION_READ of @off returns from fake_reply_read(). */
uint64_t fake_data_of(uint64_t off);

/* Answer the REGION_READ @q (of 8 bytes, asserted) with fake_data_of(). */
void fake_reply_read(int sock, const struct vu_msg *q);

#endif
