/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_KVM_VM_H
#define MINIVMM_KVM_VM_H

#include <stdint.h>

/*
 * The KVM VM itself: /dev/kvm, the VM fd, the in-kernel irqchip (PIC,
 * IOAPIC, LAPICs) and PIT, and the memory slots.
 */
struct kvm_vm {
	int kvm_fd;
	int vm_fd;
	int vcpu_mmap_size;
	unsigned int max_vcpus;
	unsigned int nr_slots;
};

/*
 * kvm_vm_create - open /dev/kvm and create a VM with an in-kernel irqchip
 * and PIT. Returns 0 or -errno; *@why names the step that failed.
 */
int kvm_vm_create(struct kvm_vm *vm, const char **why);
void kvm_vm_destroy(struct kvm_vm *vm);

/* Map @size bytes at @hva into the guest at @gpa, in a new memory slot. */
int kvm_vm_add_memory(struct kvm_vm *vm, uint64_t gpa, uint64_t size,
		      void *hva);

/* Set the level of an interrupt line (GSI) of the in-kernel irqchip. */
int kvm_vm_irq_line(struct kvm_vm *vm, unsigned int gsi, int level);

#endif
