// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM smoke test: a real KVM VM runs a few real-mode instructions that do
 * port I/O and HLT, and we check every exit it produces. Run through
 * tools/with-kvm, so it runs nested (TCG + SVM) where /dev/kvm is missing.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUEST_MEM_SIZE	0x10000
#define CODE_GPA	0x1000

/* mov dx,0x3f8; mov al,'K'; out dx,al; in al,dx; add al,1; out dx,al;
 * mov ax,0x1234; out 0x80,ax; hlt */
static const uint8_t guest_code[] = {
	0xba, 0xf8, 0x03,
	0xb0, 'K',
	0xee,
	0xec,
	0x04, 0x01,
	0xee,
	0xb8, 0x34, 0x12,
	0xe7, 0x80,
	0xf4,
};

struct smoke_vm {
	int kvm, vm, vcpu;
	void *mem;
	struct kvm_run *run;
	size_t run_size;
};

static void smoke_vm_create(struct smoke_vm *v)
{
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int ret;

	v->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_msg(v->kvm >= 0, "open /dev/kvm: %s", strerror(errno));
	ret = ioctl(v->kvm, KVM_GET_API_VERSION, 0);
	ck_assert_int_eq(ret, KVM_API_VERSION);
	v->vm = ioctl(v->kvm, KVM_CREATE_VM, 0);
	ck_assert_msg(v->vm >= 0, "KVM_CREATE_VM: %s", strerror(errno));

	v->mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(v->mem != MAP_FAILED);
	memcpy((uint8_t *)v->mem + CODE_GPA, guest_code, sizeof(guest_code));
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_MEM_SIZE,
		.userspace_addr = (uintptr_t)v->mem,
	};
	ret = ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &region);
	ck_assert_msg(ret == 0, "KVM_SET_USER_MEMORY_REGION: %s",
		      strerror(errno));

	v->vcpu = ioctl(v->vm, KVM_CREATE_VCPU, 0);
	ck_assert_msg(v->vcpu >= 0, "KVM_CREATE_VCPU: %s", strerror(errno));
	v->run_size = ioctl(v->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	ck_assert(v->run_size >= sizeof(struct kvm_run));
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu, 0);
	ck_assert(v->run != MAP_FAILED);

	/* Real mode, CS base 0 so that CS:IP = 0:CODE_GPA. */
	ck_assert_int_eq(ioctl(v->vcpu, KVM_GET_SREGS, &sregs), 0);
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	ck_assert_int_eq(ioctl(v->vcpu, KVM_SET_SREGS, &sregs), 0);
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rflags = 0x2;	/* bit 1 is reserved and must be set */
	ck_assert_int_eq(ioctl(v->vcpu, KVM_SET_REGS, &regs), 0);
}

static void smoke_vm_destroy(struct smoke_vm *v)
{
	munmap(v->run, v->run_size);
	munmap(v->mem, GUEST_MEM_SIZE);
	close(v->vcpu);
	close(v->vm);
	close(v->kvm);
}

static void run_once(struct smoke_vm *v)
{
	int ret = ioctl(v->vcpu, KVM_RUN, 0);

	ck_assert_msg(ret == 0, "KVM_RUN: %s", strerror(errno));
}

static uint8_t *io_data(struct smoke_vm *v)
{
	return (uint8_t *)v->run + v->run->io.data_offset;
}

static void expect_io(struct smoke_vm *v, int dir, uint16_t port, int size)
{
	run_once(v);
	ck_assert_msg(v->run->exit_reason == KVM_EXIT_IO,
		      "exit reason %u, expected KVM_EXIT_IO",
		      v->run->exit_reason);
	ck_assert_int_eq(v->run->io.direction, dir);
	ck_assert_uint_eq(v->run->io.port, port);
	ck_assert_int_eq(v->run->io.size, size);
	ck_assert_uint_eq(v->run->io.count, 1);
}

START_TEST(test_real_mode_port_io_and_hlt_exit_in_order)
{
	struct smoke_vm v;
	uint16_t word;

	smoke_vm_create(&v);

	expect_io(&v, KVM_EXIT_IO_OUT, 0x3f8, 1);
	ck_assert_uint_eq(io_data(&v)[0], 'K');

	/* Answer the IN; the guest adds one and writes it back. */
	expect_io(&v, KVM_EXIT_IO_IN, 0x3f8, 1);
	io_data(&v)[0] = 0x41;
	expect_io(&v, KVM_EXIT_IO_OUT, 0x3f8, 1);
	ck_assert_uint_eq(io_data(&v)[0], 0x42);

	expect_io(&v, KVM_EXIT_IO_OUT, 0x80, 2);
	memcpy(&word, io_data(&v), sizeof(word));
	ck_assert_uint_eq(word, 0x1234);

	run_once(&v);
	ck_assert_msg(v.run->exit_reason == KVM_EXIT_HLT,
		      "exit reason %u, expected KVM_EXIT_HLT",
		      v.run->exit_reason);

	smoke_vm_destroy(&v);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kvm_smoke");
	TCase *tc = tcase_create("real_mode");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_real_mode_port_io_and_hlt_exit_in_order);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
