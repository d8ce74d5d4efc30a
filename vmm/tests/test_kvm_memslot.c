// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory slots added and removed while the VM runs (a BAR's mmappable area
 * appearing, moving, disappearing), seen from a vCPU: inside a slot the
 * guest reads and writes host memory without exits; once removed the
 * same access exits as MMIO. Run through tools/with-kvm.
 */
#include <check.h>
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest64.h"
#include "proto/tests/check_main.h"

#define BAR_GPA		0xd0000000ull
#define BAR_SIZE	0x2000ull

static uint8_t *new_area(size_t size)
{
	uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ck_assert(p != MAP_FAILED);
	return p;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static unsigned int slot_add(struct guest64 *g, uint64_t gpa, uint64_t size,
			     void *hva, uint32_t flags)
{
	unsigned int slot = ~0u;
	int ret = kvm_vm_memslot_add(&g->vm, gpa, size, hva, flags, &slot);

	ck_assert_msg(ret == 0, "kvm_vm_memslot_add(0x%llx): %s",
		      (unsigned long long)gpa, strerror(-ret));
	return slot;
}

static uint32_t guest_read32(struct guest64 *g, uint64_t gpa)
{
	uint32_t v;

	guest64_read32(g, gpa);
	v = guest64_expect_report(g, 5000);
	guest64_expect_idle(g);
	return v;
}

START_TEST(test_slot_added_at_run_time_is_seen_then_removed_exits)
{
	struct guest64 g;
	uint8_t *bar = new_area(BAR_SIZE);
	unsigned int slot;

	put32(bar + 0x10, 0x600dcafe);
	guest64_create(&g);

	/* Before: the address is MMIO. */
	guest64_read32(&g, BAR_GPA + 0x10);
	guest64_expect_mmio_read(&g, BAR_GPA + 0x10, 4, 0x11111111);
	ck_assert_uint_eq(guest64_expect_report(&g, 5000), 0x11111111);
	guest64_expect_idle(&g);

	slot = slot_add(&g, BAR_GPA, BAR_SIZE, bar, 0);
	ck_assert_uint_eq(slot, 1);	/* RAM took slot 0 */
	ck_assert_uint_eq(g.vm.nr_slots, 2);
	/* The guest reads host memory, without an exit... */
	ck_assert_uint_eq(guest_read32(&g, BAR_GPA + 0x10), 0x600dcafe);
	/* ...and writes it: the host sees the value. */
	guest64_write(&g, 4, BAR_GPA + 0x1ff0, 0x12345678);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(get32(bar + 0x1ff0), 0x12345678);

	ck_assert_int_eq(kvm_vm_memslot_remove(&g.vm, slot), 0);
	ck_assert_uint_eq(g.vm.nr_slots, 1);
	guest64_read32(&g, BAR_GPA + 0x10);
	guest64_expect_mmio_read(&g, BAR_GPA + 0x10, 4, 0xabcd);
	ck_assert_uint_eq(guest64_expect_report(&g, 5000), 0xabcd);
	guest64_expect_idle(&g);
	guest64_write(&g, 4, BAR_GPA + 0x1ff0, 0x9);
	guest64_expect_mmio_write(&g, BAR_GPA + 0x1ff0, 4, 0x9);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(get32(bar + 0x1ff0), 0x12345678);

	/* The BAR moves: the same memory at another address. */
	slot = slot_add(&g, BAR_GPA + 0x100000, BAR_SIZE, bar, 0);
	ck_assert_uint_eq(slot, 1);
	ck_assert_uint_eq(guest_read32(&g, BAR_GPA + 0x100010), 0x600dcafe);
	guest64_read32(&g, BAR_GPA + 0x10);
	guest64_expect_mmio_read(&g, BAR_GPA + 0x10, 4, 0x22);
	ck_assert_uint_eq(guest64_expect_report(&g, 5000), 0x22);
	guest64_expect_idle(&g);

	guest64_destroy(&g);
	munmap(bar, BAR_SIZE);
}
END_TEST

START_TEST(test_readonly_slot_writes_exit_as_mmio)
{
	struct guest64 g;
	uint8_t *bar = new_area(BAR_SIZE);

	put32(bar, 0x0dd0f00d);
	guest64_create(&g);
	if (ioctl(g.vm.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) <= 0) {
		unsigned int slot;

		/* Refused, never mapped writable. */
		ck_assert_int_lt(kvm_vm_memslot_add(&g.vm, BAR_GPA, BAR_SIZE,
						    bar, KVM_MEM_READONLY,
						    &slot), 0);
		ck_assert_uint_eq(g.vm.nr_slots, 1);
		guest64_destroy(&g);
		munmap(bar, BAR_SIZE);
		return;
	}
	slot_add(&g, BAR_GPA, BAR_SIZE, bar, KVM_MEM_READONLY);
	ck_assert_uint_eq(guest_read32(&g, BAR_GPA), 0x0dd0f00d);
	guest64_write(&g, 4, BAR_GPA, 0x1);
	guest64_expect_mmio_write(&g, BAR_GPA, 4, 0x1);
	guest64_expect_idle(&g);
	ck_assert_uint_eq(get32(bar), 0x0dd0f00d);

	guest64_destroy(&g);
	munmap(bar, BAR_SIZE);
}
END_TEST

START_TEST(test_slot_ids_are_reused_lowest_first)
{
	struct guest64 g;
	uint8_t *bar = new_area(4 * BAR_SIZE);
	unsigned int s[3], i;

	guest64_create(&g);
	for (i = 0; i < 3; i++)
		s[i] = slot_add(&g, BAR_GPA + i * BAR_SIZE, BAR_SIZE,
				bar + i * BAR_SIZE, 0);
	ck_assert_uint_eq(s[0], 1);
	ck_assert_uint_eq(s[1], 2);
	ck_assert_uint_eq(s[2], 3);
	ck_assert_int_eq(kvm_vm_memslot_remove(&g.vm, s[1]), 0);
	ck_assert_int_eq(kvm_vm_memslot_remove(&g.vm, s[1]), -ENOENT);
	ck_assert_uint_eq(slot_add(&g, BAR_GPA + 3 * BAR_SIZE, BAR_SIZE,
				   bar + 3 * BAR_SIZE, 0), 2);
	ck_assert_uint_eq(g.vm.nr_slots, 4);

	/* Each slot maps its own memory. */
	put32(bar + 0 * BAR_SIZE, 0xa0);
	put32(bar + 2 * BAR_SIZE, 0xa2);
	put32(bar + 3 * BAR_SIZE, 0xa3);
	ck_assert_uint_eq(guest_read32(&g, BAR_GPA), 0xa0);
	ck_assert_uint_eq(guest_read32(&g, BAR_GPA + 2 * BAR_SIZE), 0xa2);
	ck_assert_uint_eq(guest_read32(&g, BAR_GPA + 3 * BAR_SIZE), 0xa3);
	guest64_read32(&g, BAR_GPA + BAR_SIZE);
	guest64_expect_mmio_read(&g, BAR_GPA + BAR_SIZE, 4, 0x5);
	ck_assert_uint_eq(guest64_expect_report(&g, 5000), 0x5);
	guest64_expect_idle(&g);

	guest64_destroy(&g);
	munmap(bar, 4 * BAR_SIZE);
}
END_TEST

START_TEST(test_bad_slots_are_refused_and_take_no_id)
{
	long page = sysconf(_SC_PAGESIZE);
	struct guest64 g;
	uint8_t *bar = new_area(BAR_SIZE);
	unsigned int slot = 77;

	guest64_create(&g);
	ck_assert_int_eq(kvm_vm_memslot_add(&g.vm, BAR_GPA, 0, bar, 0, &slot),
			 -EINVAL);
	ck_assert_int_eq(kvm_vm_memslot_add(&g.vm, BAR_GPA + 8, BAR_SIZE, bar,
					    0, &slot), -EINVAL);
	ck_assert_int_eq(kvm_vm_memslot_add(&g.vm, BAR_GPA, BAR_SIZE - 8, bar,
					    0, &slot), -EINVAL);
	ck_assert_int_eq(kvm_vm_memslot_add(&g.vm, BAR_GPA, (uint64_t)page,
					    bar + 8, 0, &slot), -EINVAL);
	/* The last page of the address space, and beyond. */
	ck_assert_int_eq(kvm_vm_memslot_add(&g.vm, ~(uint64_t)(page - 1),
					    BAR_SIZE, bar, 0, &slot), -EINVAL);
	/* Overlapping guest RAM. */
	ck_assert_int_eq(kvm_vm_memslot_add(&g.vm, 0x1000, BAR_SIZE, bar, 0,
					    &slot), -EEXIST);
	/* A flag KVM does not know. */
	ck_assert_int_eq(kvm_vm_memslot_add(&g.vm, BAR_GPA, BAR_SIZE, bar,
					    1u << 30, &slot), -EINVAL);
	ck_assert_uint_eq(slot, 77);
	ck_assert_uint_eq(g.vm.nr_slots, 1);

	ck_assert_int_eq(kvm_vm_memslot_remove(&g.vm, 1), -ENOENT);
	ck_assert_int_eq(kvm_vm_memslot_remove(&g.vm, g.vm.max_slots), -ENOENT);
	ck_assert_int_eq(kvm_vm_memslot_remove(&g.vm, ~0u), -ENOENT);
	/* None of it took an id. */
	ck_assert_uint_eq(slot_add(&g, BAR_GPA, BAR_SIZE, bar, 0), 1);

	/* RAM is still there. */
	guest64_out(&g, 4, 0x80, 1);
	guest64_expect_pio_out(&g, 0x80, 4, 1);
	guest64_expect_idle(&g);

	guest64_destroy(&g);
	munmap(bar, BAR_SIZE);
}
END_TEST

/*
 * Running out of ids. KVM offers tens of thousands of slots, so the test
 * lowers the limit kvm_vm_create() read from KVM_CAP_NR_MEMSLOTS.
 */
START_TEST(test_slot_ids_run_out_with_enospc)
{
	struct guest64 g;
	uint8_t *bar = new_area(4 * BAR_SIZE);
	unsigned int i, slot;

	guest64_create(&g);
	ck_assert_uint_ge(g.vm.max_slots, 32);
	g.vm.max_slots = 4;
	for (i = 0; i < 3; i++)
		slot_add(&g, BAR_GPA + i * BAR_SIZE, BAR_SIZE,
			 bar + i * BAR_SIZE, 0);
	ck_assert_int_eq(kvm_vm_memslot_add(&g.vm, BAR_GPA + 3 * BAR_SIZE,
					    BAR_SIZE, bar + 3 * BAR_SIZE, 0,
					    &slot), -ENOSPC);
	ck_assert_int_eq(kvm_vm_memslot_remove(&g.vm, 2), 0);
	ck_assert_uint_eq(slot_add(&g, BAR_GPA + 3 * BAR_SIZE, BAR_SIZE,
				   bar + 3 * BAR_SIZE, 0), 2);
	guest64_destroy(&g);
	munmap(bar, 4 * BAR_SIZE);
}
END_TEST

struct slot_worker {
	struct guest64 *g;
	uint8_t *area;
	uint64_t gpa;
	int err;
};

static void *slot_worker_main(void *arg)
{
	struct slot_worker *w = arg;
	unsigned int i, slot;
	int ret = 0;

	for (i = 0; i < 30 && !ret; i++) {
		ret = kvm_vm_memslot_add(&w->g->vm, w->gpa, BAR_SIZE, w->area,
					 0, &slot);
		if (!ret)
			ret = kvm_vm_memslot_remove(&w->g->vm, slot);
	}
	w->err = ret;
	return NULL;
}

/* vCPU threads add and remove slots concurrently (BAR writes). */
START_TEST(test_slots_change_safely_from_many_threads)
{
	struct slot_worker w[4];
	pthread_t t[4];
	struct guest64 g;
	uint8_t *area = new_area(4 * BAR_SIZE);
	unsigned int i;

	guest64_create(&g);
	for (i = 0; i < 4; i++) {
		w[i] = (struct slot_worker){
			.g = &g, .area = area + i * BAR_SIZE,
			.gpa = BAR_GPA + i * 0x100000ull,
		};
		ck_assert_int_eq(pthread_create(&t[i], NULL, slot_worker_main,
						&w[i]), 0);
	}
	/* Meanwhile the guest keeps running out of its RAM. */
	for (i = 0; i < 20; i++) {
		guest64_out(&g, 1, 0x80, i);
		guest64_expect_pio_out(&g, 0x80, 1, i);
		guest64_expect_idle(&g);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ck_assert_msg(w[i].err == 0, "worker %u: %s", i,
			      strerror(-w[i].err));
	}
	ck_assert_uint_eq(g.vm.nr_slots, 1);
	ck_assert_uint_eq(slot_add(&g, BAR_GPA, BAR_SIZE, area, 0), 1);
	guest64_destroy(&g);
	munmap(area, 4 * BAR_SIZE);
}
END_TEST

START_TEST(test_no_fd_or_memory_leak)
{
	unsigned int before = guest64_count_fds();
	struct guest64 g;
	uint8_t *bar = new_area(BAR_SIZE);

	guest64_create(&g);
	slot_add(&g, BAR_GPA, BAR_SIZE, bar, 0);
	guest64_destroy(&g);
	kvm_vm_destroy(&g.vm);		/* twice is harmless */
	munmap(bar, BAR_SIZE);
	ck_assert_uint_eq(guest64_count_fds(), before);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kvm_memslot");
	TCase *tc = tcase_create("guest");
	struct guest64_anchor anchor;
	int ret;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_slot_added_at_run_time_is_seen_then_removed_exits);
	tcase_add_test(tc, test_readonly_slot_writes_exit_as_mmio);
	tcase_add_test(tc, test_slot_ids_are_reused_lowest_first);
	tcase_add_test(tc, test_bad_slots_are_refused_and_take_no_id);
	tcase_add_test(tc, test_slot_ids_run_out_with_enospc);
	tcase_add_test(tc, test_slots_change_safely_from_many_threads);
	tcase_add_test(tc, test_no_fd_or_memory_leak);
	suite_add_tcase(s, tc);
	guest64_anchor_open(&anchor);
	ret = run_suite(s);
	guest64_anchor_close(&anchor);
	return ret;
}
