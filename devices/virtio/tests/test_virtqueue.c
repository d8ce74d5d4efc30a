// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the split virtqueue (devices/virtio/virtqueue.c) on a
 * fake guest memory: ring set-up checks, chains, the byte streams of a
 * chain, the used ring, notification suppression with and without
 * EVENT_IDX (index wrap-around included), and memory errors that are
 * not the guest's. The rules a malicious driver breaks are also covered
 * end to end in test_virtio_malformed.c.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/virtio_ring.h>

#include "devices/virtio/virtqueue.h"
#include "proto/tests/check_main.h"

#define BASE	0x10000ull
#define SIZE	0x20000ull
#define QS	8
#define DESC	BASE
#define AVAIL	(BASE + 0x1000)
#define USED	(BASE + 0x2000)
#define DATA	(BASE + 0x4000)
#define EV_IDX	(1ull << VIRTIO_RING_F_EVENT_IDX)
#define IND	(1ull << VIRTIO_RING_F_INDIRECT_DESC)

static uint8_t mem[SIZE];
static int fail_with;		/* every access fails with this when set */

static int in_mem(uint64_t iova, uint64_t len)
{
	if (fail_with)
		return fail_with;
	return iova >= BASE && iova - BASE <= SIZE &&
	       len <= SIZE - (iova - BASE) ? 0 : -EFAULT;
}

static int f_check(void *o, uint64_t iova, uint64_t len, bool w)
{
	(void)o;
	(void)w;
	return in_mem(iova, len);
}

static int f_read(void *o, uint64_t iova, void *buf, uint64_t len)
{
	int ret = in_mem(iova, len);

	(void)o;
	if (!ret)
		memcpy(buf, mem + (iova - BASE), len);
	return ret;
}

static int f_write(void *o, uint64_t iova, const void *buf, uint64_t len)
{
	int ret = in_mem(iova, len);

	(void)o;
	if (!ret)
		memcpy(mem + (iova - BASE), buf, len);
	return ret;
}

static const struct virtq_mem_ops ops = {
	.check = f_check, .read = f_read, .write = f_write,
};

static struct virtq vq;
static struct virtq_elem e;
static struct vu_why why;

static void *at(uint64_t iova)
{
	return mem + (iova - BASE);
}

static void desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	uint8_t *d = at(DESC + 16ull * i);

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

static uint16_t avail_idx;

static void publish(uint16_t head)
{
	uint16_t *ring = at(AVAIL + 4);

	ring[avail_idx % QS] = head;
	avail_idx++;
	memcpy(at(AVAIL + 2), &avail_idx, 2);
}

static uint16_t get16(uint64_t iova)
{
	uint16_t v;

	memcpy(&v, at(iova), 2);
	return v;
}

static void put16(uint64_t iova, uint16_t v)
{
	memcpy(at(iova), &v, 2);
}

static void start(uint64_t features)
{
	memset(mem, 0, sizeof(mem));
	fail_with = 0;
	avail_idx = 0;
	why.msg[0] = 0;
	ck_assert_int_eq(virtq_setup(&vq, &ops, NULL, QS, DESC, AVAIL, USED,
				     features, 0, 4096, &why), 0);
	ck_assert_int_eq(virtq_elem_init(&e, QS), 0);
}

static void stop(void)
{
	virtq_elem_free(&e);
}

START_TEST(test_setup_checks_size_alignment_and_memory)
{
	struct virtq q;

	ck_assert_int_eq(virtq_setup(&q, &ops, NULL, 6, DESC, AVAIL, USED, 0,
				     0, 0, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "power of 2"));
	ck_assert_int_eq(virtq_setup(&q, &ops, NULL, 0, DESC, AVAIL, USED, 0,
				     0, 0, &why), -EINVAL);
	ck_assert_int_eq(virtq_setup(&q, &ops, NULL, QS, DESC + 8, AVAIL, USED,
				     0, 0, 0, &why), -EINVAL);
	ck_assert_int_eq(virtq_setup(&q, &ops, NULL, QS, DESC, AVAIL, USED + 2,
				     0, 0, 0, &why), -EINVAL);
	ck_assert_int_eq(virtq_setup(&q, &ops, NULL, QS, DESC, AVAIL,
				     BASE + SIZE - 16, 0, 0, 0, &why), -EFAULT);
	ck_assert_ptr_nonnull(strstr(why.msg, "used ring"));
	ck_assert_int_eq(virtq_setup(&q, &ops, NULL, QS, DESC, AVAIL, USED, 0,
				     0, 0, &why), 0);
	ck_assert_uint_eq(q.max_segs, QS);
}
END_TEST

START_TEST(test_pop_empty_then_a_chain_with_both_directions)
{
	start(0);
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), 0);
	desc(3, DATA, 16, VRING_DESC_F_NEXT, 5);
	desc(5, DATA + 100, 0, VRING_DESC_F_NEXT, 1);	/* skipped */
	desc(1, DATA + 200, 30, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 2);
	desc(2, DATA + 300, 2, VRING_DESC_F_WRITE, 0);
	publish(3);
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), 1);
	ck_assert_uint_eq(e.head, 3);
	ck_assert_uint_eq(e.nr_out, 1);
	ck_assert_uint_eq(e.nr_in, 2);
	ck_assert_uint_eq(e.out_len, 16);
	ck_assert_uint_eq(e.in_len, 32);
	ck_assert_uint_eq(e.segs[1].addr, DATA + 200);
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), 0);
	/* Without EVENT_IDX avail_event is never written. */
	ck_assert_uint_eq(get16(USED + 4 + 8 * QS), 0);
	stop();
}
END_TEST

START_TEST(test_streams_span_segments_and_stop_at_their_end)
{
	uint8_t out[16], buf[32];
	unsigned int i;

	start(0);
	for (i = 0; i < 16; i++)
		out[i] = (uint8_t)i;
	memcpy(at(DATA), out, 10);
	memcpy(at(DATA + 50), out + 10, 6);
	desc(0, DATA, 10, VRING_DESC_F_NEXT, 1);
	desc(1, DATA + 50, 6, VRING_DESC_F_NEXT, 2);
	desc(2, DATA + 100, 20, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 3);
	desc(3, DATA + 200, 12, VRING_DESC_F_WRITE, 0);
	publish(0);
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), 1);
	ck_assert_int_eq(virtq_read(&vq, &e, 4, buf, 12), 0);
	ck_assert_mem_eq(buf, out + 4, 12);
	ck_assert_int_eq(virtq_read(&vq, &e, 4, buf, 13), -ERANGE);
	memset(buf, 0xab, sizeof(buf));
	ck_assert_int_eq(virtq_write(&vq, &e, 15, buf, 17), 0);
	ck_assert_uint_eq(((uint8_t *)at(DATA + 119))[0], 0xab);
	ck_assert_uint_eq(((uint8_t *)at(DATA + 114))[0], 0);
	ck_assert_uint_eq(((uint8_t *)at(DATA + 211))[0], 0xab);
	ck_assert_int_eq(virtq_write(&vq, &e, 32, buf, 1), -ERANGE);
	ck_assert_int_eq(virtq_write(&vq, &e, 32, buf, 0), 0);
	stop();
}
END_TEST

START_TEST(test_push_writes_the_used_entry_then_the_index_clamping_len)
{
	start(0);
	desc(4, DATA, 8, VRING_DESC_F_WRITE, 0);
	publish(4);
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), 1);
	ck_assert_int_eq(virtq_push(&vq, &e, 100, &why), 0);
	ck_assert_uint_eq(get16(USED + 2), 1);
	ck_assert_uint_eq(*(uint32_t *)at(USED + 4), 4);
	ck_assert_uint_eq(*(uint32_t *)at(USED + 8), 8);	/* in_len */
	stop();
}
END_TEST

START_TEST(test_indices_wrap_around_at_65536)
{
	unsigned int n;
	bool notify;

	start(EV_IDX);
	/* A driver that has been running a while: both rings at 65534. */
	vq.last_avail = vq.used_idx = vq.signalled_used = 65534;
	avail_idx = 65534;
	put16(USED + 2, 65534);
	desc(0, DATA, 8, VRING_DESC_F_WRITE, 0);
	for (n = 0; n < 4; n++) {
		publish(0);
		ck_assert_int_eq(virtq_pop(&vq, &e, &why), 1);
		ck_assert_int_eq(virtq_push(&vq, &e, 8, &why), 0);
	}
	ck_assert_uint_eq(vq.last_avail, 2);
	ck_assert_uint_eq(get16(USED + 2), 2);
	/* used_event 0 lies between the old (65534) and new (2) used idx. */
	put16(AVAIL + 4 + 2 * QS, 0);
	ck_assert_int_eq(virtq_need_notify(&vq, &notify, &why), 0);
	ck_assert(notify);
	/* Empty now: avail_event says "2 is the next I take". */
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), 0);
	ck_assert_uint_eq(get16(USED + 4 + 8 * QS), 2);
	/* avail idx 65534 + 9 would be 9 ahead: more than the size. */
	put16(AVAIL + 2, (uint16_t)(2 + QS + 1));
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(why.msg, "more than the queue size"));
	stop();
}
END_TEST

START_TEST(test_event_idx_notifies_only_when_used_event_is_crossed)
{
	bool notify;
	int i;

	start(EV_IDX);
	desc(0, DATA, 8, VRING_DESC_F_WRITE, 0);
	put16(AVAIL + 4 + 2 * QS, 2);	/* after the third */
	for (i = 0; i < 3; i++) {
		publish(0);
		ck_assert_int_eq(virtq_pop(&vq, &e, &why), 1);
		ck_assert_int_eq(virtq_push(&vq, &e, 8, &why), 0);
		ck_assert_int_eq(virtq_need_notify(&vq, &notify, &why), 0);
		ck_assert_msg(notify == (i == 2), "push %d: notify %d", i,
			      notify);
	}
	/* Several pushes at once that jump over used_event: notified. */
	put16(AVAIL + 4 + 2 * QS, 4);
	for (i = 0; i < 3; i++) {
		publish(0);
		ck_assert_int_eq(virtq_pop(&vq, &e, &why), 1);
		ck_assert_int_eq(virtq_push(&vq, &e, 8, &why), 0);
	}
	ck_assert_int_eq(virtq_need_notify(&vq, &notify, &why), 0);
	ck_assert(notify);
	/* The flag is ignored with EVENT_IDX. */
	put16(AVAIL, VRING_AVAIL_F_NO_INTERRUPT);
	put16(AVAIL + 4 + 2 * QS, 6);
	publish(0);
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), 1);
	ck_assert_int_eq(virtq_push(&vq, &e, 8, &why), 0);
	ck_assert_int_eq(virtq_need_notify(&vq, &notify, &why), 0);
	ck_assert(notify);
	stop();
}
END_TEST

START_TEST(test_no_interrupt_flag_without_event_idx)
{
	bool notify = true;

	start(0);
	desc(0, DATA, 8, VRING_DESC_F_WRITE, 0);
	put16(AVAIL, VRING_AVAIL_F_NO_INTERRUPT);
	publish(0);
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), 1);
	ck_assert_int_eq(virtq_push(&vq, &e, 8, &why), 0);
	ck_assert_int_eq(virtq_need_notify(&vq, &notify, &why), 0);
	ck_assert(!notify);
	put16(AVAIL, 0);
	ck_assert_int_eq(virtq_need_notify(&vq, &notify, &why), 0);
	ck_assert(notify);
	stop();
}
END_TEST

START_TEST(test_limits_on_segments_bytes_and_indirect_tables)
{
	uint8_t *t;
	int i;

	start(IND);
	/* 4096 bytes per chain: 4097 is too many. */
	desc(0, DATA, 4000, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	desc(1, DATA, 97, VRING_DESC_F_WRITE, 0);
	publish(0);
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(why.msg, "longer than 4096 bytes"));
	stop();

	/* An indirect table of exactly QS entries is fine... */
	start(IND);
	t = at(DATA + 0x1000);
	for (i = 0; i < QS; i++) {
		uint64_t a = DATA;
		uint32_t len = 1;
		uint16_t fl = VRING_DESC_F_WRITE |
			      (i + 1 < QS ? VRING_DESC_F_NEXT : 0);
		uint16_t nx = (uint16_t)(i + 1);

		memcpy(t + 16 * i, &a, 8);
		memcpy(t + 16 * i + 8, &len, 4);
		memcpy(t + 16 * i + 12, &fl, 2);
		memcpy(t + 16 * i + 14, &nx, 2);
	}
	desc(0, DATA + 0x1000, 16 * QS, VRING_DESC_F_INDIRECT, 0);
	publish(0);
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), 1);
	ck_assert_uint_eq(e.nr_in, QS);
	ck_assert_uint_eq(e.in_len, QS);
	/* ...and so are direct descriptors followed by an indirect one
	 * (§2.7.5.3.2), whose WRITE flag means nothing... */
	t = at(DATA + 0x2000);
	for (i = 0; i < 3; i++) {
		uint64_t a = DATA + 64;
		uint32_t len = 2;
		uint16_t fl = VRING_DESC_F_WRITE |
			      (i < 2 ? VRING_DESC_F_NEXT : 0);
		uint16_t nx = (uint16_t)(i + 1);

		memcpy(t + 16 * i, &a, 8);
		memcpy(t + 16 * i + 8, &len, 4);
		memcpy(t + 16 * i + 12, &fl, 2);
		memcpy(t + 16 * i + 14, &nx, 2);
	}
	desc(1, DATA, 4, VRING_DESC_F_NEXT, 2);
	desc(2, DATA + 0x2000, 16 * 3, VRING_DESC_F_INDIRECT |
	     VRING_DESC_F_WRITE, 0);
	publish(1);
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), 1);
	ck_assert_uint_eq(e.nr_out, 1);
	ck_assert_uint_eq(e.nr_in, 3);
	ck_assert_uint_eq(e.in_len, 6);
	/* ...as long as the data descriptors stay within QS. */
	desc(1, DATA, 4, VRING_DESC_F_NEXT, 2);
	desc(2, DATA + 0x1000, 16 * QS, VRING_DESC_F_INDIRECT, 0);
	publish(1);
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(why.msg, "more than 8 descriptors"));
	stop();
}
END_TEST

START_TEST(test_memory_errors_that_are_not_the_guests_take_nothing)
{
	start(0);
	desc(0, DATA, 8, VRING_DESC_F_WRITE, 0);
	publish(0);
	fail_with = -ENOTCONN;
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), -ENOTCONN);
	ck_assert(!virtq_is_guest_error(-ENOTCONN));
	ck_assert_uint_eq(vq.last_avail, 0);
	fail_with = 0;
	ck_assert_int_eq(virtq_pop(&vq, &e, &why), 1);
	ck_assert(virtq_is_guest_error(-EBADMSG));
	ck_assert(virtq_is_guest_error(-EFAULT));
	ck_assert(virtq_is_guest_error(-EACCES));
	stop();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("virtqueue");
	TCase *tc = tcase_create("split");

	tcase_add_test(tc, test_setup_checks_size_alignment_and_memory);
	tcase_add_test(tc, test_pop_empty_then_a_chain_with_both_directions);
	tcase_add_test(tc, test_streams_span_segments_and_stop_at_their_end);
	tcase_add_test(tc, test_push_writes_the_used_entry_then_the_index_clamping_len);
	tcase_add_test(tc, test_indices_wrap_around_at_65536);
	tcase_add_test(tc, test_event_idx_notifies_only_when_used_event_is_crossed);
	tcase_add_test(tc, test_no_interrupt_flag_without_event_idx);
	tcase_add_test(tc, test_limits_on_segments_bytes_and_indirect_tables);
	tcase_add_test(tc, test_memory_errors_that_are_not_the_guests_take_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
