/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_VCPU_H
#define MINIVMM_VCPU_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "boot/x86_boot.h"

struct vm;

/* One virtual CPU and the thread that runs it. */
struct vcpu {
	struct vm *vm;
	unsigned int id;	/* also its APIC id */
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool thread_started;
};

/* Create vCPU @id and give it its CPUID, boot MSRs, LAPIC LINT0/1 and FPU. */
int vcpu_create(struct vcpu *vcpu, struct vm *vm, unsigned int id,
		const struct kvm_cpuid2 *supported);

/* Put the boot vCPU at the kernel's 64-bit entry point (boot.rst). */
int vcpu_set_boot_entry(struct vcpu *vcpu, const struct x86_boot_entry *e);

/* Start the thread that runs the vCPU until the VM stops. */
int vcpu_start(struct vcpu *vcpu);

/* Make a running vCPU leave KVM_RUN (after vm->stopping is set). */
void vcpu_kick(struct vcpu *vcpu);

void vcpu_join(struct vcpu *vcpu);
void vcpu_destroy(struct vcpu *vcpu);

/* Print the vCPU's registers, for fatal exits. */
void vcpu_dump_regs(struct vcpu *vcpu, FILE *out);

/*
 * vcpu_get_supported_cpuid - KVM_GET_SUPPORTED_CPUID into a new buffer the
 * caller frees. Returns NULL with errno set on failure.
 */
struct kvm_cpuid2 *vcpu_get_supported_cpuid(int kvm_fd);

/* The kick signal; vm_run blocks it everywhere but in vCPU threads. */
#define VCPU_KICK_SIGNAL SIGUSR1

#endif
