// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DMA map table: overlap, exact unmap, max_dma_maps, bounds-checked
 * pointers at the edges and across map ends, iova + len overflow, fd
 * offsets and permissions, unmap waiting for a reference held by another
 * thread, no fd left behind.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "proto/vfio_user.h"
#include "devices/framework/dma_table.h"
#include "proto/tests/check_main.h"

#define RD	VFIO_USER_DMA_MAP_FLAG_READ
#define WR	VFIO_USER_DMA_MAP_FLAG_WRITE
#define RW	(RD | WR)
#define PG	4096u

static struct vus_dma_table t;

static void setup(void)
{
	ck_assert_int_eq(vus_dma_table_init(&t, 16), 0);
}

static void teardown(void)
{
	vus_dma_table_destroy(&t);
}

static int nr_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* A memfd of @pages pages, byte i holding (i * 7) & 0xff. */
static int mk_memfd(unsigned int pages)
{
	int fd = memfd_create("dma-test", MFD_CLOEXEC);
	uint8_t *p;
	size_t i;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)pages * PG), 0);
	p = mmap(NULL, (size_t)pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	for (i = 0; i < (size_t)pages * PG; i++)
		p[i] = (uint8_t)(i * 7);
	munmap(p, (size_t)pages * PG);
	return fd;
}

START_TEST(test_dma_map_overlap_is_eexist)
{
	struct vu_why why;

	ck_assert_int_eq(vus_dma_table_add(&t, 0x10000, 0x1000, RW, -1, 0,
					   &why), 0);
	/* Starting inside, ending inside, covering, same. */
	ck_assert_int_eq(vus_dma_table_add(&t, 0x10800, 0x1000, RW, -1, 0,
					   &why), -EEXIST);
	ck_assert_ptr_nonnull(strstr(why.msg, "overlaps"));
	ck_assert_int_eq(vus_dma_table_add(&t, 0xf000, 0x1001, RW, -1, 0,
					   &why), -EEXIST);
	ck_assert_int_eq(vus_dma_table_add(&t, 0x0, 0x100000, RW, -1, 0,
					   &why), -EEXIST);
	ck_assert_int_eq(vus_dma_table_add(&t, 0x10000, 0x1000, RW, -1, 0,
					   &why), -EEXIST);
	ck_assert_int_eq(vus_dma_table_add(&t, 0x10fff, 1, RW, -1, 0, &why),
			 -EEXIST);
	/* Adjacent on both sides is fine. */
	ck_assert_int_eq(vus_dma_table_add(&t, 0xf000, 0x1000, RW, -1, 0,
					   &why), 0);
	ck_assert_int_eq(vus_dma_table_add(&t, 0x11000, 0x1000, RW, -1, 0,
					   &why), 0);
	ck_assert_uint_eq(vus_dma_table_count(&t), 3);
}
END_TEST

START_TEST(test_dma_map_needs_size_and_permission)
{
	struct vu_why why;

	ck_assert_int_eq(vus_dma_table_add(&t, 0x1000, 0, RW, -1, 0, &why),
			 -EINVAL);
	ck_assert_int_eq(vus_dma_table_add(&t, 0x1000, 0x1000, 0, -1, 0, &why),
			 -EINVAL);
	ck_assert_int_eq(vus_dma_table_add(&t, 0x1000, 0x1000, 4, -1, 0, &why),
			 -EINVAL);
	ck_assert_uint_eq(vus_dma_table_count(&t), 0);
}
END_TEST

START_TEST(test_dma_map_iova_plus_size_overflow_is_rejected)
{
	struct vu_why why;
	int fd = mk_memfd(1);

	ck_assert_int_eq(vus_dma_table_add(&t, UINT64_MAX - 0xfff, 0x2000, RW,
					   -1, 0, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "wraps"));
	ck_assert_int_eq(vus_dma_table_add(&t, 0x1000, UINT64_MAX, RW, -1, 0,
					   &why), -EINVAL);
	/* The fd offset may not wrap either; the fd stays ours. */
	ck_assert_int_eq(vus_dma_table_add(&t, 0x1000, 0x1000, RW, fd,
					   UINT64_MAX - 0x10, &why), -EINVAL);
	ck_assert_int_ne(fcntl(fd, F_GETFD), -1);
	close(fd);
}
END_TEST

START_TEST(test_dma_unmap_must_match_a_map_exactly)
{
	struct vu_why why;

	ck_assert_int_eq(vus_dma_table_add(&t, 0x10000, 0x4000, RW, -1, 0,
					   &why), 0);
	/* Partial: same start shorter, same start longer, inside. */
	ck_assert_int_eq(vus_dma_table_remove(&t, 0x10000, 0x1000, &why),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "not exactly"));
	ck_assert_int_eq(vus_dma_table_remove(&t, 0x10000, 0x5000, &why),
			 -EINVAL);
	ck_assert_int_eq(vus_dma_table_remove(&t, 0x11000, 0x1000, &why),
			 -EINVAL);
	ck_assert_int_eq(vus_dma_table_remove(&t, 0xf000, 0x2000, &why),
			 -EINVAL);
	/* Nothing there. */
	ck_assert_int_eq(vus_dma_table_remove(&t, 0x20000, 0x1000, &why),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(why.msg, "not mapped"));
	ck_assert_uint_eq(vus_dma_table_count(&t), 1);
	ck_assert_int_eq(vus_dma_table_remove(&t, 0x10000, 0x4000, &why), 0);
	ck_assert_uint_eq(vus_dma_table_count(&t), 0);
	ck_assert_int_eq(vus_dma_table_remove(&t, 0x10000, 0x4000, &why),
			 -ENOENT);
}
END_TEST

START_TEST(test_dma_max_maps_is_enforced)
{
	struct vu_why why;

	vus_dma_table_set_max(&t, 2);
	ck_assert_int_eq(vus_dma_table_add(&t, 0x1000, 0x1000, RW, -1, 0,
					   &why), 0);
	ck_assert_int_eq(vus_dma_table_add(&t, 0x3000, 0x1000, RW, -1, 0,
					   &why), 0);
	ck_assert_int_eq(vus_dma_table_add(&t, 0x5000, 0x1000, RW, -1, 0,
					   &why), -ENOSPC);
	ck_assert_ptr_nonnull(strstr(why.msg, "max_dma_maps 2"));
	ck_assert_int_eq(vus_dma_table_remove(&t, 0x1000, 0x1000, &why), 0);
	ck_assert_int_eq(vus_dma_table_add(&t, 0x5000, 0x1000, RW, -1, 0,
					   &why), 0);
}
END_TEST

START_TEST(test_dma_get_is_bounds_checked_at_the_edges)
{
	struct vus_dma_table_ref ref;
	struct vu_why why;
	int fd = mk_memfd(4);
	uint8_t *p;

	/* iova 0x10000..0x13000 is file offset 0x1000..0x4000. */
	ck_assert_int_eq(vus_dma_table_add(&t, 0x10000, 0x3000, RW, fd, 0x1000,
					   &why), 0);
	ck_assert_int_eq(vus_dma_table_get(&t, 0x10000, 0x3000, RD,
					   (void **)&p, &ref), 0);
	ck_assert_uint_eq(p[0], (uint8_t)(0x1000 * 7));
	ck_assert_uint_eq(p[0x2fff], (uint8_t)(0x3fff * 7));
	vus_dma_table_put(&t, &ref);
	ck_assert_int_eq(vus_dma_table_get(&t, 0x12fff, 1, RW, (void **)&p,
					   &ref), 0);
	ck_assert_uint_eq(p[0], (uint8_t)(0x3fff * 7));
	vus_dma_table_put(&t, &ref);
	/* One byte past the end, one before the start, nothing. */
	ck_assert_int_eq(vus_dma_table_get(&t, 0x12fff, 2, RD, (void **)&p,
					   &ref), -EFAULT);
	ck_assert_ptr_null(ref.map);
	ck_assert_int_eq(vus_dma_table_get(&t, 0x13000, 1, RD, (void **)&p,
					   &ref), -EFAULT);
	ck_assert_int_eq(vus_dma_table_get(&t, 0xffff, 2, RD, (void **)&p,
					   &ref), -EFAULT);
	ck_assert_int_eq(vus_dma_table_get(&t, 0x10000, 0x3001, RD,
					   (void **)&p, &ref), -EFAULT);
	ck_assert_int_eq(vus_dma_table_get(&t, 0x10000, 0, RD, (void **)&p,
					   &ref), -EINVAL);
	/* iova + len wraps: never a pointer. */
	ck_assert_int_eq(vus_dma_table_get(&t, 0x11000, UINT64_MAX, RD,
					   (void **)&p, &ref), -EFAULT);
	ck_assert_int_eq(vus_dma_table_get(&t, UINT64_MAX, 2, RD, (void **)&p,
					   &ref), -EFAULT);
}
END_TEST

START_TEST(test_dma_get_never_crosses_a_map_end)
{
	struct vus_dma_table_ref ref;
	struct vus_dma_span span;
	struct vu_why why;
	int fd1 = mk_memfd(1), fd2 = mk_memfd(1);
	void *p;

	ck_assert_int_eq(vus_dma_table_add(&t, 0x1000, 0x1000, RW, fd1, 0,
					   &why), 0);
	ck_assert_int_eq(vus_dma_table_add(&t, 0x2000, 0x1000, RW, fd2, 0,
					   &why), 0);
	/* Adjacent maps are separate mmaps: no pointer spans both. */
	ck_assert_int_eq(vus_dma_table_get(&t, 0x1ff0, 0x20, RD, &p, &ref),
			 -EFAULT);
	/* span() gives the piece up to the first map's end. */
	ck_assert_int_eq(vus_dma_table_span(&t, 0x1ff0, 0x20, RD, &span), 0);
	ck_assert_uint_eq(span.len, 0x10);
	ck_assert_ptr_nonnull(span.ptr);
	vus_dma_table_put(&t, &span.ref);
	ck_assert_int_eq(vus_dma_table_span(&t, 0x2000, 0x20, RD, &span), 0);
	ck_assert_uint_eq(span.len, 0x20);
	vus_dma_table_put(&t, &span.ref);
	ck_assert_int_eq(vus_dma_table_span(&t, 0x3000, 0x20, RD, &span),
			 -EFAULT);
}
END_TEST

START_TEST(test_dma_get_checks_the_map_permission)
{
	struct vus_dma_table_ref ref;
	struct vu_why why;
	int fd = mk_memfd(1);
	void *p;

	ck_assert_int_eq(vus_dma_table_add(&t, 0x1000, 0x1000, RD, fd, 0, &why),
			 0);
	ck_assert_int_eq(vus_dma_table_get(&t, 0x1000, 8, WR, &p, &ref),
			 -EACCES);
	ck_assert_int_eq(vus_dma_table_get(&t, 0x1000, 8, RW, &p, &ref),
			 -EACCES);
	ck_assert_int_eq(vus_dma_table_get(&t, 0x1000, 8, RD, &p, &ref), 0);
	vus_dma_table_put(&t, &ref);
}
END_TEST

START_TEST(test_dma_get_of_map_without_fd_is_eopnotsupp)
{
	struct vus_dma_table_ref ref;
	struct vus_dma_span span;
	struct vu_why why;
	void *p;

	ck_assert_int_eq(vus_dma_table_add(&t, 0x1000, 0x1000, RW, -1, 0, &why),
			 0);
	ck_assert_int_eq(vus_dma_table_get(&t, 0x1000, 8, RD, &p, &ref),
			 -EOPNOTSUPP);
	ck_assert_int_eq(vus_dma_table_span(&t, 0x1800, 0x1000, RD, &span), 0);
	ck_assert_ptr_null(span.ptr);
	ck_assert_uint_eq(span.len, 0x800);
}
END_TEST

START_TEST(test_dma_map_with_unmappable_fd_returns_mmap_errno)
{
	struct vu_why why;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(vus_dma_table_add(&t, 0x1000, 0x1000, RD, p[0], 0,
					   &why), -ENODEV);
	ck_assert_ptr_nonnull(strstr(why.msg, "mmap"));
	ck_assert_uint_eq(vus_dma_table_count(&t), 0);
	/* The fd is still the caller's. */
	ck_assert_int_eq(close(p[0]), 0);
	close(p[1]);
}
END_TEST

struct holder {
	uint64_t iova;
	pthread_mutex_t m;
	pthread_cond_t c;
	bool removed;
};

static void *remover(void *arg)
{
	struct holder *h = arg;
	struct vu_why why;

	ck_assert_int_eq(vus_dma_table_remove(&t, h->iova, 0x1000, &why), 0);
	pthread_mutex_lock(&h->m);
	h->removed = true;
	pthread_cond_broadcast(&h->c);
	pthread_mutex_unlock(&h->m);
	return NULL;
}

START_TEST(test_dma_unmap_waits_for_a_reference_held_elsewhere)
{
	struct holder h = { .iova = 0x1000 };
	struct vus_dma_table_ref ref;
	struct timespec ts;
	struct vu_why why;
	int fds = nr_fds(), fd = mk_memfd(1);
	volatile uint8_t *p;
	pthread_t th;

	pthread_mutex_init(&h.m, NULL);
	pthread_cond_init(&h.c, NULL);
	ck_assert_int_eq(vus_dma_table_add(&t, 0x1000, 0x1000, RW, fd, 0, &why),
			 0);
	ck_assert_int_eq(vus_dma_table_get(&t, 0x1000, 0x1000, RW,
					   (void **)&p, &ref), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, remover, &h), 0);
	/* The unmap is not done while we hold the pointer... */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 200 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&h.m);
	while (!h.removed &&
	       pthread_cond_timedwait(&h.c, &h.m, &ts) != ETIMEDOUT)
		;
	ck_assert(!h.removed);
	pthread_mutex_unlock(&h.m);
	/* ...and the memory is still there (the map is gone from the
	 * table already: no new user gets it). */
	p[0] = 0x5a;
	ck_assert_uint_eq(p[0], 0x5a);
	ck_assert_uint_eq(vus_dma_table_count(&t), 0);
	vus_dma_table_put(&t, &ref);
	pthread_join(th, NULL);
	ck_assert(h.removed);
	/* munmap'ed and its fd closed. */
	ck_assert_int_eq(nr_fds(), fds);
}
END_TEST

START_TEST(test_dma_clear_closes_every_fd)
{
	struct vu_why why;
	int fds = nr_fds();
	unsigned int i;

	for (i = 0; i < 8; i++)
		ck_assert_int_eq(vus_dma_table_add(&t, 0x10000 * (i + 1), PG,
						   RW, mk_memfd(1), 0, &why),
				 0);
	ck_assert_int_eq(nr_fds(), fds + 8);
	vus_dma_table_clear(&t);
	ck_assert_uint_eq(vus_dma_table_count(&t), 0);
	ck_assert_int_eq(nr_fds(), fds);
}
END_TEST

START_TEST(test_dma_many_maps_stay_sorted_and_found)
{
	struct vus_dma_span span;
	struct vu_why why;
	unsigned int i;

	vus_dma_table_set_max(&t, 1000);
	/* Added in a scrambled order. */
	for (i = 0; i < 500; i++) {
		uint64_t k = (i * 269u) % 500u;

		ck_assert_int_eq(vus_dma_table_add(&t, k * 0x2000, 0x1000, RW,
						   -1, 0, &why), 0);
	}
	for (i = 0; i < 500; i++) {
		ck_assert_int_eq(vus_dma_table_span(&t, i * 0x2000 + 0xff0,
						    0x100, RD, &span), 0);
		ck_assert_uint_eq(span.len, 0x10);
		ck_assert_int_eq(vus_dma_table_span(&t, i * 0x2000 + 0x1000,
						    1, RD, &span), -EFAULT);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("dma_table");
	TCase *tc = tcase_create("dma_table");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dma_map_overlap_is_eexist);
	tcase_add_test(tc, test_dma_map_needs_size_and_permission);
	tcase_add_test(tc, test_dma_map_iova_plus_size_overflow_is_rejected);
	tcase_add_test(tc, test_dma_unmap_must_match_a_map_exactly);
	tcase_add_test(tc, test_dma_max_maps_is_enforced);
	tcase_add_test(tc, test_dma_get_is_bounds_checked_at_the_edges);
	tcase_add_test(tc, test_dma_get_never_crosses_a_map_end);
	tcase_add_test(tc, test_dma_get_checks_the_map_permission);
	tcase_add_test(tc, test_dma_get_of_map_without_fd_is_eopnotsupp);
	tcase_add_test(tc, test_dma_map_with_unmappable_fd_returns_mmap_errno);
	tcase_add_test(tc, test_dma_unmap_waits_for_a_reference_held_elsewhere);
	tcase_add_test(tc, test_dma_clear_closes_every_fd);
	tcase_add_test(tc, test_dma_many_maps_stay_sorted_and_found);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
