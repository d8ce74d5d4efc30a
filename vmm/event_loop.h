/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_EVENT_LOOP_H
#define MINIVMM_EVENT_LOOP_H

#include <stdint.h>

/*
 * The main thread's loop: it waits on file descriptors (the stop eventfd,
 * the signalfd, eventfds of masked MSI-X vectors) and calls their
 * handlers. Sources are added and removed from any thread (epoll_ctl is
 * thread-safe); a handler may still run once for an event fetched just
 * before its source was removed, so a handler checks its own state under
 * its own lock, and a source's memory must live until the loop is
 * destroyed.
 */

struct event_source;
typedef void (*event_fn)(struct event_source *src, uint32_t events);

struct event_source {
	int fd;
	event_fn fn;
	void *opaque;
};

struct event_loop {
	int epfd;
};

int event_loop_init(struct event_loop *loop);
void event_loop_destroy(struct event_loop *loop);

/* Watch @src->fd for input (level-triggered). Returns 0 or -errno. */
int event_loop_add(struct event_loop *loop, struct event_source *src);

/* Stop watching @src->fd. Returns 0, or -ENOENT if it was not watched. */
int event_loop_del(struct event_loop *loop, struct event_source *src);

/*
 * event_loop_run_once - wait up to @timeout_ms (-1: forever) and call
 * the handlers of the sources that are ready. Returns the number of
 * handlers called (0 on a timeout or EINTR) or -errno.
 */
int event_loop_run_once(struct event_loop *loop, int timeout_ms);

#endif
