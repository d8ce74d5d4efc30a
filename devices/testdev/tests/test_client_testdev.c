// SPDX-License-Identifier: GPL-2.0-only
/*
 * The client library (proto/client) against the framework (devices/
 * framework) through the sample device, vfio-user-testdev, as a child
 * process on a real UNIX socket: every command the client wraps, the
 * sparse mmap fd, the ioeventfd doorbell, MSI-X/MSI/INTx eventfds, DMA by
 * pointer into a memfd and by DMA_READ/DMA_WRITE messages served by the
 * client's dma_access callback (main socket and twin socket), reset,
 * reconnect, several client threads at once with DMA messages going on,
 * and the commands the client does not wrap through vu_client_request().
 * Every case ends with the fds of this process and of the device as they
 * were before it (td_teardown()).
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "devices/framework/tests/raw_client.h"
#include "devices/testdev/tests/td_client.h"
#include "proto/tests/check_main.h"
#include "proto/vu_memfd.h"

/* Start the device as it comes and connect, without twin socket. */
static void start_plain(void)
{
	td_start(NULL);
	td_connect(false);
}

/* --- VERSION, device info, regions --- */

START_TEST(test_connect_negotiates_0_2_with_and_without_twin_socket)
{
	const struct vu_version *s;

	td_start(NULL);
	td_connect(false);
	s = vu_client_session(td.cl);
	ck_assert_uint_eq(s->major, 0);
	ck_assert_uint_eq(s->minor, 2);
	ck_assert_uint_eq(s->caps.max_msg_fds, 8);
	ck_assert_uint_eq(s->caps.max_data_xfer_size, 1u << 20);
	ck_assert_uint_eq(s->caps.pgsizes, 4096);
	ck_assert(!s->caps.twin_socket);
	ck_assert(!vu_client_twin_socket(td.cl));
	ck_assert_uint_eq(td_reg(TESTDEV_CONNECTS), 1);
	td_disconnect();

	td_connect(true);
	ck_assert(vu_client_session(td.cl)->caps.twin_socket);
	ck_assert(vu_client_server_version(td.cl)->caps.twin_socket);
	ck_assert_uint_eq(td_reg(TESTDEV_CONNECTS), 2);
}
END_TEST

START_TEST(test_device_info_is_pci_with_reset_9_regions_5_irqs)
{
	struct vfio_user_device_info info;

	start_plain();
	memset(&info, 0xff, sizeof(info));
	ck_assert_int_eq(vu_client_device_info(td.cl, &info), 0);
	ck_assert_uint_eq(info.flags, VFIO_DEVICE_FLAGS_PCI |
			  VFIO_DEVICE_FLAGS_RESET);
	ck_assert_uint_eq(info.num_regions, VFIO_PCI_NUM_REGIONS);
	ck_assert_uint_eq(info.num_irqs, VFIO_PCI_NUM_IRQS);
}
END_TEST

START_TEST(test_region_info_of_every_region)
{
	static const struct {
		uint64_t size;
		uint32_t flags;
	} want[VFIO_PCI_NUM_REGIONS] = {
		[0] = { 0x1000, VFIO_REGION_INFO_FLAG_READ |
				VFIO_REGION_INFO_FLAG_WRITE },
		[2] = { 0x10000, VFIO_REGION_INFO_FLAG_READ |
				 VFIO_REGION_INFO_FLAG_WRITE |
				 VFIO_REGION_INFO_FLAG_MMAP |
				 VFIO_REGION_INFO_FLAG_CAPS },
		[4] = { 0x1000, VFIO_REGION_INFO_FLAG_READ |
				VFIO_REGION_INFO_FLAG_WRITE },
		[6] = { 0x800, VFIO_REGION_INFO_FLAG_READ },
		[7] = { 0x1000, VFIO_REGION_INFO_FLAG_READ |
				VFIO_REGION_INFO_FLAG_WRITE },
	};
	struct vu_client_region r;
	uint32_t i;

	start_plain();
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		ck_assert_int_eq(vu_client_region_info(td.cl, i, &r), 0);
		ck_assert_uint_eq(r.index, i);
		ck_assert_msg(r.size == want[i].size, "region %u size %#llx",
			      i, (unsigned long long)r.size);
		ck_assert_msg(r.flags == want[i].flags, "region %u flags %#x",
			      i, r.flags);
		if (i == TD_BAR2) {
			ck_assert_int_ge(r.fd, 0);
			ck_assert(r.has_sparse);
			ck_assert_uint_eq(r.nr_areas, 1);
			ck_assert_uint_eq(r.areas[0].offset, 0);
			ck_assert_uint_eq(r.areas[0].size,
					  TESTDEV_MEM_TRAP_PAGE);
		} else {
			ck_assert_int_eq(r.fd, -1);
			ck_assert_uint_eq(r.nr_areas, 0);
		}
		ck_assert(!r.has_type);
		vu_client_region_release(&r);
	}
	/* Past the last region: an error reply, the connection goes on. */
	ck_assert_int_eq(vu_client_region_info(td.cl, VFIO_PCI_NUM_REGIONS,
					       &r), -EINVAL);
	vu_client_region_release(&r);
	ck_assert_uint_eq(td_reg(TESTDEV_ID), TESTDEV_MAGIC);
}
END_TEST

START_TEST(test_sparse_mmap_area_shows_the_bar2_signature_and_the_device_sees_writes)
{
	struct vu_client_region r;
	uint32_t word = 0x600dcafe, v = 0;
	uint8_t *p;

	start_plain();
	ck_assert_int_eq(vu_client_region_info(td.cl, TD_BAR2, &r), 0);
	p = mmap(NULL, r.areas[0].size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 r.fd, (off_t)(r.fd_offset + r.areas[0].offset));
	ck_assert(p != MAP_FAILED);
	ck_assert_mem_eq(p, TESTDEV_BAR2_SIGNATURE,
			 sizeof(TESTDEV_BAR2_SIGNATURE));
	/* Our store through the mapping: the device reads it from its own
	 * mapping (BAR2_PEEK), no trapped access... */
	memcpy(p + 0x100, &word, 4);
	td_set_reg(TESTDEV_BAR2_PEEK_OFF, 0x100);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_PEEK), word);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_TRAPS), 0);
	/* ...and a trapped REGION_READ of the same bytes sees it too. */
	ck_assert_int_eq(vu_client_region_read(td.cl, TD_BAR2, 0x100, &v, 4),
			 0);
	ck_assert_uint_eq(v, word);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_TRAPS), 1);
	/* A trapped REGION_WRITE shows in our mapping. */
	ck_assert_int_eq(td_try_set_reg(TD_BAR2, 0x200, 0x12345678), 0);
	ck_assert_uint_eq(*(volatile uint32_t *)(p + 0x200), 0x12345678);
	/* The last page is not in the area: trapped, counted. */
	ck_assert_int_eq(td_try_set_reg(TD_BAR2, TESTDEV_MEM_TRAP_PAGE, 7), 0);
	ck_assert_int_eq(td_try_reg(TD_BAR2, TESTDEV_MEM_TRAP_PAGE, &v), 0);
	ck_assert_uint_eq(v, 7);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_TRAPS), 4);
	ck_assert_int_eq(munmap(p, r.areas[0].size), 0);
	vu_client_region_release(&r);
}
END_TEST

/*
 * Regression: testdev handed out its BAR2 memfd unsealed, and a client
 * that truncated it killed testdev with SIGBUS in bar2_peek(). Now the
 * file's size is sealed: the truncate fails and the device lives.
 */
START_TEST(test_bar2_fd_cannot_be_truncated_by_the_client)
{
	struct vu_client_region r;

	int shrink, grow;

	start_plain();
	ck_assert_int_eq(vu_client_region_info(td.cl, TD_BAR2, &r), 0);
	ck_assert_int_ge(r.fd, 0);
	shrink = ftruncate(r.fd, 0) ? errno : 0;
	/* The device reads the end of its BAR2 (it died here). */
	td_set_reg(TESTDEV_BAR2_PEEK_OFF, TESTDEV_MEM_SIZE - 4);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_PEEK), 0);
	ck_assert_uint_eq(td_reg(TESTDEV_ID), TESTDEV_MAGIC);
	ck_assert_msg(shrink == EPERM, "truncate: %s", strerror(shrink));
	grow = ftruncate(r.fd, 2 * TESTDEV_MEM_SIZE) ? errno : 0;
	ck_assert_msg(grow == EPERM, "grow: %s", strerror(grow));
	vu_client_region_release(&r);
}
END_TEST

/* --- Doorbell --- */

START_TEST(test_io_fd_doorbell_eventfd_moves_doorbell_count)
{
	struct vu_client_io_fds io;
	uint64_t three = 3;

	start_plain();
	ck_assert_int_eq(vu_client_region_io_fds(td.cl, TD_BAR0, &io), 0);
	ck_assert_uint_eq(io.count, 1);
	ck_assert_uint_eq(io.nr_fds, 1);
	ck_assert_uint_eq(io.entries[0].e.offset, TESTDEV_DOORBELL);
	ck_assert_uint_eq(io.entries[0].e.size, 4);
	ck_assert_uint_eq(io.entries[0].e.type,
			  VFIO_USER_IO_FD_TYPE_IOEVENTFD);
	ck_assert_int_ge(io.entries[0].fd, 0);
	ck_assert_uint_eq(td_reg(TESTDEV_DOORBELL_COUNT), 0);
	/* What KVM does on a guest store to the doorbell. */
	ck_assert_int_eq(write(io.entries[0].fd, &three, 8), 8);
	ck_assert_uint_eq(td_wait_reg(TESTDEV_DOORBELL_COUNT, ~0u, 3, 2000),
			  3);
	/* A trapped write of the doorbell kicks the same eventfd. */
	td_set_reg(TESTDEV_DOORBELL, 1);
	ck_assert_uint_eq(td_wait_reg(TESTDEV_DOORBELL_COUNT, ~0u, 4, 2000),
			  4);
	vu_client_io_fds_release(&io);

	/* BAR2 has none; the config region neither. */
	ck_assert_int_eq(vu_client_region_io_fds(td.cl, TD_BAR2, &io), 0);
	ck_assert_uint_eq(io.count, 0);
	ck_assert_uint_eq(io.nr_fds, 0);
	vu_client_io_fds_release(&io);
	ck_assert_int_eq(vu_client_region_io_fds(td.cl, TD_CFG, &io), 0);
	ck_assert_uint_eq(io.count, 0);
	vu_client_io_fds_release(&io);
}
END_TEST

/* --- Interrupts --- */

START_TEST(test_irq_info_of_every_index)
{
	static const struct {
		uint32_t count, flags;
	} want[VFIO_PCI_NUM_IRQS] = {
		[VFIO_PCI_INTX_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD |
					      VFIO_IRQ_INFO_MASKABLE |
					      VFIO_IRQ_INFO_AUTOMASKED },
		[VFIO_PCI_MSI_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD |
					     VFIO_IRQ_INFO_NORESIZE },
		[VFIO_PCI_MSIX_IRQ_INDEX] = { 4, VFIO_IRQ_INFO_EVENTFD },
	};
	struct vfio_user_irq_info info;
	uint32_t i;

	start_plain();
	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		ck_assert_int_eq(vu_client_irq_info(td.cl, i, &info), 0);
		ck_assert_uint_eq(info.index, i);
		ck_assert_msg(info.count == want[i].count, "IRQ %u count %u",
			      i, info.count);
		ck_assert_msg(info.flags == want[i].flags, "IRQ %u flags %#x",
			      i, info.flags);
	}
	ck_assert_int_eq(vu_client_irq_info(td.cl, VFIO_PCI_NUM_IRQS, &info),
			 -EINVAL);
}
END_TEST

START_TEST(test_msix_eventfds_get_exactly_the_raised_vector)
{
	int fds[TESTDEV_MSIX_VECTORS], v, w;

	start_plain();
	for (v = 0; v < TESTDEV_MSIX_VECTORS; v++)
		fds[v] = td_efd();
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_NONE);
	ck_assert_int_eq(vu_client_set_irqs_eventfd(td.cl,
			 VFIO_PCI_MSIX_IRQ_INDEX, 0, TESTDEV_MSIX_VECTORS, fds),
			 0);
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_MSIX);
	for (v = TESTDEV_MSIX_VECTORS - 1; v >= 0; v--) {
		td_set_reg(TESTDEV_IRQ_RAISE, (uint32_t)v);
		ck_assert_msg(td_fired(fds[v], 2000), "vector %d", v);
		for (w = 0; w < TESTDEV_MSIX_VECTORS; w++)
			ck_assert_msg(!td_fired(fds[w], 0), "vector %d fired "
				      "for %d", w, v);
	}
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_COUNT), TESTDEV_MSIX_VECTORS);
	/* One vector de-assigned (no fd): it is no longer signalled. */
	ck_assert_int_eq(vu_client_set_irqs(td.cl, VFIO_PCI_MSIX_IRQ_INDEX,
			 VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			 1, 1, NULL, NULL), 0);
	td_set_reg(TESTDEV_IRQ_RAISE, 1);
	ck_assert(!td_fired(fds[1], 100));
	td_set_reg(TESTDEV_IRQ_RAISE, 2);
	ck_assert(td_fired(fds[2], 2000));
	/* Count 0: MSI-X off altogether. */
	ck_assert_int_eq(vu_client_set_irqs_eventfd(td.cl,
			 VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL), 0);
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_NONE);
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(!td_fired(fds[0], 100));
	for (v = 0; v < TESTDEV_MSIX_VECTORS; v++)
		close(fds[v]);
}
END_TEST

/*
 * Regression: a client's blocking eventfd whose counter is at its
 * maximum made the framework's write block forever under the IRQ lock:
 * the REGION_WRITE that raised the interrupt was never answered, and
 * SIGTERM no longer stopped the device (td_teardown checks that it
 * does). Now the signal is dropped, not waited for.
 */
START_TEST(test_a_full_blocking_eventfd_hangs_neither_the_device_nor_its_stop)
{
	uint64_t full = 0xfffffffffffffffeull, v = 0;
	int fd = eventfd(0, EFD_CLOEXEC);	/* blocking, on purpose */

	ck_assert_int_ge(fd, 0);
	start_plain();
	ck_assert_int_eq(write(fd, &full, sizeof(full)), sizeof(full));
	ck_assert_int_eq(vu_client_set_irqs_eventfd(td.cl,
			 VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, &fd), 0);
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	/* Answered; the interrupt was not delivered, nor counted. */
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_COUNT), 0);
	ck_assert_int_eq(read(fd, &v, sizeof(v)), sizeof(v));
	ck_assert(v == full);
	/* Once the client reads, interrupts flow again. */
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(td_fired(fd, 2000));
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_COUNT), 1);
	close(fd);
}
END_TEST

START_TEST(test_msi_eventfd_gets_the_interrupt_when_msix_is_not_set)
{
	int fd = td_efd();

	start_plain();
	ck_assert_int_eq(vu_client_set_irqs_eventfd(td.cl,
			 VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &fd), 0);
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_MSI);
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(td_fired(fd, 2000));
	/* MSI takes one vector: vector 1 is not there. */
	ck_assert_int_eq(vu_client_set_irqs_eventfd(td.cl,
			 VFIO_PCI_MSI_IRQ_INDEX, 1, 1, &fd), -EINVAL);
	close(fd);
}
END_TEST

START_TEST(test_intx_trigger_fires_once_until_the_unmask_eventfd)
{
	int trig = td_efd(), unmask = td_efd();
	uint64_t one = 1;

	start_plain();
	ck_assert_int_eq(vu_client_set_irqs(td.cl, VFIO_PCI_INTX_IRQ_INDEX,
			 VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			 0, 1, NULL, &trig), 0);
	ck_assert_int_eq(vu_client_set_irqs(td.cl, VFIO_PCI_INTX_IRQ_INDEX,
			 VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK,
			 0, 1, NULL, &unmask), 0);
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_INTX);
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(td_fired(trig, 2000));
	ck_assert(td_cfg(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	/* Automasked until the EOI (the unmask eventfd)... */
	ck_assert(!td_fired(trig, 100));
	ck_assert_int_eq(write(unmask, &one, 8), 8);
	/* ...then again, as the line is still up. */
	ck_assert(td_fired(trig, 2000));
	td_set_reg(TESTDEV_IRQ_STATUS, TESTDEV_IRQ_RAISED);
	ck_assert_uint_eq(td_cfg(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	ck_assert_int_eq(write(unmask, &one, 8), 8);
	ck_assert(!td_fired(trig, 100));
	/* SET_IRQS ACTION_MASK holds it back, ACTION_UNMASK lets it go. */
	ck_assert_int_eq(vu_client_set_irqs(td.cl, VFIO_PCI_INTX_IRQ_INDEX,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
			 0, 1, NULL, NULL), 0);
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(!td_fired(trig, 100));
	ck_assert_int_eq(vu_client_set_irqs(td.cl, VFIO_PCI_INTX_IRQ_INDEX,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
			 0, 1, NULL, NULL), 0);
	ck_assert(td_fired(trig, 2000));
	close(trig);
	close(unmask);
}
END_TEST

/* --- Registers --- */

START_TEST(test_region_read_and_write_of_registers)
{
	uint64_t src = 0x1122334455667788ull, got = 0;
	uint32_t v = 0;
	uint16_t half = 1;

	start_plain();
	ck_assert_uint_eq(td_reg(TESTDEV_ID), TESTDEV_MAGIC);
	ck_assert_uint_eq(td_reg(TESTDEV_VERSION), 1);
	ck_assert_uint_eq(td_reg(TESTDEV_FEATURES),
			  TESTDEV_F_MMAP | TESTDEV_F_IOEVENTFD |
			  TESTDEV_F_MSIX | TESTDEV_F_MSI | TESTDEV_F_INTX |
			  TESTDEV_F_ROM);
	td_set_reg(TESTDEV_SCRATCH, 0xa5a5f00d);
	ck_assert_uint_eq(td_reg(TESTDEV_SCRATCH), 0xa5a5f00d);
	/* 8 bytes: two registers, low first; read back in one piece. */
	ck_assert_int_eq(vu_client_region_write(td.cl, TD_BAR0,
			 TESTDEV_DMA_SRC_LO, &src, 8), 0);
	ck_assert_int_eq(vu_client_region_read(td.cl, TD_BAR0,
			 TESTDEV_DMA_SRC_LO, &got, 8), 0);
	ck_assert_uint_eq(got, src);
	/* The device refuses a 2-byte write: an error reply, nothing
	 * changes, the connection goes on. */
	ck_assert_int_eq(vu_client_region_write(td.cl, TD_BAR0,
			 TESTDEV_SCRATCH, &half, 2), -EINVAL);
	ck_assert_uint_eq(td_reg(TESTDEV_SCRATCH), 0xa5a5f00d);
	/* Outside BAR0, or in a region that does not exist. */
	ck_assert_int_eq(td_try_reg(TD_BAR0, TESTDEV_REGS_SIZE - 2, &v),
			 -EINVAL);
	ck_assert_int_eq(td_try_reg(1, 0, &v), -EINVAL);
	/* The ROM reads its signature and refuses writes. */
	{
		char rom[sizeof(TESTDEV_ROM_SIGNATURE)];

		ck_assert_int_eq(vu_client_region_read(td.cl,
				 VFIO_PCI_ROM_REGION_INDEX, 0, rom,
				 sizeof(rom)), 0);
		ck_assert_mem_eq(rom, TESTDEV_ROM_SIGNATURE, sizeof(rom));
		ck_assert_int_eq(td_try_set_reg(VFIO_PCI_ROM_REGION_INDEX, 0,
						1), -EINVAL);
	}
	/* Config space: IDs and class. */
	ck_assert_uint_eq(td_cfg(PCI_VENDOR_ID, 4),
			  TESTDEV_VENDOR | (TESTDEV_DEVICE << 16));
	ck_assert_uint_eq(td_cfg(PCI_CLASS_REVISION, 4),
			  (TESTDEV_CLASS << 8) | TESTDEV_REVISION);
	ck_assert_uint_eq(td_reg(TESTDEV_ID), TESTDEV_MAGIC);
}
END_TEST

/* --- DMA --- */

#define IOVA	0x100000ull
#define RAM	(1u << 20)

START_TEST(test_dma_map_of_a_memfd_copy_and_fill_by_pointer)
{
	uint32_t st;
	uint8_t *ram;
	int fd, i, n;

	start_plain();
	ram = td_memfd(RAM, &fd);
	td_fill(ram, 0x4000, 7);
	n = rc_fd_count(td.ch.pid);
	ck_assert_int_eq(vu_client_dma_map(td.cl, IOVA, RAM, fd, 0, TD_RW), 0);
	/* The device holds the memfd now (the reply came after it took
	 * it): one more fd there. */
	ck_assert_int_eq(rc_fd_count(td.ch.pid), n + 1);

	st = td_dma_run(TESTDEV_DMA_CMD_COPY, IOVA, IOVA + 0x80000, 0x4000, 0);
	ck_assert_uint_eq(st, TESTDEV_DMA_ST_DONE | TESTDEV_DMA_ST_PTR);
	ck_assert_mem_eq(ram + 0x80000, ram, 0x4000);

	st = td_dma_run(TESTDEV_DMA_CMD_FILL, 0, IOVA + 0x40001, 99,
			0xa5a55a5a);
	ck_assert_uint_eq(st, TESTDEV_DMA_ST_DONE | TESTDEV_DMA_ST_PTR);
	for (i = 0; i < 99; i++)
		ck_assert_uint_eq(ram[0x40001 + i],
				  (uint8_t)(0xa5a55a5a >> (8 * (i % 4))));
	ck_assert_uint_eq(ram[0x40000], 0);
	ck_assert_uint_eq(ram[0x40001 + 99], 0);
	ck_assert_uint_eq(td_reg(TESTDEV_DMA_COUNT), 2);
	/* No message went our way. */
	ck_assert_uint_eq(td.mem.reads + td.mem.writes, 0);

	/* Across the end of the map: refused with EFAULT. */
	st = td_dma_run(TESTDEV_DMA_CMD_COPY, IOVA, IOVA + RAM - 8, 16, 0);
	ck_assert_uint_eq(st, TESTDEV_DMA_ST_DONE | TESTDEV_DMA_ST_ERROR |
			  TESTDEV_DMA_ST_MSG);
	ck_assert_uint_eq(td_reg(TESTDEV_DMA_ERROR), EFAULT);
	/* Unmapped: the device closed the memfd and can no longer reach
	 * it. */
	ck_assert_int_eq(vu_client_dma_unmap(td.cl, IOVA, RAM), 0);
	ck_assert_int_eq(rc_fd_count(td.ch.pid), n);
	st = td_dma_run(TESTDEV_DMA_CMD_COPY, IOVA, IOVA + 0x80000, 16, 0);
	ck_assert(st & TESTDEV_DMA_ST_ERROR);
	ck_assert_uint_eq(td_reg(TESTDEV_DMA_ERROR), EFAULT);
	/* An unmap that matches no map is an error reply. */
	ck_assert_int_eq(vu_client_dma_unmap(td.cl, IOVA, RAM), -ENOENT);
	ck_assert_int_eq(munmap(ram, RAM), 0);
	close(fd);
}
END_TEST

/* A map without fd: every DMA comes to dma_access as a message. */
static void dma_by_messages(bool twin)
{
	uint8_t *ram = calloc(1, 2 * TESTDEV_DMA_MAX);
	uint32_t st;

	ck_assert_ptr_nonnull(ram);
	td_start(NULL);
	td_connect(twin);
	td.mem = (struct td_mem){ .iova = IOVA, .size = 2 * TESTDEV_DMA_MAX,
				  .p = ram };
	ck_assert_int_eq(vu_client_dma_map(td.cl, IOVA, 2 * TESTDEV_DMA_MAX,
					   -1, 0, TD_RW), 0);
	/* The largest transfer: 1 MiB read, 1 MiB written back. */
	td_fill(ram, TESTDEV_DMA_MAX, twin ? 11 : 12);
	st = td_dma_run(TESTDEV_DMA_CMD_COPY, IOVA, IOVA + TESTDEV_DMA_MAX,
			TESTDEV_DMA_MAX, 0);
	ck_assert_uint_eq(st, TESTDEV_DMA_ST_DONE | TESTDEV_DMA_ST_MSG);
	ck_assert_mem_eq(ram + TESTDEV_DMA_MAX, ram, TESTDEV_DMA_MAX);
	ck_assert_uint_ge(td.mem.reads, 1);
	ck_assert_uint_ge(td.mem.writes, 1);
	/* A fill writes only. */
	st = td_dma_run(TESTDEV_DMA_CMD_FILL, 0, IOVA + 3, 5, 0x04030201);
	ck_assert_uint_eq(st, TESTDEV_DMA_ST_DONE | TESTDEV_DMA_ST_MSG);
	ck_assert_mem_eq(ram + 3, "\x01\x02\x03\x04\x01", 5);
	/* Our callback refuses what lies outside the memory it has: the
	 * device gets the error reply. */
	td.mem.size = TESTDEV_DMA_MAX;
	st = td_dma_run(TESTDEV_DMA_CMD_COPY, IOVA, IOVA + TESTDEV_DMA_MAX,
			64, 0);
	ck_assert_uint_eq(st, TESTDEV_DMA_ST_DONE | TESTDEV_DMA_ST_ERROR |
			  TESTDEV_DMA_ST_MSG);
	ck_assert_uint_eq(td_reg(TESTDEV_DMA_ERROR), EFAULT);
	td.mem.size = 2 * TESTDEV_DMA_MAX;
	ck_assert_int_eq(vu_client_dma_unmap(td.cl, IOVA, 2 * TESTDEV_DMA_MAX),
			 0);
	td_disconnect();
	td.mem.p = NULL;
	free(ram);
}

/*
 * Regression: a DMA_MAP whose fd could shrink was mmapped, and a client
 * that truncated the file after the map killed testdev with SIGBUS in
 * dma_copy(). Now such a map is reached by messages: the truncate
 * changes nothing for the device, and its DMA still works.
 */
START_TEST(test_dma_map_of_an_unsealed_memfd_goes_by_messages_and_survives_a_truncate)
{
	uint8_t *ram = calloc(1, RAM);
	int fd = memfd_create("td-unsealed", MFD_CLOEXEC);
	uint32_t st;

	ck_assert_ptr_nonnull(ram);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, RAM), 0);
	start_plain();
	child_log_mark(&td.ch);
	td.mem = (struct td_mem){ .iova = IOVA, .size = RAM, .p = ram };
	ck_assert_int_eq(vu_client_dma_map(td.cl, IOVA, RAM, fd, 0, TD_RW), 0);
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	td_fill(ram, 0x1000, 5);
	/* The device's DMA into the map (it died here of SIGBUS). */
	st = td_dma_run(TESTDEV_DMA_CMD_COPY, IOVA, IOVA + 0x8000, 0x1000, 0);
	ck_assert_uint_eq(st, TESTDEV_DMA_ST_DONE | TESTDEV_DMA_ST_MSG);
	ck_assert_mem_eq(ram + 0x8000, ram, 0x1000);
	ck_assert_uint_ge(td.mem.reads, 1);
	ck_assert(child_log_has(&td.ch, "not sealed against shrinking", 2000));
	ck_assert_int_eq(vu_client_dma_unmap(td.cl, IOVA, RAM), 0);
	td.mem.p = NULL;
	close(fd);
	free(ram);
}
END_TEST

/*
 * Regression: a 1 MiB DMA_MAP of a 4 KiB memfd was mmapped, and the
 * device's first DMA past the file's end died of SIGBUS. Now the map is
 * refused, naming the file's size.
 */
START_TEST(test_dma_map_larger_than_its_file_is_refused)
{
	int fd = vu_memfd_create_sealed("td-small", 4096), ret;
	uint32_t st;

	ck_assert_int_ge(fd, 0);
	start_plain();
	child_log_mark(&td.ch);
	ret = vu_client_dma_map(td.cl, IOVA, RAM, fd, 0, TD_RW);
	/* A DMA past the file's end (the device died here of SIGBUS): no
	 * map, so an error. */
	st = td_dma_run(TESTDEV_DMA_CMD_COPY, IOVA + 0x8000, IOVA, 16, 0);
	ck_assert(st & TESTDEV_DMA_ST_ERROR);
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert(child_log_has(&td.ch, "the fd's file is 4096 bytes", 2000));
	/* Also where the offset pushes a small map past the end. */
	ck_assert_int_eq(vu_client_dma_map(td.cl, IOVA, 4096, fd, 4096, TD_RW),
			 -EINVAL);
	ck_assert_uint_eq(td_reg(TESTDEV_ID), TESTDEV_MAGIC);
	close(fd);
}
END_TEST

START_TEST(test_dma_without_fd_is_served_by_dma_access_on_the_main_socket)
{
	dma_by_messages(false);
}
END_TEST

START_TEST(test_dma_without_fd_is_served_by_dma_access_on_the_twin_socket)
{
	dma_by_messages(true);
}
END_TEST

/* --- Reset, reconnect --- */

START_TEST(test_reset_zeroes_registers_and_keeps_maps_and_eventfds)
{
	int fd, msix[TESTDEV_MSIX_VECTORS], v;
	uint8_t *ram;
	uint32_t st;

	start_plain();
	for (v = 0; v < TESTDEV_MSIX_VECTORS; v++)
		msix[v] = td_efd();
	ram = td_memfd(RAM, &fd);
	ck_assert_int_eq(vu_client_dma_map(td.cl, IOVA, RAM, fd, 0, TD_RW), 0);
	ck_assert_int_eq(vu_client_set_irqs_eventfd(td.cl,
			 VFIO_PCI_MSIX_IRQ_INDEX, 0, TESTDEV_MSIX_VECTORS,
			 msix), 0);
	td_set_reg(TESTDEV_SCRATCH, 0x1234);
	td_set_reg(TESTDEV_BAR2_PEEK_OFF, 0x20);
	ck_assert_uint_eq(td_reg(TESTDEV_RESET_COUNT), 0);

	ck_assert_int_eq(vu_client_reset(td.cl), 0);
	ck_assert_uint_eq(td_reg(TESTDEV_SCRATCH), 0);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_PEEK_OFF), 0);
	ck_assert_uint_eq(td_reg(TESTDEV_RESET_COUNT), 1);
	ck_assert_int_eq(vu_client_reset(td.cl), 0);
	ck_assert_uint_eq(td_reg(TESTDEV_RESET_COUNT), 2);
	/* As with VFIO: the user's maps and eventfds stay. */
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_MSIX);
	td_set_reg(TESTDEV_IRQ_RAISE, 3);
	ck_assert(td_fired(msix[3], 2000));
	ram[0] = 0x5a;
	st = td_dma_run(TESTDEV_DMA_CMD_COPY, IOVA, IOVA + 1, 1, 0);
	ck_assert_uint_eq(st, TESTDEV_DMA_ST_DONE | TESTDEV_DMA_ST_PTR);
	ck_assert_uint_eq(ram[1], 0x5a);
	for (v = 0; v < TESTDEV_MSIX_VECTORS; v++)
		close(msix[v]);
	ck_assert_int_eq(munmap(ram, RAM), 0);
	close(fd);
}
END_TEST

START_TEST(test_reconnect_keeps_device_state_and_drops_maps_and_eventfds)
{
	int fd, msi = td_efd();
	uint8_t *ram;
	uint32_t st;

	start_plain();
	ram = td_memfd(RAM, &fd);
	ck_assert_int_eq(vu_client_dma_map(td.cl, IOVA, RAM, fd, 0, TD_RW), 0);
	ck_assert_int_eq(vu_client_set_irqs_eventfd(td.cl,
			 VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &msi), 0);
	td_set_reg(TESTDEV_SCRATCH, 0xc0ffee);
	ck_assert_uint_eq(td_reg(TESTDEV_CONNECTS), 1);
	/* The device closes the connection, the memfd and the eventfd. */
	td_disconnect();

	td_connect(false);
	ck_assert_uint_eq(td_reg(TESTDEV_CONNECTS), 2);
	ck_assert_uint_eq(td_reg(TESTDEV_SCRATCH), 0xc0ffee);
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_NONE);
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(!td_fired(msi, 100));
	/* The old map is gone: DMA there fails, mapping it again works. */
	st = td_dma_run(TESTDEV_DMA_CMD_COPY, IOVA, IOVA + 16, 16, 0);
	ck_assert(st & TESTDEV_DMA_ST_ERROR);
	ck_assert_uint_eq(td_reg(TESTDEV_DMA_ERROR), EFAULT);
	ck_assert_int_eq(vu_client_dma_map(td.cl, IOVA, RAM, fd, 0, TD_RW), 0);
	ram[0] = 0x42;
	st = td_dma_run(TESTDEV_DMA_CMD_COPY, IOVA, IOVA + 16, 1, 0);
	ck_assert_uint_eq(st, TESTDEV_DMA_ST_DONE | TESTDEV_DMA_ST_PTR);
	ck_assert_uint_eq(ram[16], 0x42);
	/* Mapping over it is refused. */
	ck_assert_int_eq(vu_client_dma_map(td.cl, IOVA + 0x1000, 0x1000, fd,
					   0x1000, TD_RW), -EEXIST);
	ck_assert_int_eq(munmap(ram, RAM), 0);
	close(fd);
	close(msi);
}
END_TEST

/* Program a 1 MiB copy by messages and start it; do not wait. */
static uint8_t *start_big_copy(bool twin)
{
	uint8_t *ram = calloc(1, 2 * TESTDEV_DMA_MAX);

	ck_assert_ptr_nonnull(ram);
	td_start(NULL);
	td_connect(twin);
	td.mem = (struct td_mem){ .iova = IOVA, .size = 2 * TESTDEV_DMA_MAX,
				  .p = ram };
	ck_assert_int_eq(vu_client_dma_map(td.cl, IOVA, 2 * TESTDEV_DMA_MAX,
					   -1, 0, TD_RW), 0);
	td_fill(ram, TESTDEV_DMA_MAX, 99);
	td_set_reg(TESTDEV_DMA_SRC_LO, (uint32_t)IOVA);
	td_set_reg(TESTDEV_DMA_DST_LO, (uint32_t)(IOVA + TESTDEV_DMA_MAX));
	td_set_reg(TESTDEV_DMA_LEN, TESTDEV_DMA_MAX);
	td_set_reg(TESTDEV_DMA_CMD, TESTDEV_DMA_CMD_COPY);
	return ram;
}

START_TEST(test_reset_while_dma_messages_are_in_flight_waits_for_them)
{
	uint8_t *ram = start_big_copy(false);

	/* The device's DMA_READ/DMA_WRITE arrive while we wait for the
	 * DEVICE_RESET reply: served, the reset completes. */
	ck_assert_int_eq(vu_client_reset(td.cl), 0);
	ck_assert_uint_eq(td_reg(TESTDEV_RESET_COUNT), 1);
	/* The job ran to its end before the reset, which then dropped its
	 * completion. */
	ck_assert_mem_eq(ram + TESTDEV_DMA_MAX, ram, TESTDEV_DMA_MAX);
	ck_assert_uint_eq(td_reg(TESTDEV_DMA_STATUS), 0);
	ck_assert_uint_eq(td_reg(TESTDEV_DMA_COUNT), 0);
	ck_assert_uint_ge(td.mem.reads, 1);
	td_disconnect();
	td.mem.p = NULL;
	free(ram);
}
END_TEST

START_TEST(test_disconnect_while_dma_messages_are_in_flight_cleans_up)
{
	uint8_t *ram = start_big_copy(true);
	uint32_t st;

	/* Gone in the middle: the device's DMA fails (or has finished),
	 * it drops the connection, the map and the twin socket. */
	td_disconnect();
	td.mem.p = NULL;
	td_connect(false);
	ck_assert_uint_eq(td_reg(TESTDEV_CONNECTS), 2);
	st = td_wait_reg(TESTDEV_DMA_STATUS, TESTDEV_DMA_ST_BUSY, 0, 5000);
	ck_assert(st & TESTDEV_DMA_ST_DONE);
	/* ENOTCONN, also when our reply on the twin socket was cut short
	 * by the close (not EPROTO: the client went away). */
	if (st & TESTDEV_DMA_ST_ERROR)
		ck_assert_uint_eq(td_reg(TESTDEV_DMA_ERROR), ENOTCONN);
	/* The device works on. */
	st = td_dma_run(TESTDEV_DMA_CMD_COPY, IOVA, IOVA + 16, 16, 0);
	ck_assert(st & TESTDEV_DMA_ST_ERROR);
	ck_assert_uint_eq(td_reg(TESTDEV_DMA_ERROR), EFAULT);
	free(ram);
}
END_TEST

/* --- Many client threads at once --- */

#define NTHREADS	8
#define ROUNDS		500
#define TAG(t, i)	(0x5c000000u | (uint32_t)(t) << 16 | (uint32_t)(i))

struct worker {
	pthread_t thread;
	int id;
	int bad;
	char why[160];
};

static bool hammer_done;

static void worker_fail(struct worker *w, const char *what, int ret,
			uint32_t v)
{
	if (!w->bad++)
		snprintf(w->why, sizeof(w->why), "thread %d: %s: ret %d value "
			 "%#x", w->id, what, ret, v);
}

/* Registers a thread shares (ID, SCRATCH) and a BAR2 word of its own. */
static void *hammer(void *arg)
{
	struct worker *w = arg;
	uint64_t mine = TESTDEV_MEM_TRAP_PAGE + 4 * (uint64_t)w->id;
	uint32_t v;
	int i, ret;

	for (i = 0; i < ROUNDS && !w->bad; i++) {
		ret = td_try_reg(TD_BAR0, TESTDEV_ID, &v);
		if (ret || v != TESTDEV_MAGIC)
			worker_fail(w, "ID", ret, v);
		ret = td_try_set_reg(TD_BAR0, TESTDEV_SCRATCH, TAG(w->id, i));
		if (!ret)
			ret = td_try_reg(TD_BAR0, TESTDEV_SCRATCH, &v);
		/* Any thread's tag: never torn, never someone else's bits. */
		if (ret || v >> 24 != 0x5c || ((v >> 16) & 0xff) >= NTHREADS ||
		    (v & 0xffff) >= ROUNDS)
			worker_fail(w, "SCRATCH", ret, v);
		ret = td_try_set_reg(TD_BAR2, mine, TAG(w->id, i));
		if (!ret)
			ret = td_try_reg(TD_BAR2, mine, &v);
		if (ret || v != TAG(w->id, i))
			worker_fail(w, "BAR2 word", ret, v);
	}
	return NULL;
}

/* Copies by DMA messages until the hammering is over (at least 3). */
static void *dma_loop(void *arg)
{
	struct worker *w = arg;
	const uint32_t len = 0x10000;
	uint32_t st;
	int round;

	for (round = 0; round < 3 || !__atomic_load_n(&hammer_done,
						      __ATOMIC_ACQUIRE);
	     round++) {
		td_fill(td.mem.p, len, (unsigned int)round);
		memset(td.mem.p + len, 0, len);
		st = td_dma_run(TESTDEV_DMA_CMD_COPY, IOVA, IOVA + len, len, 0);
		if (st != (TESTDEV_DMA_ST_DONE | TESTDEV_DMA_ST_MSG)) {
			worker_fail(w, "DMA status", 0, st);
			break;
		}
		if (memcmp(td.mem.p + len, td.mem.p, len)) {
			worker_fail(w, "DMA data", 0, (uint32_t)round);
			break;
		}
	}
	w->id = round;		/* rounds done, for the checks below */
	return NULL;
}

static void threads_with_dma_messages(bool twin)
{
	struct worker w[NTHREADS + 1];
	uint8_t *ram = calloc(1, 0x20000);
	int i;

	ck_assert_ptr_nonnull(ram);
	td_start(NULL);
	td_connect(twin);
	td.mem = (struct td_mem){ .iova = IOVA, .size = 0x20000, .p = ram };
	ck_assert_int_eq(vu_client_dma_map(td.cl, IOVA, 0x20000, -1, 0,
					   TD_RW), 0);
	ck_assert_int_eq(vu_client_reset(td.cl), 0);	/* BAR2_TRAPS 0 */
	hammer_done = false;
	memset(w, 0, sizeof(w));
	for (i = 0; i <= NTHREADS; i++) {
		w[i].id = i;
		ck_assert_int_eq(pthread_create(&w[i].thread, NULL,
				 i < NTHREADS ? hammer : dma_loop, &w[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(w[i].thread, NULL);
	__atomic_store_n(&hammer_done, true, __ATOMIC_RELEASE);
	pthread_join(w[NTHREADS].thread, NULL);
	for (i = 0; i <= NTHREADS; i++)
		ck_assert_msg(!w[i].bad, "%s", w[i].why);

	/* Every trapped BAR2 access arrived, once. */
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_TRAPS), NTHREADS * ROUNDS * 2);
	ck_assert_uint_eq(td_reg(TESTDEV_DMA_COUNT), (uint32_t)w[NTHREADS].id);
	ck_assert_uint_ge(td.mem.reads, (unsigned int)w[NTHREADS].id);
	ck_assert_int_eq(vu_client_dma_unmap(td.cl, IOVA, 0x20000), 0);
	td_disconnect();
	td.mem.p = NULL;
	free(ram);
}

START_TEST(test_8_threads_of_requests_while_dma_messages_on_the_main_socket)
{
	threads_with_dma_messages(false);
}
END_TEST

START_TEST(test_8_threads_of_requests_while_dma_messages_on_the_twin_socket)
{
	threads_with_dma_messages(true);
}
END_TEST

/* --- Commands the client does not wrap --- */

/* @cmd with @body: an error reply of @err (header only). */
static void expect_error_reply(uint16_t cmd, const void *body, size_t len,
			       int err)
{
	struct vu_msg reply;
	int ret;

	ret = vu_client_request(td.cl, cmd, body, len, NULL, 0, &reply);
	ck_assert_msg(ret == -err, "%s: %d, not %d", vu_command_name(cmd), ret,
		      -err);
	ck_assert(vu_hdr_is_reply(&reply.hdr));
	ck_assert(vu_hdr_is_error(&reply.hdr));
	ck_assert_uint_eq(reply.hdr.error, (uint32_t)err);
	ck_assert_uint_eq(reply.hdr.command, cmd);
	ck_assert_uint_eq(reply.body_len, 0);
	ck_assert_uint_eq(reply.nr_fds, 0);
	vu_msg_release(&reply);
	ck_assert_ptr_null(vu_client_error(td.cl));
}

START_TEST(test_write_multi_feature_and_migration_get_clean_error_replies)
{
	struct {
		uint64_t cnt;
		struct vfio_user_write_multi_entry e;
	} __attribute__((packed)) wm = {
		.cnt = 1,
		.e = { .offset = TESTDEV_SCRATCH, .region = TD_BAR0,
		       .count = 4, .data = { 1, 2, 3, 4 } },
	};
	struct vfio_user_device_feature feat = {
		.argsz = sizeof(feat) + 8,
		.flags = VFIO_DEVICE_FEATURE_GET |
			 VFIO_DEVICE_FEATURE_MIGRATION,
	};
	struct vfio_user_mig_data rd = { .argsz = sizeof(rd) + 64,
					 .size = 64 };
	struct {
		struct vfio_user_mig_data h;
		uint8_t data[4];
	} __attribute__((packed)) wr = {
		.h = { .argsz = sizeof(struct vfio_user_mig_data), .size = 4 },
	};

	start_plain();
	/* Our client does not offer write_multiple: not negotiated. */
	ck_assert(!vu_client_session(td.cl)->caps.write_multiple);
	expect_error_reply(VFIO_USER_REGION_WRITE_MULTI, &wm, sizeof(wm),
			   ENOTSUP);
	ck_assert_uint_eq(td_reg(TESTDEV_SCRATCH), 0);
	/* No migration, hence no device features. */
	expect_error_reply(VFIO_USER_DEVICE_FEATURE, &feat, sizeof(feat),
			   ENOTSUP);
	feat.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
		     VFIO_DEVICE_FEATURE_MIGRATION;
	expect_error_reply(VFIO_USER_DEVICE_FEATURE, &feat, sizeof(feat),
			   ENOTSUP);
	expect_error_reply(VFIO_USER_MIG_DATA_READ, &rd, sizeof(rd), ENOTSUP);
	expect_error_reply(VFIO_USER_MIG_DATA_WRITE, &wr, sizeof(wr), ENOTSUP);
	/* Malformed ones are EINVAL, the connection still goes on. */
	feat.flags = 0;
	expect_error_reply(VFIO_USER_DEVICE_FEATURE, &feat, sizeof(feat),
			   EINVAL);
	wm.cnt = 2;
	expect_error_reply(VFIO_USER_REGION_WRITE_MULTI, &wm, sizeof(wm),
			   EINVAL);
	ck_assert_uint_eq(td_reg(TESTDEV_ID), TESTDEV_MAGIC);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("client_testdev");
	TCase *tc = tcase_create("client");

	tcase_add_checked_fixture(tc, td_setup, td_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc,
		test_connect_negotiates_0_2_with_and_without_twin_socket);
	tcase_add_test(tc, test_device_info_is_pci_with_reset_9_regions_5_irqs);
	tcase_add_test(tc, test_region_info_of_every_region);
	tcase_add_test(tc,
	    test_sparse_mmap_area_shows_the_bar2_signature_and_the_device_sees_writes);
	tcase_add_test(tc, test_bar2_fd_cannot_be_truncated_by_the_client);
	tcase_add_test(tc, test_io_fd_doorbell_eventfd_moves_doorbell_count);
	tcase_add_test(tc, test_irq_info_of_every_index);
	tcase_add_test(tc, test_msix_eventfds_get_exactly_the_raised_vector);
	tcase_add_test(tc,
		test_a_full_blocking_eventfd_hangs_neither_the_device_nor_its_stop);
	tcase_add_test(tc,
		test_msi_eventfd_gets_the_interrupt_when_msix_is_not_set);
	tcase_add_test(tc,
		test_intx_trigger_fires_once_until_the_unmask_eventfd);
	tcase_add_test(tc, test_region_read_and_write_of_registers);
	tcase_add_test(tc, test_dma_map_of_a_memfd_copy_and_fill_by_pointer);
	tcase_add_test(tc,
		test_dma_map_of_an_unsealed_memfd_goes_by_messages_and_survives_a_truncate);
	tcase_add_test(tc, test_dma_map_larger_than_its_file_is_refused);
	tcase_add_test(tc,
	    test_dma_without_fd_is_served_by_dma_access_on_the_main_socket);
	tcase_add_test(tc,
	    test_dma_without_fd_is_served_by_dma_access_on_the_twin_socket);
	tcase_add_test(tc,
		test_reset_zeroes_registers_and_keeps_maps_and_eventfds);
	tcase_add_test(tc,
		test_reconnect_keeps_device_state_and_drops_maps_and_eventfds);
	tcase_add_test(tc,
		test_reset_while_dma_messages_are_in_flight_waits_for_them);
	tcase_add_test(tc,
		test_disconnect_while_dma_messages_are_in_flight_cleans_up);
	tcase_add_test(tc,
	    test_8_threads_of_requests_while_dma_messages_on_the_main_socket);
	tcase_add_test(tc,
	    test_8_threads_of_requests_while_dma_messages_on_the_twin_socket);
	tcase_add_test(tc,
		test_write_multi_feature_and_migration_get_clean_error_replies);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	td.bin = getenv("TESTDEV");
	if (!td.bin) {
		fprintf(stderr, "TESTDEV (the vfio-user-testdev path) is not "
			"set\n");
		return 2;
	}
	return run_suite(suite());
}
