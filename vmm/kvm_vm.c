// SPDX-License-Identifier: GPL-2.0-only
#include "kvm_vm.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "boot/x86_layout.h"

#define BITS_PER_LONG	(sizeof(unsigned long) * CHAR_BIT)

static int kvm_check_cap(struct kvm_vm *vm, long cap)
{
	return ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, cap);
}

int kvm_vm_create(struct kvm_vm *vm, const char **why)
{
	static const struct {
		long cap;
		const char *name;
	} required[] = {
		{ KVM_CAP_IRQCHIP, "missing KVM_CAP_IRQCHIP" },
		{ KVM_CAP_USER_MEMORY, "missing KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_SET_TSS_ADDR, "missing KVM_CAP_SET_TSS_ADDR" },
		{ KVM_CAP_PIT2, "missing KVM_CAP_PIT2" },
		{ KVM_CAP_EXT_CPUID, "missing KVM_CAP_EXT_CPUID" },
		{ KVM_CAP_IMMEDIATE_EXIT, "missing KVM_CAP_IMMEDIATE_EXIT" },
	};
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	uint64_t identity_map = X86_KVM_IDENTITY_MAP_ADDR;
	unsigned int i;
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = -1;
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		*why = "cannot open /dev/kvm";
		return -errno;
	}
	ret = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (ret != KVM_API_VERSION) {
		*why = "unsupported KVM API version";
		ret = -ENOTSUP;
		goto fail;
	}
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (kvm_check_cap(vm, required[i].cap) <= 0) {
			*why = required[i].name;
			ret = -ENOTSUP;
			goto fail;
		}
	}
	ret = kvm_check_cap(vm, KVM_CAP_MAX_VCPUS);
	if (ret <= 0)
		ret = kvm_check_cap(vm, KVM_CAP_NR_VCPUS);
	vm->max_vcpus = ret > 0 ? (unsigned int)ret : 1;

	/*
	 * Slot ids are 0 .. KVM_CAP_NR_MEMSLOTS - 1 (api.rst,
	 * KVM_SET_USER_MEMORY_REGION); older kernels had 32.
	 */
	ret = kvm_check_cap(vm, KVM_CAP_NR_MEMSLOTS);
	vm->max_slots = ret > 0 ? (unsigned int)ret : 32;
	vm->slot_map = calloc((vm->max_slots + BITS_PER_LONG - 1) /
			      BITS_PER_LONG, sizeof(unsigned long));
	if (!vm->slot_map) {
		*why = "cannot allocate the memory slot map";
		ret = -ENOMEM;
		goto fail;
	}
	pthread_mutex_init(&vm->slot_lock, NULL);

	vm->vcpu_mmap_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->vcpu_mmap_size <= 0) {
		*why = "KVM_GET_VCPU_MMAP_SIZE failed";
		ret = -errno;
		goto fail;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		*why = "KVM_CREATE_VM failed";
		ret = -errno;
		goto fail;
	}
	/*
	 * Intel VMX needs three pages for a real-mode TSS and one for an
	 * identity page table somewhere in guest space that is not RAM; AMD
	 * ignores them. Both sit just below the BIOS area at the top of 4 GiB.
	 */
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, X86_KVM_TSS_ADDR) < 0) {
		*why = "KVM_SET_TSS_ADDR failed";
		ret = -errno;
		goto fail;
	}
	if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity_map) < 0) {
		*why = "KVM_SET_IDENTITY_MAP_ADDR failed";
		ret = -errno;
		goto fail;
	}
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		*why = "KVM_CREATE_IRQCHIP failed";
		ret = -errno;
		goto fail;
	}
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
		*why = "KVM_CREATE_PIT2 failed";
		ret = -errno;
		goto fail;
	}
	return 0;
fail:
	if (ret >= 0)
		ret = -EIO;
	kvm_vm_destroy(vm);
	return ret;
}

void kvm_vm_destroy(struct kvm_vm *vm)
{
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->vm_fd = vm->kvm_fd = -1;
	if (vm->slot_map) {
		pthread_mutex_destroy(&vm->slot_lock);
		free(vm->slot_map);
		vm->slot_map = NULL;
	}
	vm->nr_slots = 0;
}

static bool slot_in_use(const struct kvm_vm *vm, unsigned int slot)
{
	return vm->slot_map[slot / BITS_PER_LONG] &
	       (1ul << (slot % BITS_PER_LONG));
}

static void slot_mark(struct kvm_vm *vm, unsigned int slot, bool used)
{
	unsigned long bit = 1ul << (slot % BITS_PER_LONG);

	if (used)
		vm->slot_map[slot / BITS_PER_LONG] |= bit;
	else
		vm->slot_map[slot / BITS_PER_LONG] &= ~bit;
}

/* Lowest free slot id, or -ENOSPC. Called with slot_lock held. */
static int slot_find_free(const struct kvm_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->max_slots; i += BITS_PER_LONG) {
		unsigned long used = vm->slot_map[i / BITS_PER_LONG];
		unsigned int slot;

		if (used == ~0ul)
			continue;
		slot = i + (unsigned int)__builtin_ctzl(~used);
		return slot < vm->max_slots ? (int)slot : -ENOSPC;
	}
	return -ENOSPC;
}

int kvm_vm_memslot_add(struct kvm_vm *vm, uint64_t gpa, uint64_t size,
		       void *hva, uint32_t flags, unsigned int *slot)
{
	uint64_t page_mask = (uint64_t)sysconf(_SC_PAGESIZE) - 1;
	struct kvm_userspace_memory_region region = {
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};
	int ret;

	if (!size || ((gpa | size | (uintptr_t)hva) & page_mask) ||
	    gpa + size < gpa)
		return -EINVAL;
	if (!vm->slot_map)
		return -EBADF;

	pthread_mutex_lock(&vm->slot_lock);
	ret = slot_find_free(vm);
	if (ret < 0)
		goto out;
	region.slot = (uint32_t)ret;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		ret = -errno;
		goto out;
	}
	slot_mark(vm, region.slot, true);
	vm->nr_slots++;
	if (slot)
		*slot = region.slot;
	ret = 0;
out:
	pthread_mutex_unlock(&vm->slot_lock);
	return ret;
}

int kvm_vm_memslot_remove(struct kvm_vm *vm, unsigned int slot)
{
	/* api.rst, KVM_SET_USER_MEMORY_REGION: memory_size 0 deletes it. */
	struct kvm_userspace_memory_region region = { .slot = slot };
	int ret = 0;

	if (!vm->slot_map)
		return -EBADF;
	pthread_mutex_lock(&vm->slot_lock);
	if (slot >= vm->max_slots || !slot_in_use(vm, slot)) {
		ret = -ENOENT;
	} else if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		ret = -errno;
	} else {
		slot_mark(vm, slot, false);
		vm->nr_slots--;
	}
	pthread_mutex_unlock(&vm->slot_lock);
	return ret;
}

int kvm_vm_add_memory(struct kvm_vm *vm, uint64_t gpa, uint64_t size,
		      void *hva)
{
	return kvm_vm_memslot_add(vm, gpa, size, hva, 0, NULL);
}

int kvm_vm_irq_line(struct kvm_vm *vm, unsigned int gsi, int level)
{
	struct kvm_irq_level irq = { .irq = gsi, .level = level };

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		return -errno;
	return 0;
}
