// SPDX-License-Identifier: GPL-2.0-only
#include "event_loop.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#define EVENT_LOOP_BATCH 16

int event_loop_init(struct event_loop *loop)
{
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	return loop->epfd < 0 ? -errno : 0;
}

void event_loop_destroy(struct event_loop *loop)
{
	if (loop->epfd >= 0)
		close(loop->epfd);
	loop->epfd = -1;
}

int event_loop_add(struct event_loop *loop, struct event_source *src)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = src };

	return epoll_ctl(loop->epfd, EPOLL_CTL_ADD, src->fd, &ev) ? -errno : 0;
}

int event_loop_del(struct event_loop *loop, struct event_source *src)
{
	return epoll_ctl(loop->epfd, EPOLL_CTL_DEL, src->fd, NULL) ? -errno : 0;
}

int event_loop_run_once(struct event_loop *loop, int timeout_ms)
{
	struct epoll_event ev[EVENT_LOOP_BATCH];
	int n, i;

	n = epoll_wait(loop->epfd, ev, EVENT_LOOP_BATCH, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		struct event_source *src = ev[i].data.ptr;

		src->fn(src, ev[i].events);
	}
	return n;
}
