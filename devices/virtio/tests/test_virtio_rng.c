// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user-virtio-rng as a child process, driven by vdrv (a user-space
 * virtio-pci driver over the client library): what Linux's virtio_pci
 * and virtio_rng see (IDs, capabilities, features, status, reset), the
 * transport's paths (ioeventfd and trapped kicks, MSI-X and INTx with
 * ISR, DMA by pointer and by messages, the PCI_CFG window), and the
 * device's answer (random bytes). Every case ends with the fds of both
 * processes back where they were (vdrv_teardown()).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "devices/virtio/tests/vdrv.h"
#include "proto/tests/check_main.h"
#include "proto/vu_memfd.h"

#define F(bit)	(1ull << (bit))

/* One device-writable buffer of @len bytes on queue 0; its iova. */
static uint64_t rng_request(uint32_t len, struct vdrv_used *u)
{
	uint64_t buf = vdrv_alloc(len, 64);
	uint16_t d = vdrv_next_desc(0);

	vdrv_desc(0, d, buf, len, VRING_DESC_F_WRITE, 0);
	vdrv_publish(0, d);
	vdrv_kick(0);
	ck_assert_msg(vdrv_wait_used(0, u, 3000), "no completion");
	ck_assert_uint_eq(u->id, d);
	return buf;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

START_TEST(test_pci_ids_and_virtio_capabilities_are_modern_rng)
{
	uint64_t df;

	vdrv_up(NULL);
	{
		uint8_t c[64];

		ck_assert_int_eq(vu_client_region_read(vd.cl,
				 VFIO_PCI_CONFIG_REGION_INDEX, 0, c, 64), 0);
		ck_assert_uint_eq(c[0] | c[1] << 8, 0x1af4);
		ck_assert_uint_eq(c[2] | c[3] << 8, 0x1044);
		ck_assert_uint_eq(c[PCI_REVISION_ID], 1);
		ck_assert_uint_eq(c[PCI_SUBSYSTEM_VENDOR_ID] |
				  c[PCI_SUBSYSTEM_VENDOR_ID + 1] << 8, 0x1af4);
		ck_assert_uint_eq(c[PCI_SUBSYSTEM_ID] |
				  c[PCI_SUBSYSTEM_ID + 1] << 8, 4);
		/* BAR4: 64-bit prefetchable memory. */
		ck_assert_uint_eq(c[PCI_BASE_ADDRESS_4] & 0xf,
				  PCI_BASE_ADDRESS_MEM_TYPE_64 |
				  PCI_BASE_ADDRESS_MEM_PREFETCH);
	}
	ck_assert_uint_eq(vd.notify_mult, 4);
	ck_assert_uint_ne(vd.pcicfg_cap, 0);
	ck_assert_uint_eq(vd.nvec, 2);		/* one queue + config */
	ck_assert_uint_eq(vd.device, UINT32_MAX);	/* no config space */
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_NUMQ, 2), 1);
	vdrv_set_common(VIRTIO_PCI_COMMON_DFSELECT, 0, 4);
	df = vdrv_common(VIRTIO_PCI_COMMON_DF, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_DFSELECT, 1, 4);
	df |= (uint64_t)vdrv_common(VIRTIO_PCI_COMMON_DF, 4) << 32;
	ck_assert_uint_eq(df, F(VIRTIO_F_VERSION_1) |
			  F(VIRTIO_RING_F_EVENT_IDX) |
			  F(VIRTIO_RING_F_INDIRECT_DESC));
	/* Feature words past the second read 0. */
	vdrv_set_common(VIRTIO_PCI_COMMON_DFSELECT, 2, 4);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_DF, 4), 0);
	/* After reset: status 0, queue 0 at its maximum size, no vector. */
	ck_assert_uint_eq(vdrv_status(), 0);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_Q_SIZE, 2), 64);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_Q_MSIX, 2),
			  VIRTIO_MSI_NO_VECTOR);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_MSIX, 2),
			  VIRTIO_MSI_NO_VECTOR);
	/* A queue that does not exist has size 0. */
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_SELECT, 1, 2);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_Q_SIZE, 2), 0);
}
END_TEST

START_TEST(test_buffers_are_filled_with_random_bytes_and_interrupt)
{
	struct vdrv_used u1, u2;
	uint64_t b1, b2;

	vdrv_up(NULL);
	ck_assert_uint_eq(vdrv_init(NULL) & VIRTIO_CONFIG_S_DRIVER_OK,
			  VIRTIO_CONFIG_S_DRIVER_OK);
	b1 = rng_request(256, &u1);
	ck_assert(vdrv_irq(0, 2000));
	b2 = rng_request(256, &u2);
	ck_assert(vdrv_irq(0, 2000));
	ck_assert_uint_eq(u1.len, 256);
	ck_assert_uint_eq(u2.len, 256);
	ck_assert(!all_zero(vdrv_ptr(b1), 256));
	ck_assert(!all_zero(vdrv_ptr(b2), 256));
	ck_assert(memcmp(vdrv_ptr(b1), vdrv_ptr(b2), 256));
	/* No configuration change interrupt came. */
	ck_assert(!vdrv_config_irq(0));
}
END_TEST

START_TEST(test_dma_by_messages_fills_a_chain_of_three_buffers)
{
	struct vdrv_used u;
	uint64_t b[3];
	uint16_t d[3];
	int i;

	vdrv_start(NULL);
	vdrv_connect(true);	/* RAM without fd: DMA_READ/DMA_WRITE */
	vdrv_find_caps();
	vdrv_init(NULL);
	for (i = 0; i < 3; i++) {
		b[i] = vdrv_alloc(100, 8);
		d[i] = vdrv_next_desc(0);
	}
	for (i = 0; i < 3; i++)
		vdrv_desc(0, d[i], b[i], 100, VRING_DESC_F_WRITE |
			  (i < 2 ? VRING_DESC_F_NEXT : 0),
			  i < 2 ? d[i + 1] : 0);
	vdrv_publish(0, d[0]);
	vdrv_kick(0);
	ck_assert(vdrv_wait_used(0, &u, 3000));
	ck_assert_uint_eq(u.id, d[0]);
	ck_assert_uint_eq(u.len, 300);
	for (i = 0; i < 3; i++)
		ck_assert(!all_zero(vdrv_ptr(b[i]), 100));
	ck_assert(vdrv_irq(0, 2000));
}
END_TEST

START_TEST(test_trapped_kicks_and_intx_with_isr)
{
	struct vdrv_opts o = { .intx = true, .trap_kicks = true };
	struct vdrv_used u;
	uint32_t four = 0;
	uint64_t buf;
	uint16_t d;

	vdrv_up(NULL);
	vdrv_init(&o);
	ck_assert_int_lt(vd.q[0].kick_fd, 0);
	rng_request(32, &u);
	ck_assert_uint_eq(u.len, 32);
	/* INTx fired; ISR said "queue" and now reads 0. */
	ck_assert(vdrv_irq(0, 2000));
	ck_assert_uint_eq(vdrv_isr(), 0);
	/* A 4-byte write of the notify address (not the ioeventfd's
	 * width) kicks the queue too. */
	buf = vdrv_alloc(16, 8);
	d = vdrv_next_desc(0);
	vdrv_desc(0, d, buf, 16, VRING_DESC_F_WRITE, 0);
	vdrv_publish(0, d);
	ck_assert_int_eq(vu_client_region_write(vd.cl, 4, vd.notify, &four, 4),
			 0);
	ck_assert(vdrv_wait_used(0, &u, 3000));
	ck_assert_uint_eq(u.len, 16);
	ck_assert(vdrv_irq(0, 2000));
}
END_TEST

START_TEST(test_features_ok_is_refused_without_version_1)
{
	struct vdrv_opts o = { .no_version_1 = true,
			       .features = F(VIRTIO_RING_F_EVENT_IDX) };
	uint8_t st;

	vdrv_up(NULL);
	st = vdrv_init(&o);
	ck_assert_uint_eq(st & VIRTIO_CONFIG_S_FEATURES_OK, 0);
	ck_assert(vdrv_log_has("VIRTIO_F_VERSION_1", 2000));
	/* Accepting a feature the device does not offer: refused too. */
	vdrv_reset();
	vdrv_set_status(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	vdrv_set_common(VIRTIO_PCI_COMMON_GFSELECT, 1, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_GF, 1u | (1u << 2), 4);
	vdrv_set_status(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			VIRTIO_CONFIG_S_FEATURES_OK);
	ck_assert_uint_eq(vdrv_status() & VIRTIO_CONFIG_S_FEATURES_OK, 0);
	/* A fresh start with the right features works. */
	vdrv_init(NULL);
	ck_assert(vdrv_status() & VIRTIO_CONFIG_S_FEATURES_OK);
}
END_TEST

START_TEST(test_reset_forgets_queues_and_the_device_works_again)
{
	struct vdrv_used u;

	vdrv_up(NULL);
	vdrv_init(NULL);
	rng_request(64, &u);
	vdrv_reset();
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_SELECT, 0, 2);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_Q_MSIX, 2),
			  VIRTIO_MSI_NO_VECTOR);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_Q_DESCLO, 4), 0);
	vdrv_set_common(VIRTIO_PCI_COMMON_GFSELECT, 1, 4);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_GF, 4), 0);
	/* A buffer made available on the old ring and kicked: the reset
	 * queue is not served. */
	vdrv_desc(0, 1, vdrv_alloc(8, 8), 8, VRING_DESC_F_WRITE, 0);
	vdrv_publish(0, 1);
	vdrv_kick(0);
	ck_assert_msg(vdrv_kick_taken(0, 5000), "the device did not take "
		      "the kick of queue 0 within 5 s");
	ck_assert_uint_eq(vdrv_used_idx(0), 1);
	/* Initialised again (new rings), it serves. */
	vdrv_init(NULL);
	rng_request(64, &u);
	ck_assert_uint_eq(u.len, 64);
	/* DEVICE_RESET (a function-level reset) is a virtio reset too. */
	ck_assert_int_eq(vu_client_reset(vd.cl), 0);
	ck_assert_uint_eq(vdrv_status(), 0);
	vdrv_init(NULL);
	rng_request(8, &u);
	ck_assert_uint_eq(u.len, 8);
}
END_TEST

START_TEST(test_buffers_made_available_before_driver_ok_are_served_after)
{
	struct vdrv_opts o = { .no_driver_ok = true };
	struct vdrv_used u;
	uint64_t buf = 0;
	uint16_t d;

	vdrv_up(NULL);
	vdrv_init(&o);
	buf = vdrv_alloc(48, 8);
	d = vdrv_next_desc(0);
	vdrv_desc(0, d, buf, 48, VRING_DESC_F_WRITE, 0);
	vdrv_publish(0, d);
	vdrv_kick(0);
	ck_assert_msg(vdrv_kick_taken(0, 5000), "the device did not take "
		      "the kick of queue 0 within 5 s");
	ck_assert_uint_eq(vdrv_used_idx(0), 0);
	vdrv_set_status(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			VIRTIO_CONFIG_S_FEATURES_OK |
			VIRTIO_CONFIG_S_DRIVER_OK);
	ck_assert(vdrv_wait_used(0, &u, 3000));
	ck_assert_uint_eq(u.len, 48);
}
END_TEST

/* Through the VIRTIO_PCI_CAP_PCI_CFG window (§4.1.4.9). */
static void window(uint32_t off, uint32_t len)
{
	uint8_t bar = 4;

	ck_assert_int_eq(vu_client_region_write(vd.cl,
			 VFIO_PCI_CONFIG_REGION_INDEX,
			 vd.pcicfg_cap + VIRTIO_PCI_CAP_BAR, &bar, 1), 0);
	ck_assert_int_eq(vu_client_region_write(vd.cl,
			 VFIO_PCI_CONFIG_REGION_INDEX,
			 vd.pcicfg_cap + VIRTIO_PCI_CAP_OFFSET, &off, 4), 0);
	ck_assert_int_eq(vu_client_region_write(vd.cl,
			 VFIO_PCI_CONFIG_REGION_INDEX,
			 vd.pcicfg_cap + VIRTIO_PCI_CAP_LENGTH, &len, 4), 0);
}

START_TEST(test_pci_cfg_window_reaches_the_common_config)
{
	uint32_t data = 0, off;
	uint8_t st = VIRTIO_CONFIG_S_ACKNOWLEDGE;

	vdrv_up(NULL);
	window(vd.common + VIRTIO_PCI_COMMON_NUMQ, 2);
	ck_assert_int_eq(vu_client_region_read(vd.cl,
			 VFIO_PCI_CONFIG_REGION_INDEX, vd.pcicfg_cap + 16,
			 &data, 4), 0);
	ck_assert_uint_eq(data & 0xffff, 1);
	/* A write through the window sets device_status. */
	window(vd.common + VIRTIO_PCI_COMMON_STATUS, 1);
	ck_assert_int_eq(vu_client_region_write(vd.cl,
			 VFIO_PCI_CONFIG_REGION_INDEX, vd.pcicfg_cap + 16,
			 &st, 1), 0);
	ck_assert_uint_eq(vdrv_status(), VIRTIO_CONFIG_S_ACKNOWLEDGE);
	/* The window's registers read back; a bad length does nothing. */
	ck_assert_int_eq(vu_client_region_read(vd.cl,
			 VFIO_PCI_CONFIG_REGION_INDEX,
			 vd.pcicfg_cap + VIRTIO_PCI_CAP_OFFSET, &off, 4), 0);
	ck_assert_uint_eq(off, vd.common + VIRTIO_PCI_COMMON_STATUS);
	window(vd.common + VIRTIO_PCI_COMMON_STATUS, 3);
	st = 0;
	ck_assert_int_eq(vu_client_region_write(vd.cl,
			 VFIO_PCI_CONFIG_REGION_INDEX, vd.pcicfg_cap + 16,
			 &st, 1), 0);
	ck_assert_uint_eq(vdrv_status(), VIRTIO_CONFIG_S_ACKNOWLEDGE);
}
END_TEST

START_TEST(test_client_going_away_resets_the_device)
{
	struct vdrv_used u;

	vdrv_up(NULL);
	vdrv_init(NULL);
	rng_request(16, &u);
	vdrv_disconnect();
	ck_assert(vdrv_log_has("client gone", 3000));
	vdrv_connect(false);
	vdrv_find_caps();
	ck_assert_uint_eq(vdrv_status(), 0);
	vdrv_init(NULL);
	rng_request(16, &u);
	ck_assert_uint_eq(u.len, 16);
}
END_TEST

START_TEST(test_queue_registers_are_fixed_once_enabled)
{
	struct vdrv_used u;

	vdrv_up(NULL);
	vdrv_init(NULL);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_SELECT, 0, 2);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_DESCLO, 0x1000, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_SIZE, 8, 2);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_ENABLE, 0, 2);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_Q_DESCLO, 4),
			  (uint32_t)vd.q[0].desc);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_Q_SIZE, 2), 64);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 1);
	/* An MSI-X vector the device does not have reads NO_VECTOR. */
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_MSIX, 7, 2);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_Q_MSIX, 2),
			  VIRTIO_MSI_NO_VECTOR);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_MSIX, 1, 2);
	rng_request(16, &u);
	ck_assert_uint_eq(u.len, 16);
}
END_TEST

/* vus_dma_check() and vus_dma_write() across the end of one map into an
 * adjacent one: one buffer, two maps (e.g. guest RAM split in two). */
START_TEST(test_buffer_across_two_adjacent_maps_is_filled)
{
	const uint64_t end = VDRV_RAM_IOVA + VDRV_RAM_SIZE;
	struct vdrv_used u;
	uint8_t *tail;
	int fd;

	vdrv_up(NULL);
	vdrv_init(NULL);
	fd = vu_memfd_create_sealed("vdrv-tail", 0x10000);
	ck_assert_int_ge(fd, 0);
	tail = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert(tail != MAP_FAILED);
	ck_assert_int_eq(vu_client_dma_map(vd.cl, end, 0x10000, fd, 0,
					   VFIO_USER_DMA_MAP_FLAG_READ |
					   VFIO_USER_DMA_MAP_FLAG_WRITE), 0);
	memset(vdrv_ptr(end - 64), 0, 64);
	vdrv_desc(0, 0, end - 64, 128, VRING_DESC_F_WRITE, 0);
	vdrv_publish(0, 0);
	vdrv_kick(0);
	ck_assert(vdrv_wait_used(0, &u, 3000));
	ck_assert_uint_eq(u.len, 128);
	ck_assert(!all_zero(vdrv_ptr(end - 64), 64));
	ck_assert(!all_zero(tail, 64));
	ck_assert(all_zero(tail + 64, 64));
	ck_assert_uint_eq(vdrv_status() & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	/* One byte further than the second map: refused. */
	vdrv_desc(0, 1, end + 0x10000 - 8, 16, VRING_DESC_F_WRITE, 0);
	vdrv_publish(0, 1);
	vdrv_kick(0);
	ck_assert(vdrv_wait_status(VIRTIO_CONFIG_S_NEEDS_RESET, 3000));
	ck_assert_int_eq(vu_client_dma_unmap(vd.cl, end, 0x10000), 0);
	munmap(tail, 0x10000);
	close(fd);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("virtio_rng");
	TCase *tc = tcase_create("rng");

	tcase_add_checked_fixture(tc, vdrv_setup, vdrv_teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_pci_ids_and_virtio_capabilities_are_modern_rng);
	tcase_add_test(tc, test_buffers_are_filled_with_random_bytes_and_interrupt);
	tcase_add_test(tc, test_dma_by_messages_fills_a_chain_of_three_buffers);
	tcase_add_test(tc, test_trapped_kicks_and_intx_with_isr);
	tcase_add_test(tc, test_features_ok_is_refused_without_version_1);
	tcase_add_test(tc, test_reset_forgets_queues_and_the_device_works_again);
	tcase_add_test(tc, test_buffers_made_available_before_driver_ok_are_served_after);
	tcase_add_test(tc, test_pci_cfg_window_reaches_the_common_config);
	tcase_add_test(tc, test_client_going_away_resets_the_device);
	tcase_add_test(tc, test_queue_registers_are_fixed_once_enabled);
	tcase_add_test(tc, test_buffer_across_two_adjacent_maps_is_filled);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	vd.bin = getenv("VIRTIO_RNG");
	if (!vd.bin) {
		fprintf(stderr, "VIRTIO_RNG is not set\n");
		return 1;
	}
	return run_suite(suite());
}
