/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_KVM_VM_H
#define MINIVMM_KVM_VM_H

#include <pthread.h>
#include <stdint.h>

/*
 * The KVM VM itself: /dev/kvm, the VM fd, the in-kernel irqchip (PIC,
 * IOAPIC, LAPICs) and PIT, and the memory slots.
 *
 * Memory slots are allocated from a bitmap of KVM_CAP_NR_MEMSLOTS ids and
 * may be added and removed at any time from any thread (a guest moving a
 * BAR does it from its vCPU thread); slot_lock serialises them.
 *
 * GSI routing and irqfds live in kvm_irq.h, ioeventfds in kvm_ioeventfd.h;
 * both act on vm_fd. kvm_vm_create() does not set them up: call
 * kvm_irq_init() after it (the irqchip exists by then) and before the
 * first KVM_RUN, since it replaces KVM's GSI routing table with minivmm's.
 */
struct kvm_vm {
	int kvm_fd;
	int vm_fd;
	int vcpu_mmap_size;
	unsigned int max_vcpus;

	pthread_mutex_t slot_lock;	/* valid while slot_map != NULL */
	unsigned long *slot_map;	/* bit n set: slot n is in use */
	unsigned int max_slots;		/* KVM_CAP_NR_MEMSLOTS */
	unsigned int nr_slots;		/* slots in use */
};

/*
 * kvm_vm_create - open /dev/kvm and create a VM with an in-kernel irqchip
 * and PIT. Returns 0 or -errno; *@why names the step that failed.
 */
int kvm_vm_create(struct kvm_vm *vm, const char **why);

/*
 * kvm_vm_destroy - close the VM and /dev/kvm; KVM drops every memory slot,
 * route, irqfd and ioeventfd with the VM fd. Safe to call twice, and on a
 * struct whose fds are -1 and the rest zero (kvm_vm_create never ran).
 */
void kvm_vm_destroy(struct kvm_vm *vm);

/*
 * kvm_vm_memslot_add - map @size bytes at @hva into the guest at @gpa, in a
 * new memory slot, and return its id in *@slot (may be NULL when the slot
 * is never removed). @flags are KVM_MEM_* flags (KVM_MEM_READONLY for a
 * region the guest may only read; it needs KVM_CAP_READONLY_MEM).
 *
 * @gpa, @size and @hva must be page aligned and @size non-zero. Callable
 * from any thread, also while vCPUs run.
 *
 * Returns 0 or -errno: -EINVAL for a zero, unaligned or wrapping range,
 * -ENOSPC when every slot is taken, -EEXIST when the range overlaps another
 * slot, -EBADF when the VM was not created, or KVM_SET_USER_MEMORY_REGION's
 * error (-EINVAL for flags KVM does not know). On error no slot is taken.
 */
int kvm_vm_memslot_add(struct kvm_vm *vm, uint64_t gpa, uint64_t size,
		       void *hva, uint32_t flags, unsigned int *slot);

/*
 * kvm_vm_memslot_remove - delete memory slot @slot (KVM_SET_USER_MEMORY_REGION
 * with memory_size 0): guest accesses to its range exit as MMIO again, and
 * its id can be handed out again. Callable from any thread.
 *
 * Returns 0 or -errno: -ENOENT when @slot is not in use (nothing changes),
 * -EBADF when the VM was not created, or KVM's error (the slot then stays
 * in use).
 */
int kvm_vm_memslot_remove(struct kvm_vm *vm, unsigned int slot);

/*
 * kvm_vm_add_memory - kvm_vm_memslot_add() with no flags, for memory that
 * stays mapped for the VM's life (guest RAM). Returns 0 or -errno.
 */
int kvm_vm_add_memory(struct kvm_vm *vm, uint64_t gpa, uint64_t size,
		      void *hva);

/* Set the level of an interrupt line (GSI) of the in-kernel irqchip. */
int kvm_vm_irq_line(struct kvm_vm *vm, unsigned int gsi, int level);

#endif
