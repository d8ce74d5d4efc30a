// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-blk: vfio-user-virtio-blk's read throughput without KVM, driven by
 * vdrv (devices/virtio/tests/vdrv.h: a user-space virtio-pci driver over
 * proto/client, with guest RAM in a memfd the device maps), against
 * pread() of the same file with the same request sizes in one thread.
 * The file is in the page cache for both.
 *
 *   VIRTIO_BLK=PATH bench-blk [--size MIB] [--blocks B]
 *
 * Each block reads the whole file (default 32 MiB) once per variant and
 * prints "sample blk.VARIANT.mbps MB/s" and "sample blk.VARIANT.p50 NS"
 * (per request; for a batch, per batch):
 *   dev.4k_qd1    4 KiB requests, one in flight: post, kick (ioeventfd),
 *                 wait for the MSI-X eventfd, read the used ring;
 *   dev.4k_qd32   4 KiB requests, 32 posted per kick (with EVENT_IDX,
 *                 negotiated for all, one interrupt per batch);
 *   dev.64k_qd1   64 KiB requests, one in flight;
 *   pread.4k, pread.64k   the baselines.
 * Every request's status is checked, and the data of each variant's last
 * requests against the file: never a silent wrong answer. The vdrv calls
 * assert with Check, so the measurement runs as one Check test; exit
 * status 0, 1 when it failed.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devices/virtio/tests/vdrv.h"

#define QD_MAX		32
#define BUF_MAX		(64u << 10)	/* the largest request */
#define DATA_MAX	(QD_MAX * 4096u > BUF_MAX ? QD_MAX * 4096u : BUF_MAX)

static uint64_t size_mib = 32;
static unsigned int blocks = 3;
static char disk[256];

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, uint64_t bytes, uint64_t ns,
		   uint64_t *lat, size_t n)
{
	qsort(lat, n, sizeof(*lat), cmp_u64);
	printf("sample blk.%s.mbps %.1f\n", name, (double)bytes * 1e3 / (double)ns);
	printf("sample blk.%s.p50 %llu\n", name, (unsigned long long)lat[n / 2]);
	fflush(stdout);
}

/*
 * Queue 0 as the hot path drives it. vdrv's calls assert with Check, and
 * every passing Check assertion writes to Check's message file (a
 * syscall): 25 of them per request would be most of what is measured. So
 * vdrv sets the device up, and requests go through this code, which
 * writes the rings directly and aborts (ck_abort_msg) only on a failure.
 */
struct slot {
	uint64_t hdr, status;	/* iova */
};

struct ring {
	uint8_t *desc;
	uint16_t *avail;	/* flags, idx, ring[size], used_event */
	uint16_t *used;		/* flags, idx, then 8-byte elements */
	uint16_t size, avail_idx;
	int kick_fd, irq_fd;
	struct slot slot[QD_MAX];
};

static struct ring r;

static void *ram(uint64_t iova)
{
	return vd.ram + (iova - VDRV_RAM_IOVA);
}

static void ring_setup(void)
{
	struct vdrv_queue *q = &vd.q[0];
	unsigned int i;

	ck_assert_uint_ge(q->size, 3 * QD_MAX);
	r.desc = vdrv_ptr(q->desc);
	r.avail = vdrv_ptr(q->avail);
	r.used = vdrv_ptr(q->used);
	r.size = q->size;
	r.avail_idx = q->avail_idx;
	r.kick_fd = q->kick_fd;
	r.irq_fd = vd.vec_fd[1 < vd.nvec ? 1 : 0];
	ck_assert_int_ge(r.irq_fd, 0);
	for (i = 0; i < QD_MAX; i++) {
		r.slot[i].hdr = vdrv_alloc(16, 16);
		r.slot[i].status = vdrv_alloc(1, 1);
	}
}

static void put_desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	uint8_t *d = r.desc + 16u * i;

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

/* Make request @i (slot i, descriptors 3i..3i+2) available. */
static void post(unsigned int i, uint64_t sector, uint64_t data, uint32_t len)
{
	struct slot *sl = &r.slot[i];
	uint32_t type = VIRTIO_BLK_T_IN, zero = 0;
	uint16_t head = (uint16_t)(3 * i);
	uint8_t *h = ram(sl->hdr);

	memcpy(h, &type, 4);
	memcpy(h + 4, &zero, 4);
	memcpy(h + 8, &sector, 8);
	*(uint8_t *)ram(sl->status) = 0xee;
	put_desc(head, sl->hdr, 16, VRING_DESC_F_NEXT, (uint16_t)(head + 1));
	put_desc((uint16_t)(head + 1), data, len,
		 VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, (uint16_t)(head + 2));
	put_desc((uint16_t)(head + 2), sl->status, 1, VRING_DESC_F_WRITE, 0);
	r.avail[2 + r.avail_idx % r.size] = head;
	r.avail_idx++;
}

/* Publish, kick, and wait (MSI-X eventfd) until the device used them all. */
static void kick_and_wait(void)
{
	uint64_t one = 1, v;
	struct pollfd p = { .fd = r.irq_fd, .events = POLLIN };

	/* EVENT_IDX: one interrupt for the batch, as Linux asks for. */
	__atomic_store_n(&r.avail[2 + r.size], (uint16_t)(r.avail_idx - 1),
			 __ATOMIC_RELEASE);
	__atomic_store_n(&r.avail[1], r.avail_idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (r.kick_fd >= 0) {
		if (write(r.kick_fd, &one, sizeof(one)) != sizeof(one))
			ck_abort_msg("kick: %s", strerror(errno));
	} else {
		vdrv_kick(0);
	}
	while (__atomic_load_n(&r.used[1], __ATOMIC_ACQUIRE) != r.avail_idx) {
		if (poll(&p, 1, 3000) != 1)
			ck_abort_msg("no completion in 3 s");
		if (read(r.irq_fd, &v, sizeof(v)) != sizeof(v) && errno != EAGAIN)
			ck_abort_msg("irq eventfd: %s", strerror(errno));
	}
}

/* The file's bytes at @off against what the device put at @iova. */
static void check_data(int fd, uint64_t off, uint64_t iova, uint32_t len)
{
	static uint8_t want[DATA_MAX];

	ck_assert_uint_le(len, sizeof(want));
	ck_assert_int_eq(pread(fd, want, len, (off_t)off), (ssize_t)len);
	ck_assert_msg(!memcmp(want, vdrv_ptr(iova), len),
		      "the device read wrong data at offset %llu",
		      (unsigned long long)off);
}

/* The whole file through the device, @bs bytes a request, @qd per kick. */
static void run_dev(const char *name, int fd, uint32_t bs, unsigned int qd,
		    uint64_t data, uint64_t *lat)
{
	uint64_t size = size_mib << 20, off, t0 = now_ns();
	size_t n = 0;

	for (off = 0; off < size; off += (uint64_t)bs * qd) {
		uint64_t t = now_ns();
		unsigned int i;

		for (i = 0; i < qd; i++)
			post(i, (off + (uint64_t)i * bs) / 512,
			     data + (uint64_t)i * bs, bs);
		kick_and_wait();
		lat[n++] = now_ns() - t;
		for (i = 0; i < qd; i++)
			if (*(uint8_t *)ram(r.slot[i].status) != VIRTIO_BLK_S_OK)
				ck_abort_msg("%s: request at %llu: status %u",
					     name, (unsigned long long)off,
					     *(uint8_t *)ram(r.slot[i].status));
	}
	report(name, size, now_ns() - t0, lat, n);
	check_data(fd, size - (uint64_t)bs * qd, data, bs * qd);
}

static void run_pread(const char *name, int fd, uint32_t bs, uint8_t *buf,
		      uint64_t *lat)
{
	uint64_t size = size_mib << 20, off, t0 = now_ns();
	size_t n = 0;

	for (off = 0; off < size; off += bs) {
		uint64_t t = now_ns();

		ck_assert_int_eq(pread(fd, buf, bs, (off_t)off), (ssize_t)bs);
		lat[n++] = now_ns() - t;
	}
	report(name, size, now_ns() - t0, lat, n);
}

START_TEST(bench)
{
	const char *extra[] = { "--disk", disk, NULL };
	const struct vdrv_opts opts = {
		.features = 1ull << VIRTIO_RING_F_EVENT_IDX,
	};
	uint64_t size = size_mib << 20, data, *lat;
	uint8_t *buf = malloc(BUF_MAX);
	unsigned int b;
	int fd;

	vdrv_setup();
	vdrv_tmpfile(disk, size);
	fd = open(disk, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	for (uint64_t off = 0; off < size; off += BUF_MAX) {
		vdrv_fill(buf, BUF_MAX, (unsigned int)(off >> 16));
		ck_assert_int_eq(pwrite(fd, buf, BUF_MAX, (off_t)off), BUF_MAX);
	}
	lat = calloc(size / 4096, sizeof(*lat));
	ck_assert_ptr_nonnull(lat);

	vdrv_up(extra);
	ck_assert(vdrv_init(&opts) & VIRTIO_CONFIG_S_DRIVER_OK);
	ck_assert(vd.features & (1ull << VIRTIO_RING_F_EVENT_IDX));
	ring_setup();
	data = vdrv_alloc(DATA_MAX, 4096);

	for (b = 0; b < blocks; b++) {
		run_dev("dev.4k_qd1", fd, 4096, 1, data, lat);
		run_pread("pread.4k", fd, 4096, buf, lat);
		run_dev("dev.4k_qd32", fd, 4096, QD_MAX, data, lat);
		run_dev("dev.64k_qd1", fd, 65536, 1, data, lat);
		run_pread("pread.64k", fd, 65536, buf, lat);
	}

	close(fd);
	free(lat);
	free(buf);
	vdrv_teardown();
	unlink(disk);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("bench-blk");
	TCase *tc = tcase_create("bench");
	SRunner *sr;
	int i, failed;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--size") && i + 1 < argc)
			size_mib = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--blocks") && i + 1 < argc)
			blocks = (unsigned int)atoi(argv[++i]);
		else
			size_mib = 0;
	}
	vd.bin = getenv("VIRTIO_BLK");
	if (!vd.bin || size_mib < 1 || size_mib > 1024 || blocks < 1) {
		fprintf(stderr, "usage: VIRTIO_BLK=PATH bench-blk "
			"[--size MIB (1..1024)] [--blocks B]\n");
		return 2;
	}
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, bench);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* In this process: the samples are printed as they come. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (disk[0] && failed)
		unlink(disk);
	return failed ? 1 : 0;
}
