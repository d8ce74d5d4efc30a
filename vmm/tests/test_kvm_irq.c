// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm_irq on a real KVM VM: MSI routes and irqfds, KVM_SIGNAL_MSI, INTx
 * with resampling, the default ISA routes, the table limits and the error
 * paths, each interrupt seen arriving (or not) in a vCPU's handler. Run
 * through tools/with-kvm.
 */
#include <check.h>
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest64.h"
#include "proto/tests/check_main.h"
#include "proto/tests/wait_for.h"
#include "vmm/kvm_irq.h"

/* MSI to APIC 0, physical destination, fixed delivery, edge (SDM 11.11). */
#define MSI_ADDR	0xfee00000ull
#define MSI_DATA(vec)	((uint32_t)(vec))

#define NO_IRQ_MS	200

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	ck_assert_int_ge(fd, 0);
	return fd;
}

static void eventfd_signal(int fd)
{
	uint64_t one = 1;

	ck_assert_int_eq(write(fd, &one, sizeof(one)), sizeof(one));
}

static void irq_init(struct guest64 *g, struct kvm_irq *irq)
{
	int ret = kvm_irq_init(irq, g->vm.vm_fd);

	ck_assert_msg(ret == 0, "kvm_irq_init: %s", strerror(-ret));
}

static unsigned int msi_route(struct kvm_irq *irq, uint8_t vector)
{
	unsigned int gsi = 0;
	int ret = kvm_irq_msi_route_add(irq, MSI_ADDR, MSI_DATA(vector), &gsi);

	ck_assert_msg(ret == 0, "kvm_irq_msi_route_add: %s", strerror(-ret));
	ck_assert_uint_ge(gsi, KVM_IRQ_MSI_GSI_FIRST);
	return gsi;
}

/* The guest halts; @fd is written while it is halted; @vector arrives. */
static void expect_irq_after_write(struct guest64 *g, int fd, uint32_t vector)
{
	struct guest64_later later;

	guest64_wait_irq(g);
	guest64_later_start(&later, fd);
	ck_assert_uint_eq(guest64_expect_report(g, 5000), vector);
	guest64_later_join(&later);
	guest64_expect_idle(g);
}

/* The guest halts and nothing arrives; a KVM_SIGNAL_MSI wakes it. */
static void expect_no_irq(struct guest64 *g, struct kvm_irq *irq)
{
	guest64_wait_irq(g);
	guest64_expect_no_irq(g, NO_IRQ_MS);
	ck_assert_int_gt(kvm_irq_signal_msi(irq, MSI_ADDR, MSI_DATA(0x70)), 0);
	ck_assert_uint_eq(guest64_expect_report(g, 5000), 0x70);
	guest64_expect_idle(g);
}

START_TEST(test_msi_irqfd_delivers_vector_to_halted_vcpu)
{
	struct guest64 g;
	struct kvm_irq irq;
	int fd = new_eventfd();
	unsigned int gsi;

	guest64_create(&g);
	irq_init(&g, &irq);
	gsi = msi_route(&irq, 0x40);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd, gsi, -1), 0);

	expect_irq_after_write(&g, fd, 0x40);
	/* KVM consumed the write: nothing left in the counter. */
	ck_assert_uint_eq(guest64_eventfd_take(fd), 0);
	/* Once per write: no second delivery. */
	expect_no_irq(&g, &irq);

	/* A write while the guest has interrupts off is held, then taken. */
	eventfd_signal(fd);
	guest64_wait_irq(&g);
	ck_assert_uint_eq(guest64_expect_report(&g, 5000), 0x40);
	guest64_expect_idle(&g);

	ck_assert_int_eq(kvm_irq_irqfd_deassign(&irq, fd, gsi), 0);
	ck_assert_int_eq(kvm_irq_route_free(&irq, gsi), 0);
	kvm_irq_destroy(&irq);
	guest64_destroy(&g);
	close(fd);
}
END_TEST

START_TEST(test_msi_route_update_retargets_vector)
{
	struct guest64 g;
	struct kvm_irq irq;
	int fd = new_eventfd();
	unsigned int gsi;

	guest64_create(&g);
	irq_init(&g, &irq);
	gsi = msi_route(&irq, 0x40);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd, gsi, -1), 0);
	expect_irq_after_write(&g, fd, 0x40);

	ck_assert_int_eq(kvm_irq_msi_route_update(&irq, gsi, MSI_ADDR,
						  MSI_DATA(0x50)), 0);
	expect_irq_after_write(&g, fd, 0x50);
	/* Unchanged values: still fine, still 0x50. */
	ck_assert_int_eq(kvm_irq_msi_route_update(&irq, gsi, MSI_ADDR,
						  MSI_DATA(0x50)), 0);
	expect_irq_after_write(&g, fd, 0x50);

	/* Updated inside a batch: live only after the commit. */
	kvm_irq_batch_begin(&irq);
	ck_assert_int_eq(kvm_irq_msi_route_update(&irq, gsi, MSI_ADDR,
						  MSI_DATA(0x41)), 0);
	expect_irq_after_write(&g, fd, 0x50);
	ck_assert_int_eq(kvm_irq_batch_commit(&irq), 0);
	expect_irq_after_write(&g, fd, 0x41);

	kvm_irq_destroy(&irq);
	guest64_destroy(&g);
	close(fd);
}
END_TEST

START_TEST(test_msi_irqfd_deassign_stops_delivery)
{
	struct guest64 g;
	struct kvm_irq irq;
	int fd = new_eventfd();
	unsigned int gsi;

	guest64_create(&g);
	irq_init(&g, &irq);
	gsi = msi_route(&irq, 0x40);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd, gsi, -1), 0);
	expect_irq_after_write(&g, fd, 0x40);

	ck_assert_int_eq(kvm_irq_irqfd_deassign(&irq, fd, gsi), 0);
	eventfd_signal(fd);
	expect_no_irq(&g, &irq);
	/* The write stayed in the eventfd: KVM no longer reads it. */
	ck_assert_uint_eq(guest64_eventfd_take(fd), 1);

	/* Assigned again, it delivers again. */
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd, gsi, -1), 0);
	expect_irq_after_write(&g, fd, 0x40);

	kvm_irq_destroy(&irq);
	guest64_destroy(&g);
	close(fd);
}
END_TEST

START_TEST(test_each_irqfd_raises_only_its_vector)
{
	struct guest64 g;
	struct kvm_irq irq;
	int fd1 = new_eventfd(), fd2 = new_eventfd();
	unsigned int gsi1, gsi2;

	guest64_create(&g);
	irq_init(&g, &irq);
	gsi1 = msi_route(&irq, 0x40);
	gsi2 = msi_route(&irq, 0x41);
	ck_assert_uint_ne(gsi1, gsi2);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd1, gsi1, -1), 0);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd2, gsi2, -1), 0);

	expect_irq_after_write(&g, fd2, 0x41);
	expect_no_irq(&g, &irq);
	expect_irq_after_write(&g, fd1, 0x40);
	expect_no_irq(&g, &irq);

	/* Freeing one route leaves the other working. */
	ck_assert_int_eq(kvm_irq_irqfd_deassign(&irq, fd1, gsi1), 0);
	ck_assert_int_eq(kvm_irq_route_free(&irq, gsi1), 0);
	expect_irq_after_write(&g, fd2, 0x41);

	kvm_irq_destroy(&irq);
	guest64_destroy(&g);
	close(fd1);
	close(fd2);
}
END_TEST

START_TEST(test_signal_msi_delivers_vector)
{
	struct guest64 g;
	struct kvm_irq irq;

	guest64_create(&g);
	irq_init(&g, &irq);
	/* Pending while the guest has interrupts off, taken at sti. */
	ck_assert_int_gt(kvm_irq_signal_msi(&irq, MSI_ADDR, MSI_DATA(0x61)), 0);
	guest64_wait_irq(&g);
	ck_assert_uint_eq(guest64_expect_report(&g, 5000), 0x61);
	guest64_expect_idle(&g);
	expect_no_irq(&g, &irq);	/* (wakes it with 0x70) */

	/* An MSI to an APIC that does not exist reaches nobody. */
	ck_assert_int_eq(kvm_irq_signal_msi(&irq, MSI_ADDR | (7u << 12),
					    MSI_DATA(0x61)), 0);
	guest64_wait_irq(&g);
	guest64_expect_no_irq(&g, NO_IRQ_MS);

	kvm_irq_destroy(&irq);
	guest64_destroy(&g);
}
END_TEST

/*
 * INTx: a level-triggered IOAPIC pin driven by an irqfd with a resample
 * eventfd, the way a vfio-user device's INTx is wired. The guest's handler
 * reports before it writes the EOI, so the host can look at the resample
 * fd both while the interrupt is in service and after the EOI.
 *
 * This needs a KVM whose LAPIC keeps the vector in service until the
 * guest's EOI, as hardware virtualisation does (natively, or nested under
 * TCG as tools/with-kvm runs it). kvm_pvm EOIs at injection: there the
 * resample comes before the handler runs, and the test says so and fails;
 * tools/with-kvm does not use kvm_pvm.
 */
START_TEST(test_intx_irqfd_resamples_on_guest_eoi)
{
	const unsigned int gsi = X86_IOAPIC_PCI_PIN_FIRST + 2;
	struct guest64 g;
	struct kvm_irq irq;
	int fd = new_eventfd(), rfd = new_eventfd(), mfd = new_eventfd();
	unsigned int mgsi;

	guest64_create(&g);
	irq_init(&g, &irq);
	/* An MSI route in the table too: the irqchip routes must survive. */
	mgsi = msi_route(&irq, 0x40);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, mfd, mgsi, -1), 0);
	guest64_ioapic_route(&g, gsi, 0x60, 1);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd, gsi, rfd), 0);
	ck_assert_uint_eq(guest64_eventfd_take(rfd), 0);

	guest64_wait_irq(&g);
	eventfd_signal(fd);
	ck_assert_uint_eq(guest64_expect_report(&g, 5000), 0x60);
	ck_assert_msg(guest64_vector_in_service(&g, 0x60),
		      "vector 0x60 is not in service inside its handler: this "
		      "KVM EOIs at injection (kvm_pvm?); run through tools/with-kvm");
	/* In service, not yet EOI'd: no resample. */
	ck_assert_uint_eq(guest64_eventfd_take(rfd), 0);
	guest64_expect_idle(&g);
	/* The handler's EOI deasserted the line and signalled us, once. */
	ck_assert_uint_eq(guest64_eventfd_take(rfd), 1);
	/* Deasserted: nothing more until the device asserts again. */
	guest64_wait_irq(&g);
	guest64_expect_no_irq(&g, NO_IRQ_MS);
	eventfd_signal(fd);
	ck_assert_uint_eq(guest64_expect_report(&g, 5000), 0x60);
	ck_assert_uint_eq(guest64_eventfd_take(rfd), 0);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(rfd), 1);

	/*
	 * An assert while the interrupt is in service is absorbed by the
	 * EOI's deassert: the resample fd is how the device learns it must
	 * assert again if it still needs service.
	 */
	eventfd_signal(fd);
	guest64_wait_irq(&g);
	ck_assert_uint_eq(guest64_expect_report(&g, 5000), 0x60);
	eventfd_signal(fd);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(guest64_eventfd_take(rfd), 1);
	expect_no_irq(&g, &irq);

	/* The MSI route still works next to it. */
	expect_irq_after_write(&g, mfd, 0x40);

	/* Deassigned: asserting does nothing. */
	ck_assert_int_eq(kvm_irq_irqfd_deassign(&irq, fd, gsi), 0);
	eventfd_signal(fd);
	expect_no_irq(&g, &irq);
	ck_assert_uint_eq(guest64_eventfd_take(rfd), 0);

	kvm_irq_destroy(&irq);
	guest64_destroy(&g);
	close(fd);
	close(rfd);
	close(mfd);
}
END_TEST

/* minivmm's table keeps KVM's ISA routes: the serial port's GSI 4. */
START_TEST(test_isa_gsi_still_routed_after_msi_routes)
{
	struct guest64 g;
	struct kvm_irq irq;
	unsigned int i;

	guest64_create(&g);
	irq_init(&g, &irq);
	for (i = 0; i < 3; i++)
		msi_route(&irq, 0x40);
	guest64_ioapic_route(&g, X86_IRQ_COM1, 0x41, 0);

	ck_assert_int_eq(kvm_vm_irq_line(&g.vm, X86_IRQ_COM1, 1), 0);
	ck_assert_int_eq(kvm_vm_irq_line(&g.vm, X86_IRQ_COM1, 0), 0);
	guest64_wait_irq(&g);
	ck_assert_uint_eq(guest64_expect_report(&g, 5000), 0x41);
	guest64_expect_idle(&g);

	kvm_irq_destroy(&irq);
	guest64_destroy(&g);
}
END_TEST

/*
 * Every MSI GSI KVM allows, in one batch (one ioctl); the last one
 * delivers, and one more is -ENOSPC.
 */
START_TEST(test_route_table_full_and_last_gsi_delivers)
{
	struct guest64 g;
	struct kvm_irq irq;
	int fd = new_eventfd();
	unsigned int gsi = 0, last = 0, n = 0, max;
	int ret;

	guest64_create(&g);
	ret = ioctl(g.vm.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_ROUTING);
	ck_assert_int_gt(ret, 40);
	max = (unsigned int)ret - 40;	/* 40 entries for GSI 0-23 */
	irq_init(&g, &irq);

	kvm_irq_batch_begin(&irq);
	while ((ret = kvm_irq_msi_route_add(&irq, MSI_ADDR, MSI_DATA(0x41),
					    &gsi)) == 0) {
		ck_assert_uint_eq(gsi, KVM_IRQ_MSI_GSI_FIRST + n);
		last = gsi;
		n++;
	}
	ck_assert_int_eq(ret, -ENOSPC);
	ck_assert_uint_eq(n, max);
	ck_assert_int_eq(kvm_irq_batch_commit(&irq), 0);

	ck_assert_int_eq(kvm_irq_msi_route_update(&irq, last, MSI_ADDR,
						  MSI_DATA(0x80)), 0);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd, last, -1), 0);
	expect_irq_after_write(&g, fd, 0x80);

	/* Full outside a batch too; a freed GSI is handed out again. */
	ck_assert_int_eq(kvm_irq_msi_route_add(&irq, MSI_ADDR, MSI_DATA(0x41),
					       &gsi), -ENOSPC);
	ck_assert_int_eq(kvm_irq_route_free(&irq, KVM_IRQ_MSI_GSI_FIRST + 5), 0);
	ck_assert_int_eq(kvm_irq_msi_route_add(&irq, MSI_ADDR, MSI_DATA(0x41),
					       &gsi), 0);
	ck_assert_uint_eq(gsi, KVM_IRQ_MSI_GSI_FIRST + 5);
	/* The last GSI kept its route through those commits. */
	expect_irq_after_write(&g, fd, 0x80);

	kvm_irq_destroy(&irq);
	guest64_destroy(&g);
	close(fd);
}
END_TEST

/*
 * A route KVM refuses: with KVM_X2APIC_API_USE_32BIT_IDS, an MSI address
 * with bits in address_hi[7:0] is invalid (arch/x86/kvm,
 * kvm_msi_route_invalid). Every failure leaves the routing as it was.
 */
START_TEST(test_refused_commit_leaves_routing_unchanged)
{
	const uint64_t bad_addr = MSI_ADDR | (1ull << 32);
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X2APIC_API,
		.args[0] = KVM_X2APIC_API_USE_32BIT_IDS,
	};
	struct guest64 g;
	struct kvm_irq irq;
	int fd = new_eventfd();
	unsigned int gsi, g2 = 0;

	guest64_create(&g);
	ck_assert_msg(ioctl(g.vm.vm_fd, KVM_ENABLE_CAP, &cap) == 0,
		      "KVM_ENABLE_CAP(X2APIC_API): %s", strerror(errno));
	irq_init(&g, &irq);
	gsi = msi_route(&irq, 0x50);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd, gsi, -1), 0);

	/* Add: refused, no GSI taken. */
	ck_assert_int_eq(kvm_irq_msi_route_add(&irq, bad_addr, 0x41, &g2),
			 -EINVAL);
	ck_assert_uint_eq(msi_route(&irq, 0x41), gsi + 1);
	ck_assert_int_eq(kvm_irq_route_free(&irq, gsi + 1), 0);

	/* Update: refused, the old target stays. */
	ck_assert_int_eq(kvm_irq_msi_route_update(&irq, gsi, bad_addr, 0x41),
			 -EINVAL);
	expect_irq_after_write(&g, fd, 0x50);

	/* Batch: refused as a whole. */
	kvm_irq_batch_begin(&irq);
	ck_assert_int_eq(kvm_irq_msi_route_update(&irq, gsi, MSI_ADDR,
						  MSI_DATA(0x41)), 0);
	ck_assert_uint_eq(msi_route(&irq, 0x40), gsi + 1);
	ck_assert_int_eq(kvm_irq_msi_route_add(&irq, bad_addr, 0x41, &g2), 0);
	ck_assert_int_eq(kvm_irq_batch_commit(&irq), -EINVAL);
	expect_irq_after_write(&g, fd, 0x50);
	ck_assert_int_eq(kvm_irq_route_free(&irq, gsi + 1), -ENOENT);
	ck_assert_int_eq(kvm_irq_route_free(&irq, g2), -ENOENT);
	ck_assert_uint_eq(msi_route(&irq, 0x40), gsi + 1);

	kvm_irq_destroy(&irq);
	guest64_destroy(&g);
	close(fd);
}
END_TEST

START_TEST(test_bad_calls_return_errno)
{
	struct guest64 g;
	struct kvm_irq irq;
	int fd = new_eventfd(), fd2 = new_eventfd(), rfd = new_eventfd();
	unsigned int gsi, g2;

	guest64_create(&g);
	irq_init(&g, &irq);
	gsi = msi_route(&irq, 0x40);

	/* Freeing: irqchip GSIs never, unknown ones not, busy ones not. */
	ck_assert_int_eq(kvm_irq_route_free(&irq, 4), -EINVAL);
	ck_assert_int_eq(kvm_irq_route_free(&irq, X86_IOAPIC_PCI_PIN_FIRST),
			 -EINVAL);
	ck_assert_int_eq(kvm_irq_route_free(&irq, gsi + 1), -ENOENT);
	ck_assert_int_eq(kvm_irq_route_free(&irq, 100000), -ENOENT);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd, gsi, -1), 0);
	ck_assert_int_eq(kvm_irq_route_free(&irq, gsi), -EBUSY);

	/* Updating what is not an MSI route. */
	ck_assert_int_eq(kvm_irq_msi_route_update(&irq, gsi + 1, MSI_ADDR, 0x41),
			 -ENOENT);
	ck_assert_int_eq(kvm_irq_msi_route_update(&irq, 4, MSI_ADDR, 0x41),
			 -ENOENT);

	/* irqfds. */
	ck_assert_int_eq(kvm_irq_irqfd_deassign(&irq, fd2, gsi), -ENOENT);
	ck_assert_int_eq(kvm_irq_irqfd_deassign(&irq, fd, gsi + 1), -ENOENT);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd, gsi, -1), -EBUSY);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd, 17, -1), -EBUSY);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd2, gsi + 1, -1), -ENOENT);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd2, 100000, -1), -ENOENT);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd2, gsi, rfd), -EINVAL);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, -1, gsi, -1), -EBADF);

	/* Batches. */
	ck_assert_int_eq(kvm_irq_batch_commit(&irq), -EINVAL);
	kvm_irq_batch_begin(&irq);
	g2 = msi_route(&irq, 0x41);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd2, g2, -1), -EAGAIN);
	ck_assert_int_eq(kvm_irq_batch_commit(&irq), 0);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd2, g2, -1), 0);

	/* Deassign, then everything frees. */
	ck_assert_int_eq(kvm_irq_irqfd_deassign(&irq, fd, gsi), 0);
	ck_assert_int_eq(kvm_irq_irqfd_deassign(&irq, fd, gsi), -ENOENT);
	ck_assert_int_eq(kvm_irq_irqfd_deassign(&irq, fd2, g2), 0);
	ck_assert_int_eq(kvm_irq_route_free(&irq, gsi), 0);
	ck_assert_int_eq(kvm_irq_route_free(&irq, gsi), -ENOENT);
	ck_assert_int_eq(kvm_irq_route_free(&irq, g2), 0);

	/* The guest never saw any of it. */
	expect_no_irq(&g, &irq);

	kvm_irq_destroy(&irq);
	kvm_irq_destroy(&irq);	/* twice is harmless */
	guest64_destroy(&g);
	close(fd);
	close(fd2);
	close(rfd);
}
END_TEST

struct route_worker {
	struct kvm_irq *irq;
	unsigned int rounds;
	int err;
};

static void *route_worker_main(void *arg)
{
	struct route_worker *w = arg;
	unsigned int i, j, gsi[8];
	int ret = 0;

	for (i = 0; i < w->rounds && !ret; i++) {
		kvm_irq_batch_begin(w->irq);
		for (j = 0; j < 8 && !ret; j++)
			ret = kvm_irq_msi_route_add(w->irq, MSI_ADDR, j, &gsi[j]);
		if (!ret)
			ret = kvm_irq_batch_commit(w->irq);
		else
			kvm_irq_batch_commit(w->irq);
		for (j = 0; j < 8 && !ret; j++)
			ret = kvm_irq_msi_route_update(w->irq, gsi[j], MSI_ADDR,
						       j + 1);
		for (j = 0; j < 8 && !ret; j++)
			ret = kvm_irq_route_free(w->irq, gsi[j]);
	}
	w->err = ret;
	return NULL;
}

struct blocked_add {
	struct kvm_irq *irq;
	atomic_int tid;
	atomic_bool done;
	unsigned int gsi;
	int ret;
};

static void *blocked_add_main(void *arg)
{
	struct blocked_add *b = arg;

	atomic_store(&b->tid, gettid());
	b->ret = kvm_irq_msi_route_add(b->irq, MSI_ADDR, 0x41, &b->gsi);
	atomic_store(&b->done, true);
	return NULL;
}

START_TEST(test_routes_change_safely_from_many_threads)
{
	struct route_worker w[4];
	struct blocked_add b = { 0 };
	pthread_t t[4], bt;
	struct guest64 g;
	struct kvm_irq irq;
	unsigned int i, gsi;
	int64_t end;

	guest64_create(&g);
	irq_init(&g, &irq);
	for (i = 0; i < 4; i++) {
		w[i] = (struct route_worker){ .irq = &irq, .rounds = 25 };
		ck_assert_int_eq(pthread_create(&t[i], NULL, route_worker_main,
						&w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ck_assert_msg(w[i].err == 0, "worker %u: %s", i,
			      strerror(-w[i].err));
	}
	/* Nothing leaked: the first MSI GSI is free again. */
	ck_assert_uint_eq(msi_route(&irq, 0x40), KVM_IRQ_MSI_GSI_FIRST);

	/* A batch keeps other threads out until it commits. */
	kvm_irq_batch_begin(&irq);
	b.irq = &irq;
	ck_assert_int_eq(pthread_create(&bt, NULL, blocked_add_main, &b), 0);
	/* Kept out: asleep on the lock, not merely not there yet. */
	end = wait_for_now_ms() + 5000;
	while (!atomic_load(&b.tid) && wait_for_now_ms() < end)
		wait_for_pause();
	ck_assert_msg(atomic_load(&b.tid) && !wait_for_thread_blocked(
			      atomic_load(&b.tid), SYS_futex,
			      (int)(end - wait_for_now_ms())),
		      "the thread adding a route was not seen asleep on the "
		      "lock of the open batch within 5 s");
	ck_assert(!atomic_load(&b.done));
	gsi = msi_route(&irq, 0x40);
	ck_assert_int_eq(kvm_irq_batch_commit(&irq), 0);
	pthread_join(bt, NULL);
	ck_assert_int_eq(b.ret, 0);
	ck_assert_uint_eq(gsi, KVM_IRQ_MSI_GSI_FIRST + 1);
	ck_assert_uint_eq(b.gsi, KVM_IRQ_MSI_GSI_FIRST + 2);

	kvm_irq_destroy(&irq);
	guest64_destroy(&g);
}
END_TEST

START_TEST(test_no_fd_leak)
{
	unsigned int before = guest64_count_fds();
	struct guest64 g;
	struct kvm_irq irq;
	int fd = new_eventfd(), rfd = new_eventfd();
	unsigned int gsi;

	guest64_create(&g);
	irq_init(&g, &irq);
	gsi = msi_route(&irq, 0x40);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, fd, gsi, -1), 0);
	ck_assert_int_eq(kvm_irq_irqfd_assign(&irq, rfd, 16, -1), 0);
	ck_assert_int_eq(kvm_irq_irqfd_deassign(&irq, rfd, 16), 0);
	/* fd stays assigned: the VM's teardown drops it. */
	kvm_irq_destroy(&irq);
	guest64_destroy(&g);
	close(fd);
	close(rfd);
	ck_assert_uint_eq(guest64_count_fds(), before);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kvm_irq");
	TCase *tc = tcase_create("guest");
	struct guest64_anchor anchor;
	int ret;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_msi_irqfd_delivers_vector_to_halted_vcpu);
	tcase_add_test(tc, test_msi_route_update_retargets_vector);
	tcase_add_test(tc, test_msi_irqfd_deassign_stops_delivery);
	tcase_add_test(tc, test_each_irqfd_raises_only_its_vector);
	tcase_add_test(tc, test_signal_msi_delivers_vector);
	tcase_add_test(tc, test_intx_irqfd_resamples_on_guest_eoi);
	tcase_add_test(tc, test_isa_gsi_still_routed_after_msi_routes);
	tcase_add_test(tc, test_route_table_full_and_last_gsi_delivers);
	tcase_add_test(tc, test_refused_commit_leaves_routing_unchanged);
	tcase_add_test(tc, test_bad_calls_return_errno);
	tcase_add_test(tc, test_routes_change_safely_from_many_threads);
	tcase_add_test(tc, test_no_fd_leak);
	suite_add_tcase(s, tc);
	guest64_anchor_open(&anchor);
	ret = run_suite(s);
	guest64_anchor_close(&anchor);
	return ret;
}
