// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a Linux guest behind minivmm relies on when it drives
 * vfio-user-testdev with busybox devmem and uio_pci_generic, checked
 * through the client library the way minivmm talks to the device:
 *
 * - BAR2_PEEK: the device sees what was stored into the mmapped BAR2;
 * - --dma-messages: DMA map fds ignored, every DMA by messages;
 * - PCI 2.3 INTx masking as uio_pci_generic uses it: the command
 *   register's Interrupt Disable bit reads back (pci_intx_mask_broken()),
 *   the Status register's Interrupt Status bit shows the line
 *   (pci_check_and_mask_intx()), no INTx while disabled, INTx again when
 *   enabled with the cause still pending; INTx signalled through the
 *   trigger eventfd and re-armed by the unmask (resample) eventfd;
 * - config writes minivmm forwards (command, MSI-X/MSI control, PM,
 *   PCIe device control) keep read-only bits and switch interrupt modes
 *   together with SET_IRQS: MSI-X on, then back to INTx.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "devices/framework/tests/raw_client.h"
#include "devices/testdev/tests/td_client.h"
#include "proto/tests/check_main.h"

#define IOVA	0x100000ull
#define RAM	(1u << 20)

/* The config offset of capability @id (walking the list from 0x34). */
static uint32_t find_cap(uint8_t id)
{
	uint32_t at = td_cfg(PCI_CAPABILITY_LIST, 1) & ~3u;
	int hops;

	for (hops = 0; at && hops < 48; hops++) {
		if (td_cfg(at, 1) == id)
			return at;
		at = td_cfg(at + 1, 1) & ~3u;
	}
	ck_abort_msg("capability %#x not found", id);
	return 0;
}

static bool intx_status(void)
{
	return td_cfg(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT;
}

static uint16_t command(void)
{
	return (uint16_t)td_cfg(PCI_COMMAND, 2);
}

/* The guest writes the command register (16 bits, as Linux does). */
static void set_command(uint16_t v)
{
	td_set_cfg(PCI_COMMAND, v, 2);
}

/* minivmm's INTx set-up: a trigger eventfd and the resample eventfd. */
static void setup_intx(int *trig, int *unmask)
{
	*trig = td_efd();
	*unmask = td_efd();
	ck_assert_int_eq(vu_client_set_irqs(td.cl, VFIO_PCI_INTX_IRQ_INDEX,
			 VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			 0, 1, NULL, trig), 0);
	ck_assert_int_eq(vu_client_set_irqs(td.cl, VFIO_PCI_INTX_IRQ_INDEX,
			 VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK,
			 0, 1, NULL, unmask), 0);
}

/* The guest's EOI of the level-triggered pin: KVM signals resample. */
static void eoi(int unmask)
{
	uint64_t one = 1;

	ck_assert_int_eq(write(unmask, &one, 8), 8);
}

/*
 * uio_pci_generic's handler: pci_check_and_mask_intx() reads command and
 * status in one dword and, if Interrupt Status is set, sets Interrupt
 * Disable. Returns whether it claimed the interrupt.
 */
static bool uio_handler(void)
{
	uint32_t cs = td_cfg(PCI_COMMAND, 4);

	if (!((cs >> 16) & PCI_STATUS_INTERRUPT))
		return false;
	set_command((uint16_t)cs | PCI_COMMAND_INTX_DISABLE);
	return true;
}

/* --- BAR2 peek --- */

START_TEST(test_bar2_peek_reads_the_device_memory_not_a_trapped_access)
{
	static const char *const opts[] = { "--no-mmap", NULL };
	uint32_t sig;

	td_start(opts);
	td_connect(false);
	memcpy(&sig, TESTDEV_BAR2_SIGNATURE, 4);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_PEEK_OFF), 0);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_PEEK), sig);
	/* BAR2 wholly trapped here: a trapped write, seen by the peek. */
	ck_assert_int_eq(td_try_set_reg(TD_BAR2, 0xf00c, 0xfeedf00d), 0);
	td_set_reg(TESTDEV_BAR2_PEEK_OFF, 0xf00c);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_PEEK), 0xfeedf00d);
	/* Peeking is not a BAR2 access. */
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_TRAPS), 1);
	/* The offset stays inside BAR2 and 4-aligned. */
	td_set_reg(TESTDEV_BAR2_PEEK_OFF, 0x1f00f);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_PEEK_OFF), 0xf00c);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_PEEK), 0xfeedf00d);
	/* Read-only. */
	td_set_reg(TESTDEV_BAR2_PEEK, 0);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_PEEK), 0xfeedf00d);
	/* Reset puts the offset back, not the memory. */
	ck_assert_int_eq(vu_client_reset(td.cl), 0);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_PEEK_OFF), 0);
	ck_assert_uint_eq(td_reg(TESTDEV_BAR2_PEEK), sig);
}
END_TEST

/* --- --dma-messages --- */

START_TEST(test_dma_messages_option_ignores_map_fds_and_dmas_by_messages)
{
	static const char *const opts[] = { "--dma-messages", NULL };
	uint8_t *ram;
	uint32_t st;
	int fd, n;

	td_start(opts);
	td_connect(false);
	ck_assert(td_reg(TESTDEV_FEATURES) & TESTDEV_F_DMA_MESSAGES);
	ram = td_memfd(RAM, &fd);
	td.mem = (struct td_mem){ .iova = IOVA, .size = RAM, .p = ram };
	n = rc_fd_count(td.ch.pid);
	ck_assert_int_eq(vu_client_dma_map(td.cl, IOVA, RAM, fd, 0, TD_RW), 0);
	/* The device did not keep the memfd (it closes it with the
	 * message, just after its reply). */
	ck_assert_int_eq(rc_wait_fd_count(td.ch.pid, n, 2000), n);

	td_fill(ram, 0x3000, 5);
	st = td_dma_run(TESTDEV_DMA_CMD_COPY, IOVA, IOVA + 0x10000, 0x3000, 0);
	ck_assert_uint_eq(st, TESTDEV_DMA_ST_DONE | TESTDEV_DMA_ST_MSG);
	ck_assert_mem_eq(ram + 0x10000, ram, 0x3000);
	st = td_dma_run(TESTDEV_DMA_CMD_FILL, 0, IOVA + 0x20000, 8, 0x11223344);
	ck_assert_uint_eq(st, TESTDEV_DMA_ST_DONE | TESTDEV_DMA_ST_MSG);
	ck_assert_mem_eq(ram + 0x20000, "\x44\x33\x22\x11\x44\x33\x22\x11", 8);
	/* Both ways through our dma_access callback. */
	ck_assert_uint_ge(td.mem.reads, 1);
	ck_assert_uint_ge(td.mem.writes, 2);
	ck_assert_int_eq(vu_client_dma_unmap(td.cl, IOVA, RAM), 0);
	td_disconnect();
	td.mem.p = NULL;
	ck_assert_int_eq(munmap(ram, RAM), 0);
	close(fd);
}
END_TEST

START_TEST(test_help_lists_dma_messages)
{
	char cmd[512], line[256];
	bool found = false;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "'%s' --help", td.bin);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "--dma-messages") &&
		    strstr(line, "DMA_READ/DMA_WRITE"))
			found = true;
	ck_assert_int_eq(pclose(f), 0);
	ck_assert(found);
}
END_TEST

/* --- INTx as uio_pci_generic uses it --- */

START_TEST(test_interrupt_disable_bit_is_writable_and_reads_back)
{
	uint16_t orig;

	td_start(NULL);
	td_connect(false);
	/* pci_intx_mask_broken(): toggle bit 10, read it back, restore. */
	orig = command();
	set_command(orig ^ PCI_COMMAND_INTX_DISABLE);
	ck_assert_uint_eq(command(), orig ^ PCI_COMMAND_INTX_DISABLE);
	set_command(orig);
	ck_assert_uint_eq(command(), orig);
}
END_TEST

START_TEST(test_intx_follows_status_and_interrupt_disable_as_uio_pci_generic)
{
	int trig, unmask;

	td_start(NULL);
	td_connect(false);
	setup_intx(&trig, &unmask);
	ck_assert(!intx_status());

	/* The cause: the device asserts INTx, the status bit shows it. */
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(td_fired(trig, 2000));
	ck_assert(intx_status());
	/* The handler claims it and disables INTx; then the EOI. */
	ck_assert(uio_handler());
	ck_assert(command() & PCI_COMMAND_INTX_DISABLE);
	eoi(unmask);
	ck_assert(!td_fired(trig, 150));
	/* Interrupt Status still shows the pending cause (PCI 2.3: it does
	 * not depend on Interrupt Disable). */
	ck_assert(intx_status());

	/* uio's irqcontrol re-enables while the cause is still pending:
	 * the device asserts again. */
	set_command(command() & ~PCI_COMMAND_INTX_DISABLE);
	ck_assert(td_fired(trig, 2000));
	ck_assert(uio_handler());
	eoi(unmask);
	ck_assert(!td_fired(trig, 150));

	/* User space clears the cause, then re-enables: nothing pending. */
	td_set_reg(TESTDEV_IRQ_STATUS, TESTDEV_IRQ_RAISED);
	ck_assert(!intx_status());
	ck_assert(!uio_handler());	/* a shared line: "not mine" */
	set_command(command() & ~PCI_COMMAND_INTX_DISABLE);
	ck_assert(!td_fired(trig, 150));

	/* The next cause fires at once. */
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(td_fired(trig, 2000));
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_INTX);
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_COUNT), 2);
	close(trig);
	close(unmask);
}
END_TEST

START_TEST(test_intx_raised_while_disabled_fires_when_enabled)
{
	int trig, unmask;

	td_start(NULL);
	td_connect(false);
	setup_intx(&trig, &unmask);
	set_command(PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(intx_status());
	ck_assert(!td_fired(trig, 150));
	/* An EOI of someone else's interrupt on the line changes nothing. */
	eoi(unmask);
	ck_assert(!td_fired(trig, 150));
	set_command(PCI_COMMAND_MEMORY);
	ck_assert(td_fired(trig, 2000));
	/* A cause raised and cleared while disabled leaves nothing. */
	td_set_reg(TESTDEV_IRQ_STATUS, TESTDEV_IRQ_RAISED);
	eoi(unmask);
	set_command(PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	td_set_reg(TESTDEV_IRQ_STATUS, TESTDEV_IRQ_RAISED);
	ck_assert(!intx_status());
	set_command(PCI_COMMAND_MEMORY);
	ck_assert(!td_fired(trig, 150));
	close(trig);
	close(unmask);
}
END_TEST

/* --- Config writes minivmm forwards --- */

START_TEST(test_msix_on_through_config_and_set_irqs_then_back_to_intx)
{
	int trig, unmask, fds[TESTDEV_MSIX_VECTORS], v;
	uint32_t msix;
	uint16_t cmd;

	td_start(NULL);
	td_connect(false);
	msix = find_cap(PCI_CAP_ID_MSIX);
	setup_intx(&trig, &unmask);
	for (v = 0; v < TESTDEV_MSIX_VECTORS; v++)
		fds[v] = td_efd();
	set_command(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(td_fired(trig, 2000));
	ck_assert(intx_status());

	/* The guest enables MSI-X (Linux: Enable with Function Mask, then
	 * Enable alone; INTx disabled). minivmm hands the eventfds over
	 * first and forwards each write. */
	ck_assert_int_eq(vu_client_set_irqs_eventfd(td.cl,
			 VFIO_PCI_MSIX_IRQ_INDEX, 0, TESTDEV_MSIX_VECTORS, fds),
			 0);
	td_set_cfg(msix + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE |
		   PCI_MSIX_FLAGS_MASKALL, 2);
	ck_assert_uint_eq(td_cfg(msix + PCI_MSIX_FLAGS, 2),
			  PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL |
			  (TESTDEV_MSIX_VECTORS - 1));
	td_set_cfg(msix + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
	set_command(command() | PCI_COMMAND_INTX_DISABLE);
	ck_assert_uint_eq(td_cfg(msix + PCI_MSIX_FLAGS, 2),
			  PCI_MSIX_FLAGS_ENABLE | (TESTDEV_MSIX_VECTORS - 1));
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_MSIX);
	/* No INTx in MSI-X mode: the line is down though a cause is
	 * pending. */
	ck_assert(!intx_status());
	eoi(unmask);
	td_set_reg(TESTDEV_IRQ_RAISE, 2);
	ck_assert(td_fired(fds[2], 2000));
	ck_assert(!td_fired(trig, 150));
	ck_assert(!intx_status());

	/* MSI-X off: minivmm takes the eventfds back, forwards the write;
	 * Linux enables INTx again. The pending cause is a level again. */
	ck_assert_int_eq(vu_client_set_irqs_eventfd(td.cl,
			 VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL), 0);
	td_set_cfg(msix + PCI_MSIX_FLAGS, 0, 2);
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_INTX);
	ck_assert(intx_status());
	ck_assert(!td_fired(trig, 150));	/* still disabled */
	cmd = command();
	set_command(cmd & ~PCI_COMMAND_INTX_DISABLE);
	ck_assert(td_fired(trig, 2000));
	td_set_reg(TESTDEV_IRQ_STATUS, TESTDEV_IRQ_RAISED | TESTDEV_IRQ_DMA);
	eoi(unmask);
	td_set_reg(TESTDEV_IRQ_RAISE, 1);
	ck_assert(td_fired(trig, 2000));
	for (v = 0; v < TESTDEV_MSIX_VECTORS; v++) {
		ck_assert(!td_fired(fds[v], 0));
		close(fds[v]);
	}
	close(trig);
	close(unmask);
}
END_TEST

START_TEST(test_msi_on_through_config_and_set_irqs_then_off)
{
	int trig, unmask, fd = td_efd();
	uint32_t msi;

	td_start(NULL);
	td_connect(false);
	msi = find_cap(PCI_CAP_ID_MSI);
	setup_intx(&trig, &unmask);
	/* Address, data, then Enable, as Linux programs MSI. */
	td_set_cfg(msi + PCI_MSI_ADDRESS_LO, 0xfee00000, 4);
	td_set_cfg(msi + PCI_MSI_ADDRESS_HI, 0, 4);
	td_set_cfg(msi + PCI_MSI_DATA_64, 0x4041, 2);
	ck_assert_int_eq(vu_client_set_irqs_eventfd(td.cl,
			 VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &fd), 0);
	td_set_cfg(msi + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
	ck_assert_uint_eq(td_cfg(msi + PCI_MSI_FLAGS, 2),
			  PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_64BIT);
	ck_assert_uint_eq(td_cfg(msi + PCI_MSI_ADDRESS_LO, 4), 0xfee00000);
	ck_assert_uint_eq(td_cfg(msi + PCI_MSI_DATA_64, 2), 0x4041);
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_MSI);
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(td_fired(fd, 2000));
	ck_assert(!td_fired(trig, 150));
	ck_assert(!intx_status());
	td_set_reg(TESTDEV_IRQ_STATUS, TESTDEV_IRQ_RAISED);

	ck_assert_int_eq(vu_client_set_irqs_eventfd(td.cl,
			 VFIO_PCI_MSI_IRQ_INDEX, 0, 0, NULL), 0);
	td_set_cfg(msi + PCI_MSI_FLAGS, 0, 2);
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_INTX);
	td_set_reg(TESTDEV_IRQ_RAISE, 0);
	ck_assert(td_fired(trig, 2000));
	ck_assert(!td_fired(fd, 0));
	close(fd);
	close(trig);
	close(unmask);
}
END_TEST

START_TEST(test_forwarded_config_writes_keep_read_only_bits)
{
	uint32_t pm, msix, exp, ids, cap[3], i;
	uint16_t hdr[3];

	td_start(NULL);
	td_connect(false);
	cap[0] = pm = find_cap(PCI_CAP_ID_PM);
	cap[1] = msix = find_cap(PCI_CAP_ID_MSIX);
	cap[2] = exp = find_cap(PCI_CAP_ID_EXP);
	ids = td_cfg(PCI_VENDOR_ID, 4);

	/* Command: only the bits a function implements stick. */
	set_command(0xffff);
	ck_assert_uint_eq(command(), PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
			  PCI_COMMAND_MASTER | PCI_COMMAND_PARITY |
			  PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
	set_command(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	ck_assert_uint_eq(command(), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* Status: RW1C error bits; the capability list bit stays. Written
	 * as Linux writes command and status in one dword. */
	td_set_cfg(PCI_COMMAND, 0xffff0000u | command(), 4);
	ck_assert_uint_eq(td_cfg(PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	/* Interrupt line is the guest's, the pin is not. */
	td_set_cfg(PCI_INTERRUPT_LINE, 0x0b0b, 2);
	ck_assert_uint_eq(td_cfg(PCI_INTERRUPT_LINE, 2), 0x010b);

	/* Capability IDs and next pointers never change, whatever is
	 * written over them (a dword write over a capability header). */
	for (i = 0; i < 3; i++)
		hdr[i] = (uint16_t)td_cfg(cap[i], 2);
	td_set_cfg(pm, 0xffffffff, 4);
	td_set_cfg(msix, 0x0000ffff, 4);
	td_set_cfg(exp, 0xffff, 2);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(td_cfg(cap[i], 2), hdr[i]);
	ck_assert_uint_eq(hdr[1] & 0xff, PCI_CAP_ID_MSIX);
	/* MSI-X control: Enable and Function Mask only; table size and
	 * table/PBA locations are read-only. */
	td_set_cfg(msix + PCI_MSIX_FLAGS, 0xffff, 2);
	ck_assert_uint_eq(td_cfg(msix + PCI_MSIX_FLAGS, 2),
			  PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL |
			  (TESTDEV_MSIX_VECTORS - 1));
	td_set_cfg(msix + PCI_MSIX_TABLE, 0xffffffff, 4);
	td_set_cfg(msix + PCI_MSIX_PBA, 0, 4);
	ck_assert_uint_eq(td_cfg(msix + PCI_MSIX_TABLE, 4),
			  TESTDEV_MSIX_TABLE | TESTDEV_MSIX_BAR);
	ck_assert_uint_eq(td_cfg(msix + PCI_MSIX_PBA, 4),
			  TESTDEV_MSIX_PBA | TESTDEV_MSIX_BAR);
	/* Without SET_IRQS the Enable bit alone changes no mode. */
	ck_assert_uint_eq(td_reg(TESTDEV_IRQ_MODE), TESTDEV_MODE_NONE);
	td_set_cfg(msix + PCI_MSIX_FLAGS, 0, 2);

	/* PM: D3hot and back; the rest read-only. */
	td_set_cfg(pm + PCI_PM_CTRL, 3, 2);
	ck_assert_uint_eq(td_cfg(pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK,
			  3);
	td_set_cfg(pm + PCI_PM_CTRL, 0, 2);
	ck_assert_uint_eq(td_cfg(pm + PCI_PM_CTRL, 2),
			  PCI_PM_CTRL_NO_SOFT_RESET);
	/* PCIe device control: Initiate FLR does not stick (minivmm turns
	 * it into DEVICE_RESET); no reset happened here. */
	td_set_cfg(exp + PCI_EXP_DEVCTL, PCI_EXP_DEVCTL_BCR_FLR |
		   PCI_EXP_DEVCTL_READRQ_512B, 2);
	ck_assert_uint_eq(td_cfg(exp + PCI_EXP_DEVCTL, 2),
			  PCI_EXP_DEVCTL_READRQ_512B);
	ck_assert_uint_eq(td_reg(TESTDEV_RESET_COUNT), 0);

	/* IDs unchanged, the device still answers. */
	td_set_cfg(PCI_VENDOR_ID, 0, 4);
	ck_assert_uint_eq(td_cfg(PCI_VENDOR_ID, 4), ids);
	ck_assert_uint_eq(td_reg(TESTDEV_ID), TESTDEV_MAGIC);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("guest_view");
	TCase *tc = tcase_create("guest");

	tcase_add_checked_fixture(tc, td_setup, td_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc,
		test_bar2_peek_reads_the_device_memory_not_a_trapped_access);
	tcase_add_test(tc,
		test_dma_messages_option_ignores_map_fds_and_dmas_by_messages);
	tcase_add_test(tc, test_help_lists_dma_messages);
	tcase_add_test(tc, test_interrupt_disable_bit_is_writable_and_reads_back);
	tcase_add_test(tc,
	    test_intx_follows_status_and_interrupt_disable_as_uio_pci_generic);
	tcase_add_test(tc, test_intx_raised_while_disabled_fires_when_enabled);
	tcase_add_test(tc,
		test_msix_on_through_config_and_set_irqs_then_back_to_intx);
	tcase_add_test(tc, test_msi_on_through_config_and_set_irqs_then_off);
	tcase_add_test(tc, test_forwarded_config_writes_keep_read_only_bits);
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
