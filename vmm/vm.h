/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_VM_H
#define MINIVMM_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "cli.h"
#include "console.h"
#include "event_loop.h"
#include "exit_stats.h"
#include "guest_ram.h"
#include "io_bus.h"
#include "kvm_irq.h"
#include "kvm_vm.h"
#include "pci.h"
#include "pci_space.h"
#include "platform.h"

struct vcpu;
struct vfio_user_dev;

/*
 * The machine: everything one guest needs, passed to every module that
 * acts on it. Built by vm_create(), run by vm_run(), torn down by
 * vm_destroy().
 */
struct vm {
	const struct vmm_options *opts;
	struct timespec start_time;	/* when minivmm started (monotonic) */

	struct kvm_vm kvm;
	struct kvm_irq irq;		/* GSI routes and irqfds */
	bool irq_ready;
	struct guest_ram ram;
	struct io_bus pio;
	struct io_bus mmio;
	struct exit_stats stats;

	struct vcpu *vcpus;
	unsigned int nr_vcpus;

	struct console console;
	struct pci_bus pci;
	struct pci_space pci_space;	/* where BARs are decoded */
	bool pci_space_ready;
	struct vfio_user_dev *devs[CLI_MAX_VFIO_USER];
	unsigned int nr_devs;
	struct platform platform;

	/* Stopping: the first vm_request_stop() decides the exit status. */
	pthread_mutex_t stop_lock;
	atomic_bool stopping;
	int exit_status;
	int stop_fd;			/* eventfd the main thread waits on */
	struct event_loop events;	/* the main thread's loop */
};

/*
 * vm_create - build the machine described by @opts: KVM VM, RAM, devices,
 * vCPUs, and the guest kernel loaded. On failure prints one line naming
 * what failed and returns -errno; nothing is left allocated.
 */
int vm_create(struct vm *vm, const struct vmm_options *opts,
	      const struct timespec *start_time);

/*
 * vm_run - start the vCPUs and wait until the VM stops (guest reboot,
 * test-exit port, error, console quit, or SIGINT/SIGTERM/SIGHUP).
 * Returns the exit status minivmm should exit with.
 */
int vm_run(struct vm *vm);

void vm_destroy(struct vm *vm);

/*
 * vm_request_stop - ask the VM to stop with exit @status. Safe from any
 * thread; only the first request counts. @fmt (may be NULL) is printed to
 * stderr as the reason, prefixed with "minivmm: ".
 */
void vm_request_stop(struct vm *vm, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline bool vm_stopping(struct vm *vm)
{
	return atomic_load(&vm->stopping);
}

struct pci_alloc_windows;

/* The PCI windows of this machine (they depend on the size of RAM). */
void vm_pci_windows(const struct vm *vm, struct pci_alloc_windows *w);

/* Milliseconds since minivmm started. */
double vm_elapsed_ms(const struct vm *vm);

#endif
