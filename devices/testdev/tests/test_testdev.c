// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user-testdev as a child process, driven over its UNIX socket by
 * the raw client (proto/ only): VERSION minors and twin socket, every
 * command, config space over the wire, the sparse mmap fd, the
 * ioeventfd doorbell, MSI-X/MSI/INTx eventfds, the DMA engine by pointer
 * and by DMA_READ/DMA_WRITE messages (main socket and twin, split by
 * max_data_xfer_size, held while commands are still served), reset,
 * reconnect with state kept and maps dropped, SIGTERM, socket mode,
 * stale and foreign files at the socket path, the --no-* options.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "devices/framework/tests/child.h"
#include "devices/framework/tests/raw_client.h"
#include "devices/testdev/testdev_regs.h"
#include "proto/tests/check_main.h"
#include "proto/vu_memfd.h"

#define BAR0	TESTDEV_REGS_BAR
#define CFG	VFIO_PCI_CONFIG_REGION_INDEX
#define RW	(VFIO_USER_DMA_MAP_FLAG_READ | VFIO_USER_DMA_MAP_FLAG_WRITE)

static const char *bin;
static struct child ch;
static int dev_fds0;		/* the device's fds before any client */
static struct rc c;

static void start(const char *const *extra)
{
	int ret = child_start(&ch, bin, extra, NULL);

	ck_assert_msg(ret == 0, "the device did not start: %s", ch.why);
	dev_fds0 = rc_fd_count(ch.pid);
	ck_assert_int_gt(dev_fds0, 0);
}

static void hello(bool twin)
{
	ck_assert_int_eq(rc_connect(&c, ch.sock, 2000), 0);
	ck_assert_int_eq(rc_hello(&c, twin), 0);
}

static void setup(void)
{
	start(NULL);
	hello(false);
}

static void teardown(void)
{
	rc_close(&c);
	ck_assert_int_eq(child_stop(&ch, SIGTERM), 0);
	child_cleanup(&ch);
}

static uint32_t reg(uint32_t off)
{
	uint32_t v = 0xdeadbeef;

	ck_assert_int_eq(rc_read32(&c, BAR0, off, &v), 0);
	return v;
}

static void set_reg(uint32_t off, uint32_t v)
{
	ck_assert_int_eq(rc_write32(&c, BAR0, off, v), 0);
}

static uint32_t cfg(uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	ck_assert_int_eq(rc_read(&c, CFG, off, &v, len), 0);
	return v;
}

static int efd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Whether @fd became readable within @ms (its counter is then read). */
static bool fired(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	if (poll(&p, 1, ms) != 1)
		return false;
	ck_assert_int_eq(read(fd, &v, sizeof(v)), sizeof(v));
	return true;
}

static void set_eventfds(uint32_t index, uint32_t start_vec, int n,
			 const int *fds)
{
	ck_assert_int_eq(rc_set_irqs(&c, index, VFIO_IRQ_SET_DATA_EVENTFD |
				     VFIO_IRQ_SET_ACTION_TRIGGER, start_vec,
				     (uint32_t)n, NULL, fds, (unsigned int)n),
			 0);
}

/* Program the DMA engine and start it. */
static void dma_start(uint32_t cmd, uint64_t src, uint64_t dst, uint32_t len)
{
	set_reg(TESTDEV_DMA_SRC_LO, (uint32_t)src);
	set_reg(TESTDEV_DMA_SRC_HI, (uint32_t)(src >> 32));
	set_reg(TESTDEV_DMA_DST_LO, (uint32_t)dst);
	set_reg(TESTDEV_DMA_DST_HI, (uint32_t)(dst >> 32));
	set_reg(TESTDEV_DMA_LEN, len);
	set_reg(TESTDEV_DMA_CMD, cmd);
}

/* Wait for the completion interrupt on @fd, serving DMA meanwhile. */
static void dma_wait(int fd)
{
	uint64_t v;

	ck_assert_int_eq(rc_wait_fd(&c, fd, 5000), 0);
	ck_assert_int_eq(read(fd, &v, sizeof(v)), sizeof(v));
}

static void fill_random(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* --- Socket, VERSION --- */

START_TEST(test_socket_is_created_mode_0600)
{
	struct stat st;

	ck_assert_int_eq(stat(ch.sock, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
}
END_TEST

START_TEST(test_version_reply_minor_is_min_of_proposed_and_2)
{
	static const uint16_t minors[] = { 0, 1, 2, 3, 9 };
	static const uint16_t want[] = { 0, 1, 2, 2, 2 };
	unsigned int i;

	rc_close(&c);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(rc_connect(&c, ch.sock, 2000), 0);
		ck_assert_int_eq(rc_version(&c, minors[i], NULL), 0);
		ck_assert_uint_eq(c.server.major, 0);
		ck_assert_uint_eq(c.server.minor, want[i]);
		/* Our receive limits; no twin socket unasked. */
		ck_assert_uint_eq(c.server.caps.max_msg_fds, 8);
		ck_assert_uint_eq(c.server.caps.max_data_xfer_size, 1u << 20);
		ck_assert(!c.server.caps.twin_socket);
		ck_assert_int_eq(c.twin, -1);
		/* The session works. */
		ck_assert_uint_eq(reg(TESTDEV_ID), TESTDEV_MAGIC);
		rc_close(&c);
	}
}
END_TEST

START_TEST(test_version_accepts_legacy_migration_and_unknown_capabilities)
{
	rc_close(&c);
	ck_assert_int_eq(rc_connect(&c, ch.sock, 2000), 0);
	ck_assert_int_eq(rc_version(&c, 0,
		"{\"capabilities\":{\"max_msg_fds\":16,\"max_dma_maps\":100,"
		"\"migration\":{\"pgsize\":4096,\"max_bitmap_size\":1024},"
		"\"frobnicate\":[1,2,{\"x\":null}],\"write_multiple\":true},"
		"\"vendor\":\"someone\"}"), 0);
	ck_assert_uint_eq(c.server.minor, 0);
	ck_assert_uint_eq(c.server.caps.max_dma_maps, 100);
	ck_assert(c.server.caps.write_multiple);
	ck_assert(!c.server.caps.migration);
	ck_assert_uint_eq(reg(TESTDEV_ID), TESTDEV_MAGIC);
}
END_TEST

START_TEST(test_twin_socket_is_granted_when_asked)
{
	rc_close(&c);
	hello(true);
	ck_assert(c.server.caps.twin_socket);
	ck_assert_int_eq(c.server.caps.twin_socket_fd_index, 0);
	ck_assert_int_ge(c.twin, 0);
	ck_assert_uint_eq(reg(TESTDEV_ID), TESTDEV_MAGIC);
}
END_TEST

/* --- Device, regions --- */

START_TEST(test_device_info_is_pci_with_reset)
{
	struct vfio_user_device_info q = { .argsz = sizeof(q) }, info;
	struct vu_msg r;

	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_GET_INFO, &q,
				    sizeof(q), NULL, 0, &r), 0);
	ck_assert_uint_eq(r.body_len, sizeof(info));
	memcpy(&info, r.body, sizeof(info));
	ck_assert_uint_eq(info.argsz, 16);
	ck_assert_uint_eq(info.flags, VFIO_DEVICE_FLAGS_PCI |
			  VFIO_DEVICE_FLAGS_RESET);
	ck_assert_uint_eq(info.num_regions, VFIO_PCI_NUM_REGIONS);
	ck_assert_uint_eq(info.num_irqs, VFIO_PCI_NUM_IRQS);
	vu_msg_release(&r);
}
END_TEST

static void region(uint32_t index, struct vfio_user_region_info *info,
		   unsigned int *nr_fds)
{
	struct vu_msg r;

	ck_assert_int_eq(rc_region_info(&c, index, 512, &r), 0);
	ck_assert_uint_ge(r.body_len, sizeof(*info));
	memcpy(info, r.body, sizeof(*info));
	ck_assert_uint_eq(info->index, index);
	ck_assert_uint_eq(info->argsz, r.body_len);
	*nr_fds = r.nr_fds;
	vu_msg_release(&r);
}

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
	struct vfio_user_region_info info;
	unsigned int i, fds;

	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		region(i, &info, &fds);
		ck_assert_uint_eq(info.size, want[i].size);
		ck_assert_uint_eq(info.flags, want[i].flags);
		ck_assert_uint_eq(fds, i == 2 ? 1 : 0);
	}
}
END_TEST

START_TEST(test_region_info_with_small_argsz_says_the_size_needed)
{
	struct vfio_user_region_info info;
	struct vu_msg r;

	ck_assert_int_eq(rc_region_info(&c, 2, 32, &r), 0);
	ck_assert_uint_eq(r.body_len, 32);
	memcpy(&info, r.body, sizeof(info));
	/* 32 + sparse header 16 + one area 16. */
	ck_assert_uint_eq(info.argsz, 64);
	ck_assert_uint_eq(info.cap_offset, 0);
	ck_assert_uint_eq(r.nr_fds, 0);
	vu_msg_release(&r);
}
END_TEST

START_TEST(test_sparse_mmap_fd_shows_the_device_bytes)
{
	struct vfio_region_info_cap_sparse_mmap sp;
	struct vfio_region_sparse_mmap_area area;
	struct vfio_user_region_info info;
	uint8_t buf[16];
	struct vu_msg r;
	uint8_t *p;
	int fd;

	ck_assert_int_eq(rc_region_info(&c, 2, 512, &r), 0);
	memcpy(&info, r.body, sizeof(info));
	ck_assert_uint_eq(info.cap_offset, 32);
	memcpy(&sp, (uint8_t *)r.body + 32, sizeof(sp));
	ck_assert_uint_eq(sp.header.id, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	ck_assert_uint_eq(sp.header.version, 1);
	ck_assert_uint_eq(sp.header.next, 0);
	ck_assert_uint_eq(sp.nr_areas, 1);
	memcpy(&area, (uint8_t *)r.body + 48, sizeof(area));
	ck_assert_uint_eq(area.offset, 0);
	ck_assert_uint_eq(area.size, TESTDEV_MEM_TRAP_PAGE);
	ck_assert_uint_eq(r.nr_fds, 1);
	fd = r.fds[0];
	r.fds[0] = -1;
	vu_msg_release(&r);

	p = mmap(NULL, area.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)(info.offset + area.offset));
	ck_assert_ptr_ne(p, MAP_FAILED);
	close(fd);
	/* What the device wrote at start... */
	ck_assert_str_eq((char *)p, TESTDEV_BAR2_SIGNATURE);
	/* ...and what we write, the device reads back on a trapped read. */
	memcpy(p + 0x100, "written by mmap", 16);
	ck_assert_uint_eq(reg(TESTDEV_BAR2_TRAPS), 0);
	ck_assert_int_eq(rc_read(&c, 2, 0x100, buf, 16), 0);
	ck_assert_str_eq((char *)buf, "written by mmap");
	ck_assert_uint_eq(reg(TESTDEV_BAR2_TRAPS), 1);
	/* A trapped write shows through the mapping. */
	ck_assert_int_eq(rc_write(&c, 2, 0x800, "trapped", 8), 0);
	ck_assert_str_eq((char *)p + 0x800, "trapped");
	/* The last page is not in the area but served by the device. */
	ck_assert_int_eq(rc_write(&c, 2, 0xfff8, "lastpg", 7), 0);
	ck_assert_int_eq(rc_read(&c, 2, 0xfff8, buf, 7), 0);
	ck_assert_str_eq((char *)buf, "lastpg");
	ck_assert_uint_eq(reg(TESTDEV_BAR2_TRAPS), 4);
	munmap(p, area.size);
}
END_TEST

START_TEST(test_config_space_over_the_wire)
{
	uint8_t at, ids[8], n = 0, msix = 0;

	ck_assert_uint_eq(cfg(PCI_VENDOR_ID, 4),
			  TESTDEV_VENDOR | TESTDEV_DEVICE << 16);
	ck_assert_uint_eq(cfg(PCI_CLASS_REVISION, 4),
			  TESTDEV_CLASS << 8 | TESTDEV_REVISION);
	ck_assert_uint_eq(cfg(PCI_SUBSYSTEM_VENDOR_ID, 4),
			  TESTDEV_SUBSYS_VENDOR | TESTDEV_SUBSYS << 16);
	ck_assert_uint_eq(cfg(PCI_INTERRUPT_PIN, 1), 1);
	ck_assert(cfg(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	for (at = (uint8_t)cfg(PCI_CAPABILITY_LIST, 1); at && n < 8;
	     at = (uint8_t)cfg(at + 1u, 1)) {
		ids[n++] = (uint8_t)cfg(at, 1);
		if (ids[n - 1] == PCI_CAP_ID_MSIX)
			msix = at;
	}
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(ids[0], PCI_CAP_ID_PM);
	ck_assert_uint_eq(ids[1], PCI_CAP_ID_MSI);
	ck_assert_uint_eq(ids[2], PCI_CAP_ID_MSIX);
	ck_assert_uint_eq(ids[3], PCI_CAP_ID_EXP);
	/* MSI-X: 4 vectors, table at BAR4 + 0, PBA at BAR4 + 0x800. */
	ck_assert_uint_eq(cfg(msix + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE,
			  3);
	ck_assert_uint_eq(cfg(msix + PCI_MSIX_TABLE, 4), 0x000 | 4);
	ck_assert_uint_eq(cfg(msix + PCI_MSIX_PBA, 4), 0x800 | 4);
	/* BAR sizing as on hardware. */
	ck_assert_int_eq(rc_write32(&c, CFG, PCI_BASE_ADDRESS_0, ~0u), 0);
	ck_assert_int_eq(rc_write32(&c, CFG, PCI_BASE_ADDRESS_2, ~0u), 0);
	ck_assert_int_eq(rc_write32(&c, CFG, PCI_BASE_ADDRESS_3, ~0u), 0);
	ck_assert_int_eq(rc_write32(&c, CFG, PCI_BASE_ADDRESS_4, ~0u), 0);
	ck_assert_int_eq(rc_write32(&c, CFG, PCI_ROM_ADDRESS, ~0u), 0);
	ck_assert_uint_eq(cfg(PCI_BASE_ADDRESS_0, 4), 0xfffff000);
	ck_assert_uint_eq(cfg(PCI_BASE_ADDRESS_1, 4), 0);
	ck_assert_uint_eq(cfg(PCI_BASE_ADDRESS_2, 4), 0xffff000c);
	ck_assert_uint_eq(cfg(PCI_BASE_ADDRESS_3, 4), 0xffffffff);
	ck_assert_uint_eq(cfg(PCI_BASE_ADDRESS_4, 4), 0xfffff000);
	ck_assert_uint_eq(cfg(PCI_ROM_ADDRESS, 4), 0xfffff801);
	/* Read-only IDs stay. */
	ck_assert_int_eq(rc_write32(&c, CFG, PCI_VENDOR_ID, 0), 0);
	ck_assert_uint_eq(cfg(PCI_VENDOR_ID, 2), TESTDEV_VENDOR);
	/* The extended space exists (PCIe) and holds no capability. */
	ck_assert_uint_eq(cfg(0x100, 4), 0);
	ck_assert_uint_eq(cfg(0xffc, 4), 0);
}
END_TEST

START_TEST(test_registers_id_scratch_features)
{
	uint8_t b[8];

	ck_assert_uint_eq(reg(TESTDEV_ID), TESTDEV_MAGIC);
	ck_assert_uint_eq(reg(TESTDEV_VERSION), 1);
	ck_assert_uint_eq(reg(TESTDEV_FEATURES), TESTDEV_F_MMAP |
			  TESTDEV_F_IOEVENTFD | TESTDEV_F_MSIX | TESTDEV_F_MSI |
			  TESTDEV_F_INTX | TESTDEV_F_ROM);
	set_reg(TESTDEV_SCRATCH, 0xcafef00d);
	ck_assert_uint_eq(reg(TESTDEV_SCRATCH), 0xcafef00d);
	/* Reads of any size; an 8-byte write is two 4-byte ones. */
	ck_assert_int_eq(rc_read(&c, BAR0, TESTDEV_SCRATCH + 1, b, 2), 0);
	ck_assert_uint_eq(b[0], 0xf0);
	ck_assert_uint_eq(b[1], 0xfe);
	memcpy(b, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	ck_assert_int_eq(rc_write(&c, BAR0, TESTDEV_DMA_SRC_LO, b, 8), 0);
	ck_assert_uint_eq(reg(TESTDEV_DMA_SRC_HI), 0x88776655);
	/* Unused offsets read 0. */
	ck_assert_uint_eq(reg(0xffc), 0);
}
END_TEST

START_TEST(test_rom_reads_its_signature_and_refuses_writes)
{
	char buf[32] = { 0 };

	ck_assert_int_eq(rc_read(&c, VFIO_PCI_ROM_REGION_INDEX, 0, buf,
				 sizeof(TESTDEV_ROM_SIGNATURE)), 0);
	ck_assert_str_eq(buf, TESTDEV_ROM_SIGNATURE);
	ck_assert_int_eq(rc_write(&c, VFIO_PCI_ROM_REGION_INDEX, 0, buf, 4),
			 -EINVAL);
}
END_TEST

/* --- Interrupts --- */

START_TEST(test_irq_info_of_every_index)
{
	static const struct {
		uint32_t count, flags;
	} want[VFIO_PCI_NUM_IRQS] = {
		[VFIO_PCI_INTX_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD |
			VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED },
		[VFIO_PCI_MSI_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD |
			VFIO_IRQ_INFO_NORESIZE },
		[VFIO_PCI_MSIX_IRQ_INDEX] = { 4, VFIO_IRQ_INFO_EVENTFD },
	};
	struct vfio_user_irq_info info;
	unsigned int i;

	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		ck_assert_int_eq(rc_irq_info(&c, i, &info), 0);
		ck_assert_uint_eq(info.index, i);
		ck_assert_uint_eq(info.count, want[i].count);
		ck_assert_uint_eq(info.flags, want[i].flags);
	}
}
END_TEST

START_TEST(test_msix_vector_raised_by_the_irq_raise_register)
{
	int fds[4] = { efd(), efd(), efd(), efd() }, i;
	uint8_t bools[4] = { 0, 1, 0, 1 };

	ck_assert_uint_eq(reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_NONE);
	set_eventfds(VFIO_PCI_MSIX_IRQ_INDEX, 0, 4, fds);
	ck_assert_uint_eq(reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_MSIX);
	set_reg(TESTDEV_IRQ_RAISE, 2);
	ck_assert(fired(fds[2], 2000));
	ck_assert(!fired(fds[0], 0) && !fired(fds[1], 0) && !fired(fds[3], 0));
	ck_assert_uint_eq(reg(TESTDEV_IRQ_COUNT), 1);
	ck_assert_uint_eq(reg(TESTDEV_IRQ_STATUS), TESTDEV_IRQ_RAISED);
	/* The client may trigger vectors itself (DATA_BOOL). */
	ck_assert_int_eq(rc_set_irqs(&c, VFIO_PCI_MSIX_IRQ_INDEX,
				     VFIO_IRQ_SET_DATA_BOOL |
				     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 4, bools,
				     NULL, 0), 0);
	ck_assert(fired(fds[1], 2000) && fired(fds[3], 2000));
	ck_assert(!fired(fds[0], 0) && !fired(fds[2], 0));
	/* Disabled (count 0, DATA_NONE): nothing is signalled any more. */
	ck_assert_int_eq(rc_set_irqs(&c, VFIO_PCI_MSIX_IRQ_INDEX,
				     VFIO_IRQ_SET_DATA_NONE |
				     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, NULL,
				     NULL, 0), 0);
	ck_assert_uint_eq(reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_NONE);
	set_reg(TESTDEV_IRQ_RAISE, 2);
	ck_assert(!fired(fds[2], 100));
	ck_assert_uint_eq(reg(TESTDEV_IRQ_COUNT), 1);
	for (i = 0; i < 4; i++)
		close(fds[i]);
}
END_TEST

START_TEST(test_msi_vector_raised_when_msix_is_not_set_up)
{
	int fd = efd();

	set_eventfds(VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &fd);
	ck_assert_uint_eq(reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_MSI);
	set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(fired(fd, 2000));
	ck_assert_uint_eq(reg(TESTDEV_IRQ_COUNT), 1);
	close(fd);
}
END_TEST

START_TEST(test_intx_is_level_triggered_with_unmask_eventfd)
{
	int trig = efd(), unmask = efd();
	uint64_t one = 1;

	set_eventfds(VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &trig);
	ck_assert_int_eq(rc_set_irqs(&c, VFIO_PCI_INTX_IRQ_INDEX,
				     VFIO_IRQ_SET_DATA_EVENTFD |
				     VFIO_IRQ_SET_ACTION_UNMASK, 0, 1, NULL,
				     &unmask, 1), 0);
	ck_assert_uint_eq(reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_INTX);
	ck_assert_uint_eq(cfg(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(fired(trig, 2000));
	ck_assert(cfg(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	/* Automasked: no second signal until unmasked. */
	set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(!fired(trig, 100));
	/* The guest's EOI (the resample fd): still asserted, again. */
	ck_assert_int_eq(write(unmask, &one, 8), 8);
	ck_assert(fired(trig, 2000));
	/* The driver clears the cause: the line drops. */
	set_reg(TESTDEV_IRQ_STATUS, TESTDEV_IRQ_RAISED);
	ck_assert_uint_eq(cfg(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	ck_assert_int_eq(write(unmask, &one, 8), 8);
	ck_assert(!fired(trig, 100));
	/* Unmasked and idle: the next cause fires at once. */
	set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(fired(trig, 2000));
	/* SET_IRQS ACTION_UNMASK|DATA_NONE unmasks too. */
	ck_assert_int_eq(rc_set_irqs(&c, VFIO_PCI_INTX_IRQ_INDEX,
				     VFIO_IRQ_SET_DATA_NONE |
				     VFIO_IRQ_SET_ACTION_UNMASK, 0, 1, NULL,
				     NULL, 0), 0);
	ck_assert(fired(trig, 2000));
	/* Command register Interrupt Disable holds it back... */
	ck_assert_int_eq(rc_write(&c, CFG, PCI_COMMAND, "\x00\x04", 2), 0);
	ck_assert_int_eq(write(unmask, &one, 8), 8);
	ck_assert(!fired(trig, 100));
	/* ...until cleared. */
	ck_assert_int_eq(rc_write(&c, CFG, PCI_COMMAND, "\x00\x00", 2), 0);
	ck_assert(fired(trig, 2000));
	close(trig);
	close(unmask);
}
END_TEST

/* --- Doorbell --- */

START_TEST(test_ioeventfd_doorbell_is_offered_and_counted)
{
	struct vfio_user_region_io_fds q = { .argsz = 16, .index = 0 }, h;
	struct vfio_user_sub_region_io_fd e;
	uint64_t three = 3;
	struct vu_msg r;
	int fd, i;

	/* argsz 16: the head says what is needed. */
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_GET_REGION_IO_FDS, &q,
				    sizeof(q), NULL, 0, &r), 0);
	memcpy(&h, r.body, sizeof(h));
	ck_assert_uint_eq(h.argsz, 16 + 40);
	ck_assert_uint_eq(h.count, 1);
	ck_assert_uint_eq(r.nr_fds, 0);
	vu_msg_release(&r);
	q.argsz = 256;
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_GET_REGION_IO_FDS, &q,
				    sizeof(q), NULL, 0, &r), 0);
	ck_assert_uint_eq(r.body_len, 56);
	memcpy(&e, (uint8_t *)r.body + 16, sizeof(e));
	ck_assert_uint_eq(e.offset, TESTDEV_DOORBELL);
	ck_assert_uint_eq(e.size, 4);
	ck_assert_uint_eq(e.fd_index, 0);
	ck_assert_uint_eq(e.type, VFIO_USER_IO_FD_TYPE_IOEVENTFD);
	ck_assert_uint_eq(r.nr_fds, 1);
	fd = r.fds[0];
	r.fds[0] = -1;
	vu_msg_release(&r);
	/* As KVM would: the device thread counts the kicks. */
	ck_assert_int_eq(write(fd, &three, 8), 8);
	for (i = 0; i < 200 && reg(TESTDEV_DOORBELL_COUNT) != 3; i++)
		usleep(5000);
	ck_assert_uint_eq(reg(TESTDEV_DOORBELL_COUNT), 3);
	/* A trapped write signals the same eventfd. */
	set_reg(TESTDEV_DOORBELL, 1);
	for (i = 0; i < 200 && reg(TESTDEV_DOORBELL_COUNT) != 4; i++)
		usleep(5000);
	ck_assert_uint_eq(reg(TESTDEV_DOORBELL_COUNT), 4);
	close(fd);
	/* Other regions have none. */
	q.index = 2;
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_GET_REGION_IO_FDS, &q,
				    sizeof(q), NULL, 0, &r), 0);
	memcpy(&h, r.body, sizeof(h));
	ck_assert_uint_eq(h.count, 0);
	ck_assert_uint_eq(r.nr_fds, 0);
	vu_msg_release(&r);
}
END_TEST

/* --- DMA --- */

#define MEM_IOVA	0x100000ull
#define MEM_SIZE	0x100000ull

/* A memfd as client memory, mapped here and given to the server. */
static uint8_t *map_memfd(uint64_t iova, uint64_t size)
{
	int fd = vu_memfd_create_sealed("guest", size);
	uint8_t *p;

	ck_assert_int_ge(fd, 0);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(rc_dma_map(&c, iova, size, fd, 0, RW), 0);
	close(fd);
	return p;
}

START_TEST(test_dma_copy_and_fill_by_pointer_in_a_memfd)
{
	uint8_t *mem = map_memfd(MEM_IOVA, MEM_SIZE);
	int fd = efd();
	uint32_t i;

	set_eventfds(VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, &fd);
	fill_random(mem + 0x1000, 0x3000, 1);
	dma_start(TESTDEV_DMA_CMD_COPY, MEM_IOVA + 0x1000, MEM_IOVA + 0x80000,
		  0x3000);
	dma_wait(fd);
	ck_assert_mem_eq(mem + 0x80000, mem + 0x1000, 0x3000);
	ck_assert_uint_eq(reg(TESTDEV_DMA_STATUS), TESTDEV_DMA_ST_DONE |
			  TESTDEV_DMA_ST_PTR);
	ck_assert_uint_eq(reg(TESTDEV_IRQ_STATUS), TESTDEV_IRQ_DMA);
	/* No message was needed. */
	ck_assert_uint_eq(c.dma_reads + c.dma_writes, 0);

	set_reg(TESTDEV_DMA_PATTERN, 0xa1b2c3d4);
	dma_start(TESTDEV_DMA_CMD_FILL, 0, MEM_IOVA + 0xff000, 0x1000);
	dma_wait(fd);
	for (i = 0; i < 0x1000; i += 4)
		ck_assert_uint_eq(*(uint32_t *)(mem + 0xff000 + i), 0xa1b2c3d4);
	ck_assert_uint_eq(reg(TESTDEV_DMA_COUNT), 2);
	munmap(mem, MEM_SIZE);
	close(fd);
}
END_TEST

/* Client memory without fd: reached by DMA_READ/DMA_WRITE. */
static uint8_t *map_by_messages(uint64_t iova, uint64_t size)
{
	uint8_t *p = calloc(1, size);

	ck_assert_ptr_nonnull(p);
	rc_add_mem(&c, iova, size, p);
	ck_assert_int_eq(rc_dma_map(&c, iova, size, -1, 0, RW), 0);
	return p;
}

static void copy_by_messages(bool twin)
{
	uint8_t *mem;
	int fd = efd();

	rc_close(&c);
	hello(twin);
	mem = map_by_messages(MEM_IOVA, 0x10000);
	set_eventfds(VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, &fd);
	fill_random(mem, 0x2000, 2);
	dma_start(TESTDEV_DMA_CMD_COPY, MEM_IOVA, MEM_IOVA + 0x8000, 0x2000);
	dma_wait(fd);
	ck_assert_mem_eq(mem + 0x8000, mem, 0x2000);
	ck_assert_uint_eq(reg(TESTDEV_DMA_STATUS), TESTDEV_DMA_ST_DONE |
			  TESTDEV_DMA_ST_MSG);
	ck_assert_uint_eq(c.dma_reads, 1);
	ck_assert_uint_eq(c.dma_writes, 1);
	ck_assert_uint_eq(c.dma_on_twin, twin ? 2 : 0);
	free(mem);
	close(fd);
}

START_TEST(test_dma_without_fd_uses_messages_on_the_main_socket)
{
	copy_by_messages(false);
}
END_TEST

START_TEST(test_dma_without_fd_uses_messages_on_the_twin_socket)
{
	copy_by_messages(true);
}
END_TEST

START_TEST(test_dma_messages_are_split_by_max_data_xfer_size)
{
	uint8_t *mem;
	int fd = efd();

	rc_close(&c);
	ck_assert_int_eq(rc_connect(&c, ch.sock, 2000), 0);
	ck_assert_int_eq(rc_version(&c, 2, "{\"capabilities\":{\"max_msg_fds\":"
				    "8,\"max_data_xfer_size\":4096}}"), 0);
	mem = map_by_messages(MEM_IOVA, 0x20000);
	set_eventfds(VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, &fd);
	fill_random(mem, 20000, 3);
	dma_start(TESTDEV_DMA_CMD_COPY, MEM_IOVA, MEM_IOVA + 0x10000, 20000);
	dma_wait(fd);
	ck_assert_mem_eq(mem + 0x10000, mem, 20000);
	/* ceil(20000 / 4096) = 5 each way, none above 4096. */
	ck_assert_uint_eq(c.dma_reads, 5);
	ck_assert_uint_eq(c.dma_writes, 5);
	ck_assert_uint_eq(c.dma_max_count, 4096);
	free(mem);
	close(fd);
}
END_TEST

static void held_dma_request_does_not_stall_commands(bool twin)
{
	uint8_t *mem;
	int fd = efd(), i;

	rc_close(&c);
	hello(twin);
	mem = map_by_messages(MEM_IOVA, 0x10000);
	set_eventfds(VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, &fd);
	fill_random(mem, 0x100, 4);
	c.hold = true;
	dma_start(TESTDEV_DMA_CMD_COPY, MEM_IOVA, MEM_IOVA + 0x8000, 0x100);
	for (i = 0; i < 100 && !c.have_held; i++)
		ck_assert_int_ge(rc_pump(&c, 50), 0);
	ck_assert(c.have_held);
	ck_assert_uint_eq(c.held.hdr.command, VFIO_USER_DMA_READ);
	/* The device waits for our reply; the server still answers. */
	ck_assert_uint_eq(reg(TESTDEV_DMA_STATUS) & TESTDEV_DMA_ST_BUSY,
			  TESTDEV_DMA_ST_BUSY);
	ck_assert_uint_eq(reg(TESTDEV_ID), TESTDEV_MAGIC);
	c.hold = false;
	ck_assert_int_eq(rc_answer_held(&c), 0);
	dma_wait(fd);
	ck_assert_mem_eq(mem + 0x8000, mem, 0x100);
	free(mem);
	close(fd);
}

START_TEST(test_held_dma_request_does_not_stall_commands_main_socket)
{
	held_dma_request_does_not_stall_commands(false);
}
END_TEST

START_TEST(test_held_dma_request_does_not_stall_commands_twin_socket)
{
	held_dma_request_does_not_stall_commands(true);
}
END_TEST

START_TEST(test_dma_to_unmapped_memory_reports_efault)
{
	uint8_t *mem = map_by_messages(MEM_IOVA, 0x1000);
	int fd = efd();

	set_eventfds(VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, &fd);
	/* Source not mapped at all. */
	dma_start(TESTDEV_DMA_CMD_COPY, 0x40000000, MEM_IOVA, 0x100);
	dma_wait(fd);
	ck_assert_uint_eq(reg(TESTDEV_DMA_STATUS) & 0xff, TESTDEV_DMA_ST_DONE |
			  TESTDEV_DMA_ST_ERROR);
	ck_assert_uint_eq(reg(TESTDEV_DMA_ERROR), EFAULT);
	/* Running across the end of the map. */
	dma_start(TESTDEV_DMA_CMD_FILL, 0, MEM_IOVA + 0xf00, 0x200);
	dma_wait(fd);
	ck_assert_uint_eq(reg(TESTDEV_DMA_ERROR), EFAULT);
	/* Too long for the engine. */
	dma_start(TESTDEV_DMA_CMD_FILL, 0, MEM_IOVA, TESTDEV_DMA_MAX + 1);
	dma_wait(fd);
	ck_assert_uint_eq(reg(TESTDEV_DMA_ERROR), EINVAL);
	free(mem);
	close(fd);
}
END_TEST

START_TEST(test_dma_unmap_replies_with_the_entry_and_drops_the_map)
{
	struct vfio_user_dma_unmap d = { .argsz = sizeof(d),
					 .address = MEM_IOVA,
					 .size = MEM_SIZE }, back;
	uint8_t *mem = map_memfd(MEM_IOVA, MEM_SIZE);
	int fd = efd();
	struct vu_msg r;

	set_eventfds(VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, &fd);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DMA_UNMAP, &d, sizeof(d),
				    NULL, 0, &r), 0);
	ck_assert_uint_eq(r.body_len, sizeof(back));
	memcpy(&back, r.body, sizeof(back));
	ck_assert_uint_eq(back.address, MEM_IOVA);
	ck_assert_uint_eq(back.size, MEM_SIZE);
	vu_msg_release(&r);
	dma_start(TESTDEV_DMA_CMD_FILL, 0, MEM_IOVA, 0x10);
	dma_wait(fd);
	ck_assert_uint_eq(reg(TESTDEV_DMA_ERROR), EFAULT);
	munmap(mem, MEM_SIZE);
	close(fd);
}
END_TEST

/* --- Reset, reconnect --- */

START_TEST(test_reset_puts_registers_back)
{
	set_reg(TESTDEV_SCRATCH, 0x1234);
	set_reg(TESTDEV_DMA_LEN, 99);
	set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_RESET, NULL, 0, NULL,
				    0, NULL), 0);
	ck_assert_uint_eq(reg(TESTDEV_SCRATCH), 0);
	ck_assert_uint_eq(reg(TESTDEV_DMA_LEN), 0);
	ck_assert_uint_eq(reg(TESTDEV_IRQ_STATUS), 0);
	ck_assert_uint_eq(reg(TESTDEV_RESET_COUNT), 1);
	ck_assert_uint_eq(reg(TESTDEV_ID), TESTDEV_MAGIC);
}
END_TEST

START_TEST(test_reconnect_keeps_device_state_and_drops_client_resources)
{
	int fds[2] = { efd(), efd() }, base = dev_fds0, n;
	uint8_t *mem;

	rc_close(&c);
	/* The device has dropped that client: back to its fds. */
	n = rc_wait_fd_count(ch.pid, base, 3000);
	ck_assert_msg(n == base, "the device has %d fds 3 s after its client "
		      "left, %d before any came", n, base);
	hello(true);
	set_reg(TESTDEV_SCRATCH, 0xabcd0123);
	mem = map_memfd(MEM_IOVA, MEM_SIZE);
	set_eventfds(VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, &fds[0]);
	ck_assert_uint_eq(reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_MSIX);
	ck_assert_int_gt(rc_fd_count(ch.pid), base);
	rc_close(&c);
	/* Socket, twin, the map's fd and the eventfd are all closed. */
	ck_assert_int_eq(rc_wait_fd_count(ch.pid, base, 3000), base);

	hello(false);
	ck_assert_uint_eq(reg(TESTDEV_SCRATCH), 0xabcd0123);
	ck_assert_uint_eq(reg(TESTDEV_CONNECTS), 3);
	ck_assert_uint_eq(reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_NONE);
	/* The old map is gone: DMA there fails. */
	set_eventfds(VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, &fds[1]);
	dma_start(TESTDEV_DMA_CMD_FILL, 0, MEM_IOVA, 0x10);
	dma_wait(fds[1]);
	ck_assert_uint_eq(reg(TESTDEV_DMA_ERROR), EFAULT);
	munmap(mem, MEM_SIZE);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(test_region_write_multi_when_negotiated)
{
	struct {
		uint64_t cnt;
		struct vfio_user_write_multi_entry w[2];
	} __attribute__((packed)) m = { .cnt = 2 };
	struct vu_msg r;
	uint64_t done;

	rc_close(&c);
	ck_assert_int_eq(rc_connect(&c, ch.sock, 2000), 0);
	ck_assert_int_eq(rc_version(&c, 2, "{\"capabilities\":"
				    "{\"write_multiple\":true}}"), 0);
	ck_assert(c.server.caps.write_multiple);
	m.w[0] = (struct vfio_user_write_multi_entry){
		.offset = TESTDEV_SCRATCH, .region = 0, .count = 4,
		.data = { 5 } };
	m.w[1] = (struct vfio_user_write_multi_entry){
		.offset = TESTDEV_DMA_LEN, .region = 0, .count = 4,
		.data = { 7 } };
	ck_assert_int_eq(rc_request(&c, VFIO_USER_REGION_WRITE_MULTI, &m,
				    sizeof(m), NULL, 0, &r), 0);
	ck_assert_uint_eq(r.body_len, 8);
	memcpy(&done, r.body, 8);
	ck_assert_uint_eq(done, 2);
	vu_msg_release(&r);
	ck_assert_uint_eq(reg(TESTDEV_SCRATCH), 5);
	ck_assert_uint_eq(reg(TESTDEV_DMA_LEN), 7);
}
END_TEST

START_TEST(test_device_feature_and_migration_data_are_enotsup)
{
	struct vfio_user_device_feature f = {
		.argsz = 16,
		.flags = VFIO_DEVICE_FEATURE_MIGRATION |
			 VFIO_DEVICE_FEATURE_GET };
	struct vfio_user_mig_data d = { .argsz = 8 + 16, .size = 16 };

	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_FEATURE, &f,
				    sizeof(f), NULL, 0, NULL), -ENOTSUP);
	f.flags = VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE |
		  VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET;
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_FEATURE, &f,
				    sizeof(f), NULL, 0, NULL), -ENOTSUP);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_MIG_DATA_READ, &d, sizeof(d),
				    NULL, 0, NULL), -ENOTSUP);
	ck_assert_uint_eq(reg(TESTDEV_ID), TESTDEV_MAGIC);
}
END_TEST

/* --- Program life cycle (each starts its own child) --- */

START_TEST(test_sigterm_and_sigint_end_with_status_0_and_remove_the_socket)
{
	static const int sigs[] = { SIGTERM, SIGINT };
	struct stat st;
	int i;

	for (i = 0; i < 2; i++) {
		start(NULL);
		hello(true);	/* a client is connected when it stops */
		ck_assert_int_eq(child_stop(&ch, sigs[i]), 0);
		ck_assert_int_eq(stat(ch.sock, &st), -1);
		ck_assert(rc_closed_by_server(&c, 1000));
		rc_close(&c);
		child_cleanup(&ch);
	}
}
END_TEST

static void put_stale_socket(const char *dir, const char *sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	(void)dir;
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);	/* the file stays, nobody listens */
}

static void put_regular_file(const char *dir, const char *sock)
{
	FILE *f = fopen(sock, "w");

	(void)dir;
	ck_assert_ptr_nonnull(f);
	fputs("not a socket\n", f);
	fclose(f);
}

START_TEST(test_stale_socket_file_is_replaced)
{
	int ret = child_start(&ch, bin, NULL, put_stale_socket);

	ck_assert_msg(ret == 0, "the device did not start: %s", ch.why);
	ck_assert(child_log_has(&ch, "replacing the stale socket", 1000));
	hello(false);
	ck_assert_uint_eq(reg(TESTDEV_ID), TESTDEV_MAGIC);
	rc_close(&c);
	ck_assert_int_eq(child_stop(&ch, SIGTERM), 0);
	child_cleanup(&ch);
}
END_TEST

START_TEST(test_non_socket_file_at_the_path_is_an_error_naming_it)
{
	char want[256];
	struct stat st;

	ck_assert_int_eq(child_start(&ch, bin, NULL, put_regular_file),
			 -ECHILD);
	ck_assert_int_eq(child_stop(&ch, 0), 1);
	snprintf(want, sizeof(want), "%s exists and is not a socket", ch.sock);
	ck_assert(child_log_has(&ch, want, 0));
	/* Left alone. */
	ck_assert_int_eq(stat(ch.sock, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	child_cleanup(&ch);
}
END_TEST

START_TEST(test_second_server_on_a_live_socket_refuses)
{
	const char *argv[2] = { NULL, NULL };
	struct child second;
	char arg[256];

	start(NULL);
	/* The same path, through --socket-path of the second. */
	snprintf(arg, sizeof(arg), "--socket-path=%s", ch.sock);
	argv[0] = arg;
	ck_assert_int_eq(child_start(&second, bin, argv, NULL), -ECHILD);
	ck_assert_int_eq(child_stop(&second, 0), 1);
	ck_assert(child_log_has(&second, "another server listens", 0));
	child_cleanup(&second);
	/* The first still serves. */
	hello(false);
	ck_assert_uint_eq(reg(TESTDEV_ID), TESTDEV_MAGIC);
	rc_close(&c);
	ck_assert_int_eq(child_stop(&ch, SIGTERM), 0);
	child_cleanup(&ch);
}
END_TEST

START_TEST(test_simpler_server_options)
{
	static const char *const opts[] = { "--no-mmap", "--no-ioeventfd",
					     "--intx-only", "--no-rom", NULL };
	struct vfio_user_region_io_fds q = { .argsz = 256, .index = 0 }, h;
	struct vfio_user_region_info info;
	struct vfio_user_irq_info irq;
	unsigned int fds;
	struct vu_msg r;
	int fd = efd();
	uint8_t b[4];

	start(opts);
	hello(false);
	ck_assert_uint_eq(reg(TESTDEV_FEATURES), TESTDEV_F_INTX);
	region(2, &info, &fds);
	ck_assert_uint_eq(info.flags, VFIO_REGION_INFO_FLAG_READ |
			  VFIO_REGION_INFO_FLAG_WRITE);
	ck_assert_uint_eq(fds, 0);
	region(4, &info, &fds);
	ck_assert_uint_eq(info.size, 0);
	region(6, &info, &fds);
	ck_assert_uint_eq(info.size, 0);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_GET_REGION_IO_FDS, &q,
				    sizeof(q), NULL, 0, &r), 0);
	memcpy(&h, r.body, sizeof(h));
	ck_assert_uint_eq(h.count, 0);
	vu_msg_release(&r);
	ck_assert_int_eq(rc_irq_info(&c, VFIO_PCI_MSIX_IRQ_INDEX, &irq), 0);
	ck_assert_uint_eq(irq.count, 0);
	ck_assert_int_eq(rc_irq_info(&c, VFIO_PCI_MSI_IRQ_INDEX, &irq), 0);
	ck_assert_uint_eq(irq.count, 0);
	ck_assert_int_eq(rc_set_irqs(&c, VFIO_PCI_MSIX_IRQ_INDEX,
				     VFIO_IRQ_SET_DATA_EVENTFD |
				     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, NULL,
				     &fd, 1), -EINVAL);
	/* Trapped doorbell; BAR2 wholly trapped and still memory. */
	set_reg(TESTDEV_DOORBELL, 1);
	ck_assert_uint_eq(reg(TESTDEV_DOORBELL_COUNT), 1);
	ck_assert_int_eq(rc_read(&c, 2, 0, b, 4), 0);
	ck_assert_mem_eq(b, TESTDEV_BAR2_SIGNATURE, 4);
	ck_assert_uint_eq(reg(TESTDEV_BAR2_TRAPS), 1);
	/* Only INTx: capabilities PM and PCIe. */
	ck_assert_uint_eq(cfg(cfg(PCI_CAPABILITY_LIST, 1), 1), PCI_CAP_ID_PM);
	rc_close(&c);
	close(fd);
	ck_assert_int_eq(child_stop(&ch, SIGTERM), 0);
	child_cleanup(&ch);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("testdev");
	TCase *tc = tcase_create("session");
	TCase *life = tcase_create("life");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_socket_is_created_mode_0600);
	tcase_add_test(tc, test_version_reply_minor_is_min_of_proposed_and_2);
	tcase_add_test(tc,
		test_version_accepts_legacy_migration_and_unknown_capabilities);
	tcase_add_test(tc, test_twin_socket_is_granted_when_asked);
	tcase_add_test(tc, test_device_info_is_pci_with_reset);
	tcase_add_test(tc, test_region_info_of_every_region);
	tcase_add_test(tc,
		test_region_info_with_small_argsz_says_the_size_needed);
	tcase_add_test(tc, test_sparse_mmap_fd_shows_the_device_bytes);
	tcase_add_test(tc, test_config_space_over_the_wire);
	tcase_add_test(tc, test_registers_id_scratch_features);
	tcase_add_test(tc, test_rom_reads_its_signature_and_refuses_writes);
	tcase_add_test(tc, test_irq_info_of_every_index);
	tcase_add_test(tc, test_msix_vector_raised_by_the_irq_raise_register);
	tcase_add_test(tc, test_msi_vector_raised_when_msix_is_not_set_up);
	tcase_add_test(tc, test_intx_is_level_triggered_with_unmask_eventfd);
	tcase_add_test(tc, test_ioeventfd_doorbell_is_offered_and_counted);
	tcase_add_test(tc, test_dma_copy_and_fill_by_pointer_in_a_memfd);
	tcase_add_test(tc,
		test_dma_without_fd_uses_messages_on_the_main_socket);
	tcase_add_test(tc,
		test_dma_without_fd_uses_messages_on_the_twin_socket);
	tcase_add_test(tc, test_dma_messages_are_split_by_max_data_xfer_size);
	tcase_add_test(tc,
		test_held_dma_request_does_not_stall_commands_main_socket);
	tcase_add_test(tc,
		test_held_dma_request_does_not_stall_commands_twin_socket);
	tcase_add_test(tc, test_dma_to_unmapped_memory_reports_efault);
	tcase_add_test(tc,
		test_dma_unmap_replies_with_the_entry_and_drops_the_map);
	tcase_add_test(tc, test_reset_puts_registers_back);
	tcase_add_test(tc,
		test_reconnect_keeps_device_state_and_drops_client_resources);
	tcase_add_test(tc, test_region_write_multi_when_negotiated);
	tcase_add_test(tc, test_device_feature_and_migration_data_are_enotsup);
	suite_add_tcase(s, tc);

	tcase_set_timeout(life, 30);
	tcase_add_test(life,
		test_sigterm_and_sigint_end_with_status_0_and_remove_the_socket);
	tcase_add_test(life, test_stale_socket_file_is_replaced);
	tcase_add_test(life,
		test_non_socket_file_at_the_path_is_an_error_naming_it);
	tcase_add_test(life, test_second_server_on_a_live_socket_refuses);
	tcase_add_test(life, test_simpler_server_options);
	suite_add_tcase(s, life);
	return s;
}

int main(void)
{
	bin = getenv("TESTDEV");
	if (!bin) {
		fprintf(stderr, "TESTDEV (the vfio-user-testdev path) is not "
			"set\n");
		return 2;
	}
	return run_suite(suite());
}
