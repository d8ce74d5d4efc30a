// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared by the tests that drive vfio-user-testdev through the client
 * library (see td_client.h).
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "devices/framework/tests/raw_client.h"
#include "devices/testdev/tests/td_client.h"
#include "proto/vu_memfd.h"

struct td td;

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The device's DMA_READ/DMA_WRITE, served from td.mem (reader thread). */
static int td_dma_access(void *opaque, uint64_t addr, void *buf, uint64_t len,
			 bool write)
{
	struct td_mem *m = opaque;
	uint64_t off;

	if (!m->p || addr < m->iova || addr - m->iova > m->size ||
	    len > m->size - (addr - m->iova))
		return -EFAULT;
	off = addr - m->iova;
	if (write) {
		memcpy(m->p + off, buf, len);
		__atomic_add_fetch(&m->writes, 1, __ATOMIC_RELAXED);
	} else {
		memcpy(buf, m->p + off, len);
		__atomic_add_fetch(&m->reads, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

void td_setup(void)
{
	ck_assert_ptr_nonnull(td.bin);
	td.running = false;
	td.cl = NULL;
	memset(&td.mem, 0, sizeof(td.mem));
	td.test_fds0 = rc_fd_count(getpid());
	ck_assert_int_gt(td.test_fds0, 0);
}

void td_teardown(void)
{
	int n;

	if (td.cl) {
		ck_assert_msg(!vu_client_error(td.cl), "the connection died: %s",
			      vu_client_error(td.cl));
		vu_client_close(td.cl);
		td.cl = NULL;
	}
	if (td.running) {
		n = rc_wait_fd_count(td.ch.pid, td.dev_fds0, 3000);
		ck_assert_msg(n == td.dev_fds0, "the device has %d fds after "
			      "the case, %d before", n, td.dev_fds0);
		ck_assert_int_eq(child_stop(&td.ch, SIGTERM), 0);
		child_cleanup(&td.ch);
		td.running = false;
	}
	n = rc_fd_count(getpid());
	ck_assert_msg(n == td.test_fds0, "the test has %d fds after the case, "
		      "%d before", n, td.test_fds0);
}

void td_start(const char *const *extra)
{
	int ret = child_start(&td.ch, td.bin, extra, NULL);

	ck_assert_msg(ret == 0, "the device did not start: %s", td.ch.why);
	td.running = true;
	td.dev_fds0 = rc_fd_count(td.ch.pid);
	ck_assert_int_gt(td.dev_fds0, 0);
}

void td_connect(bool twin)
{
	struct vu_client_config cfg = {
		.name = "testdev",
		.timeout_ms = 5000,
		.twin_socket = twin,
		.dma_access = td_dma_access,
		.opaque = &td.mem,
	};
	struct vu_why why = { "" };
	int ret;

	ck_assert_ptr_null(td.cl);
	ret = vu_client_connect(td.ch.sock, &cfg, &td.cl, &why);
	ck_assert_msg(ret == 0, "connect: %s (%d)", why.msg, ret);
	ck_assert(vu_client_twin_socket(td.cl) == twin);
}

void td_disconnect(void)
{
	int n;

	ck_assert_msg(!vu_client_error(td.cl), "the connection died: %s",
		      vu_client_error(td.cl));
	vu_client_close(td.cl);
	td.cl = NULL;
	/* The device drops the connection, its maps and eventfds. */
	n = rc_wait_fd_count(td.ch.pid, td.dev_fds0, 3000);
	ck_assert_msg(n == td.dev_fds0, "the device has %d fds after the "
		      "client left, %d before it came", n, td.dev_fds0);
}

int td_try_reg(uint32_t region, uint64_t off, uint32_t *v)
{
	return vu_client_region_read(td.cl, region, off, v, 4);
}

int td_try_set_reg(uint32_t region, uint64_t off, uint32_t v)
{
	return vu_client_region_write(td.cl, region, off, &v, 4);
}

uint32_t td_reg(uint32_t off)
{
	uint32_t v = 0xdeadbeef;

	ck_assert_int_eq(td_try_reg(TD_BAR0, off, &v), 0);
	return v;
}

void td_set_reg(uint32_t off, uint32_t v)
{
	ck_assert_int_eq(td_try_set_reg(TD_BAR0, off, v), 0);
}

uint32_t td_cfg(uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	ck_assert_int_eq(vu_client_region_read(td.cl, TD_CFG, off, &v, len), 0);
	return v;
}

void td_set_cfg(uint32_t off, uint32_t v, uint32_t len)
{
	ck_assert_int_eq(vu_client_region_write(td.cl, TD_CFG, off, &v, len),
			 0);
}

uint32_t td_wait_reg(uint32_t off, uint32_t mask, uint32_t want, int ms)
{
	uint32_t v;
	int waited;

	for (waited = 0;; waited++) {
		v = td_reg(off);
		if ((v & mask) == want || waited >= ms)
			return v;
		sleep_ms(1);
	}
}

int td_efd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	ck_assert_int_ge(fd, 0);
	return fd;
}

bool td_fired(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	if (poll(&p, 1, ms) != 1)
		return false;
	ck_assert_int_eq(read(fd, &v, sizeof(v)), sizeof(v));
	return true;
}

uint8_t *td_memfd(size_t size, int *fd)
{
	uint8_t *p;

	*fd = vu_memfd_create_sealed("td-guest-ram", size);
	ck_assert_int_ge(*fd, 0);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	ck_assert(p != MAP_FAILED);
	return p;
}

uint32_t td_dma_run(uint32_t cmd, uint64_t src, uint64_t dst, uint32_t len,
		    uint32_t pattern)
{
	static const uint32_t regs[] = {
		TESTDEV_DMA_SRC_LO, TESTDEV_DMA_SRC_HI, TESTDEV_DMA_DST_LO,
		TESTDEV_DMA_DST_HI, TESTDEV_DMA_LEN, TESTDEV_DMA_PATTERN,
		TESTDEV_DMA_CMD,
	};
	uint32_t vals[] = {
		(uint32_t)src, (uint32_t)(src >> 32), (uint32_t)dst,
		(uint32_t)(dst >> 32), len, pattern, cmd,
	};
	uint32_t st = 0;
	unsigned int i;
	int waited;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (td_try_set_reg(TD_BAR0, regs[i], vals[i]))
			return 0;
	/* The command write has queued the job: BUSY until it is done. */
	for (waited = 0; waited < 5000; waited++) {
		if (td_try_reg(TD_BAR0, TESTDEV_DMA_STATUS, &st))
			return 0;
		if (!(st & TESTDEV_DMA_ST_BUSY))
			return st;
		sleep_ms(1);
	}
	return 0;
}

void td_fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}
