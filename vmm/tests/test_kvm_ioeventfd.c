// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm_ioeventfd on a real KVM VM: a guest write that matches a registered
 * doorbell signals the eventfd and does not exit to the host; one that
 * does not match (data, length) exits as usual; deassigned doorbells exit
 * again. Run through tools/with-kvm.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "guest64.h"
#include "proto/tests/check_main.h"
#include "vmm/kvm_ioeventfd.h"

/* Doorbells live where the guest has no RAM: the 32-bit MMIO hole. */
#define BELL_MMIO	0xd0000000ull
#define BELL_PORT	0x700

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	ck_assert_int_ge(fd, 0);
	return fd;
}

static void assign_ok(struct guest64 *g, const struct kvm_ioeventfd_desc *e)
{
	const char *why = "";
	int ret = kvm_ioeventfd_assign(g->vm.vm_fd, e, &why);

	ck_assert_msg(ret == 0, "assign: %s: %s", why, strerror(-ret));
}

static void deassign_ok(struct guest64 *g, const struct kvm_ioeventfd_desc *e)
{
	const char *why = "";
	int ret = kvm_ioeventfd_deassign(g->vm.vm_fd, e, &why);

	ck_assert_msg(ret == 0, "deassign: %s: %s", why, strerror(-ret));
}

START_TEST(test_pio_write_signals_eventfd_without_exit)
{
	struct guest64 g;
	int fd = new_eventfd();
	struct kvm_ioeventfd_desc e = {
		.space = KVM_IOEVENTFD_SPACE_PIO, .addr = BELL_PORT, .len = 4,
		.fd = fd,
	};

	guest64_create(&g);
	assign_ok(&g, &e);

	/* The OUT completes inside KVM: the next exit is the command read. */
	guest64_out(&g, 4, BELL_PORT, 0x12345678);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(fd), 1);
	guest64_out(&g, 4, BELL_PORT, 0);
	guest64_expect_idle(&g);
	guest64_out(&g, 4, BELL_PORT, 7);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(fd), 2);

	/* Another length at the same port is not the doorbell. */
	guest64_out(&g, 2, BELL_PORT, 0x55);
	guest64_expect_pio_out(&g, BELL_PORT, 2, 0x55);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(fd), 0);

	deassign_ok(&g, &e);
	guest64_out(&g, 4, BELL_PORT, 0x12345678);
	guest64_expect_pio_out(&g, BELL_PORT, 4, 0x12345678);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(fd), 0);

	guest64_destroy(&g);
	close(fd);
}
END_TEST

START_TEST(test_pio_datamatch_only_matching_value_skips_exit)
{
	struct guest64 g;
	int fd = new_eventfd(), fd2 = new_eventfd();
	struct kvm_ioeventfd_desc e = {
		.space = KVM_IOEVENTFD_SPACE_PIO, .addr = BELL_PORT + 4, .len = 2,
		.datamatch = true, .data = 0xbeef, .fd = fd,
	};
	/* A second value at the same port, another queue's doorbell. */
	struct kvm_ioeventfd_desc e2 = e;

	e2.data = 0x0001;
	e2.fd = fd2;
	guest64_create(&g);
	assign_ok(&g, &e);
	assign_ok(&g, &e2);

	guest64_out(&g, 2, BELL_PORT + 4, 0xbeef);
	guest64_expect_idle(&g);
	guest64_out(&g, 2, BELL_PORT + 4, 0x0001);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(fd), 1);
	ck_assert_uint_eq(guest64_eventfd_take(fd2), 1);

	guest64_out(&g, 2, BELL_PORT + 4, 0x1111);
	guest64_expect_pio_out(&g, BELL_PORT + 4, 2, 0x1111);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(fd), 0);
	ck_assert_uint_eq(guest64_eventfd_take(fd2), 0);

	deassign_ok(&g, &e);
	guest64_out(&g, 2, BELL_PORT + 4, 0xbeef);
	guest64_expect_pio_out(&g, BELL_PORT + 4, 2, 0xbeef);
	guest64_expect_idle(&g);
	/* The other value is still a doorbell. */
	guest64_out(&g, 2, BELL_PORT + 4, 0x0001);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(fd2), 1);

	guest64_destroy(&g);
	close(fd);
	close(fd2);
}
END_TEST

START_TEST(test_mmio_write_signals_eventfd_without_exit)
{
	struct guest64 g;
	int fd = new_eventfd();
	struct kvm_ioeventfd_desc e = {
		.space = KVM_IOEVENTFD_SPACE_MMIO, .addr = BELL_MMIO, .len = 4,
		.fd = fd,
	};

	guest64_create(&g);
	assign_ok(&g, &e);

	guest64_write(&g, 4, BELL_MMIO, 0xcafe);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(fd), 1);

	/* A 2-byte write to the same address is not the doorbell. */
	guest64_write(&g, 2, BELL_MMIO, 0xcafe);
	guest64_expect_mmio_write(&g, BELL_MMIO, 2, 0xcafe);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(fd), 0);

	deassign_ok(&g, &e);
	guest64_write(&g, 4, BELL_MMIO, 0xcafe);
	guest64_expect_mmio_write(&g, BELL_MMIO, 4, 0xcafe);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(fd), 0);

	guest64_destroy(&g);
	close(fd);
}
END_TEST

START_TEST(test_mmio_8_byte_datamatch)
{
	struct guest64 g;
	int fd = new_eventfd();
	struct kvm_ioeventfd_desc e = {
		.space = KVM_IOEVENTFD_SPACE_MMIO, .addr = BELL_MMIO + 8, .len = 8,
		.datamatch = true, .data = 0x1122334455667788ull, .fd = fd,
	};

	guest64_create(&g);
	assign_ok(&g, &e);

	guest64_write(&g, 8, BELL_MMIO + 8, 0x1122334455667788ull);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(fd), 1);

	/* Same low half, other high half: no match. */
	guest64_write(&g, 8, BELL_MMIO + 8, 0x0000000055667788ull);
	guest64_expect_mmio_write(&g, BELL_MMIO + 8, 8, 0x55667788ull);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(fd), 0);

	deassign_ok(&g, &e);
	guest64_write(&g, 8, BELL_MMIO + 8, 0x1122334455667788ull);
	guest64_expect_mmio_write(&g, BELL_MMIO + 8, 8, 0x1122334455667788ull);
	guest64_expect_idle(&g);

	guest64_destroy(&g);
	close(fd);
}
END_TEST

START_TEST(test_mmio_any_length_matches_every_write_size)
{
	struct guest64 g;
	int fd = new_eventfd();
	struct kvm_ioeventfd_desc e = {
		.space = KVM_IOEVENTFD_SPACE_MMIO, .addr = BELL_MMIO + 0x10, .len = 0,
		.fd = fd,
	};
	static const int sizes[] = { 1, 2, 4, 8 };
	unsigned int i;

	guest64_create(&g);
	if (ioctl(g.vm.kvm_fd, KVM_CHECK_EXTENSION,
		  KVM_CAP_IOEVENTFD_ANY_LENGTH) <= 0) {
		/* Not an error: assign must then fail, not half-work. */
		const char *why = "";

		ck_assert_int_lt(kvm_ioeventfd_assign(g.vm.vm_fd, &e, &why), 0);
		guest64_destroy(&g);
		close(fd);
		return;
	}
	assign_ok(&g, &e);
	for (i = 0; i < 4; i++) {
		guest64_write(&g, sizes[i], BELL_MMIO + 0x10, 0x5a);
		guest64_expect_idle(&g);
	}
	ck_assert_uint_eq(guest64_eventfd_take(fd), 4);

	deassign_ok(&g, &e);
	guest64_write(&g, 1, BELL_MMIO + 0x10, 0x5a);
	guest64_expect_mmio_write(&g, BELL_MMIO + 0x10, 1, 0x5a);
	guest64_expect_idle(&g);

	guest64_destroy(&g);
	close(fd);
}
END_TEST

/*
 * Descriptions that could never match are refused before KVM sees them.
 * (fd 0 in the table stands for the test's eventfd.)
 */
START_TEST(test_bad_descriptions_are_refused_with_a_reason)
{
	static const struct {
		struct kvm_ioeventfd_desc e;
		int err;
	} bad[] = {
		{ { KVM_IOEVENTFD_SPACE_MMIO, BELL_MMIO, 3, false, 0, 0 }, EINVAL },
		{ { KVM_IOEVENTFD_SPACE_MMIO, BELL_MMIO, 16, false, 0, 0 }, EINVAL },
		{ { KVM_IOEVENTFD_SPACE_MMIO, BELL_MMIO, 0, true, 0, 0 }, EINVAL },
		{ { KVM_IOEVENTFD_SPACE_MMIO, BELL_MMIO, 1, true, 0x100, 0 }, EINVAL },
		{ { KVM_IOEVENTFD_SPACE_MMIO, BELL_MMIO, 4, true, 1ull << 32, 0 }, EINVAL },
		{ { KVM_IOEVENTFD_SPACE_MMIO, UINT64_MAX - 1, 4, false, 0, 0 }, EINVAL },
		{ { KVM_IOEVENTFD_SPACE_PIO, BELL_PORT, 8, false, 0, 0 }, EINVAL },
		{ { KVM_IOEVENTFD_SPACE_PIO, BELL_PORT, 0, false, 0, 0 }, EINVAL },
		{ { KVM_IOEVENTFD_SPACE_PIO, 0xffff, 2, false, 0, 0 }, EINVAL },
		{ { (enum kvm_ioeventfd_space)7, BELL_PORT, 1, false, 0, 0 }, EINVAL },
		{ { KVM_IOEVENTFD_SPACE_MMIO, BELL_MMIO, 4, false, 0, -1 }, EBADF },
	};
	struct guest64 g;
	int fd = new_eventfd();
	unsigned int i;

	guest64_create(&g);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kvm_ioeventfd_desc e = bad[i].e;
		const char *why = NULL;

		if (e.fd == 0)
			e.fd = fd;
		ck_assert_int_eq(kvm_ioeventfd_assign(g.vm.vm_fd, &e, &why),
				 -bad[i].err);
		ck_assert_msg(why && *why, "case %u: no reason given", i);
		why = NULL;
		ck_assert_int_eq(kvm_ioeventfd_deassign(g.vm.vm_fd, &e, &why),
				 -bad[i].err);
		ck_assert_msg(why && *why, "case %u: no reason given", i);
	}
	/* None of them registered anything: the port still exits. */
	guest64_out(&g, 2, 0xfffe, 1);
	guest64_expect_pio_out(&g, 0xfffe, 2, 1);
	guest64_expect_idle(&g);
	guest64_destroy(&g);
	close(fd);
}
END_TEST

START_TEST(test_kvm_refusals_name_what_failed)
{
	struct guest64 g;
	int fd = new_eventfd(), fd2 = new_eventfd(), pipefd[2];
	struct kvm_ioeventfd_desc e = {
		.space = KVM_IOEVENTFD_SPACE_MMIO, .addr = BELL_MMIO, .len = 4,
		.fd = fd,
	};
	const char *why = NULL;

	guest64_create(&g);
	/* Deassigning what was never assigned. */
	ck_assert_int_eq(kvm_ioeventfd_deassign(g.vm.vm_fd, &e, &why), -ENOENT);
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "no such"));

	/* The same doorbell twice, even with another eventfd. */
	assign_ok(&g, &e);
	e.fd = fd2;
	why = NULL;
	ck_assert_int_eq(kvm_ioeventfd_assign(g.vm.vm_fd, &e, &why), -EEXIST);
	ck_assert_ptr_nonnull(strstr(why, "already"));

	/* Deassign must name the same fd (and datamatch) as assign. */
	why = NULL;
	ck_assert_int_eq(kvm_ioeventfd_deassign(g.vm.vm_fd, &e, &why), -ENOENT);
	e.fd = fd;
	deassign_ok(&g, &e);
	why = NULL;
	ck_assert_int_eq(kvm_ioeventfd_deassign(g.vm.vm_fd, &e, &why), -ENOENT);

	/* Not an eventfd. */
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	e.fd = pipefd[0];
	why = NULL;
	ck_assert_int_lt(kvm_ioeventfd_assign(g.vm.vm_fd, &e, &why), 0);
	ck_assert_ptr_nonnull(strstr(why, "KVM_IOEVENTFD"));

	guest64_destroy(&g);
	close(pipefd[0]);
	close(pipefd[1]);
	close(fd);
	close(fd2);
}
END_TEST

START_TEST(test_no_fd_leak)
{
	unsigned int before = guest64_count_fds();
	struct guest64 g;
	int fd = new_eventfd();
	struct kvm_ioeventfd_desc e = {
		.space = KVM_IOEVENTFD_SPACE_PIO, .addr = BELL_PORT, .len = 1,
		.fd = fd,
	};

	guest64_create(&g);
	assign_ok(&g, &e);
	deassign_ok(&g, &e);
	assign_ok(&g, &e);	/* left for the VM's teardown */
	guest64_destroy(&g);
	close(fd);
	ck_assert_uint_eq(guest64_count_fds(), before);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kvm_ioeventfd");
	TCase *tc = tcase_create("guest");
	struct guest64_anchor anchor;
	int ret;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pio_write_signals_eventfd_without_exit);
	tcase_add_test(tc, test_pio_datamatch_only_matching_value_skips_exit);
	tcase_add_test(tc, test_mmio_write_signals_eventfd_without_exit);
	tcase_add_test(tc, test_mmio_8_byte_datamatch);
	tcase_add_test(tc, test_mmio_any_length_matches_every_write_size);
	tcase_add_test(tc, test_bad_descriptions_are_refused_with_a_reason);
	tcase_add_test(tc, test_kvm_refusals_name_what_failed);
	tcase_add_test(tc, test_no_fd_leak);
	suite_add_tcase(s, tc);
	guest64_anchor_open(&anchor);
	ret = run_suite(s);
	guest64_anchor_close(&anchor);
	return ret;
}
