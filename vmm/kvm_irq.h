/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_KVM_IRQ_H
#define MINIVMM_KVM_IRQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "boot/x86_layout.h"

/*
 * GSI routing, irqfds and injected MSIs of the in-kernel irqchip.
 *
 * KVM_SET_GSI_ROUTING replaces KVM's whole table, so minivmm keeps its own:
 *  - GSI 0-15: IOAPIC pin n and PIC pin n % 8 (master for n < 8, slave
 *    above), GSI 16-23: IOAPIC pin n only. This is the table KVM installs
 *    with KVM_CREATE_IRQCHIP (arch/x86/kvm "default_routing"), kept as is
 *    so that KVM_IRQ_LINE (the PIT, the serial port) behaves the same.
 *  - GSI 24 (KVM_IRQ_MSI_GSI_FIRST) and up: MSI routes, one per MSI-X
 *    vector, allocated lowest first. KVM_CAP_IRQ_ROUTING bounds both the
 *    number of entries and the GSI numbers, so there are
 *    KVM_CAP_IRQ_ROUTING - 40 of them (4056 with KVM's 4096).
 *
 * Every call that changes a route commits the table to KVM before it
 * returns, unless the caller opened a batch: between kvm_irq_batch_begin()
 * and kvm_irq_batch_commit() changes are only recorded, and the commit
 * sends the table once (enabling 32 MSI-X vectors is one ioctl, not 32).
 *
 * Either a call succeeds or the routing stays as it was: a route change
 * whose commit fails is undone, and a failed batch commit undoes the whole
 * batch.
 *
 * Locking: one mutex inside; every function may be called from any thread
 * (vCPU threads change routes on config and MSI-X table writes). A batch
 * holds the mutex from begin to commit, so other threads' calls wait for
 * it; the batch's own thread may call any function meanwhile.
 *
 * Life cycle: kvm_irq_init() after KVM_CREATE_IRQCHIP (that is, after
 * kvm_vm_create()) and before any vCPU runs; kvm_irq_destroy() frees
 * minivmm's memory only: routes and irqfds die with the VM fd.
 */

#define KVM_IRQ_MSI_GSI_FIRST	X86_IOAPIC_NR_PINS	/* 24 */

struct kvm_irq_routing;		/* linux/kvm.h */

struct kvm_irq_msi_route {
	uint64_t addr;
	uint32_t data;
	bool used;
};

struct kvm_irq_irqfd {
	int fd;
	unsigned int gsi;
	int resample_fd;	/* -1: edge (MSI or ISA), no resampling */
};

/* Private to kvm_irq.c; embed it, use the functions. */
struct kvm_irq {
	int vm_fd;
	pthread_mutex_t lock;		/* recursive: a batch holds it */
	unsigned int batch_depth;
	bool dirty;			/* table differs from KVM's */

	unsigned int nr_msi;		/* MSI GSIs: FIRST .. FIRST + nr_msi - 1 */
	struct kvm_irq_msi_route *msi;	/* indexed by gsi - FIRST */
	struct kvm_irq_msi_route *saved; /* msi[] when the batch began */
	struct kvm_irq_routing *table;	/* KVM_SET_GSI_ROUTING buffer */

	struct kvm_irq_irqfd *irqfds;
	unsigned int nr_irqfds;
	unsigned int max_irqfds;	/* allocated entries */
};

/*
 * kvm_irq_init - set up @irq for the VM @vm_fd and install the default
 * routes (GSI 0-23) with KVM_SET_GSI_ROUTING. Call after
 * KVM_CREATE_IRQCHIP and before any vCPU runs.
 *
 * Returns 0 or -errno: -ENOTSUP without KVM_CAP_IRQ_ROUTING, KVM_CAP_IRQFD
 * or room for at least one MSI route, -ENOMEM, or KVM's error. On error
 * nothing is left allocated.
 */
int kvm_irq_init(struct kvm_irq *irq, int vm_fd);

/*
 * kvm_irq_destroy - free @irq's memory (KVM's objects go with the VM fd).
 * Harmless twice, or after a failed kvm_irq_init().
 */
void kvm_irq_destroy(struct kvm_irq *irq);

/*
 * kvm_irq_msi_route_add - route a new GSI to the MSI @addr/@data (as the
 * guest wrote them in an MSI-X table entry or MSI capability) and return
 * it in *@gsi.
 *
 * Returns 0 or -errno: -ENOSPC when every MSI GSI is taken, or
 * KVM_SET_GSI_ROUTING's error (-EINVAL for an address KVM refuses); on
 * error no GSI is taken.
 */
int kvm_irq_msi_route_add(struct kvm_irq *irq, uint64_t addr, uint32_t data,
			  unsigned int *gsi);

/*
 * kvm_irq_msi_route_update - point MSI route @gsi at @addr/@data (the
 * guest reprogrammed the vector). irqfds on @gsi follow at once. No ioctl
 * when nothing changes.
 *
 * Returns 0 or -errno: -ENOENT when @gsi is not an allocated MSI route, or
 * KVM_SET_GSI_ROUTING's error (the route then keeps its old target).
 */
int kvm_irq_msi_route_update(struct kvm_irq *irq, unsigned int gsi,
			     uint64_t addr, uint32_t data);

/*
 * kvm_irq_route_free - release MSI route @gsi; its GSI may be handed out
 * again.
 *
 * Returns 0 or -errno: -EINVAL for an irqchip GSI (0-23, never freed),
 * -ENOENT when @gsi is not an allocated MSI route, -EBUSY while an irqfd
 * is assigned to it (deassign first, or a later owner of the GSI would get
 * this one's interrupts), or KVM_SET_GSI_ROUTING's error (the route then
 * stays).
 */
int kvm_irq_route_free(struct kvm_irq *irq, unsigned int gsi);

/*
 * kvm_irq_batch_begin - record route changes without committing them
 * until kvm_irq_batch_commit(). Takes @irq's lock until the matching
 * commit; batches nest (only the outermost commit sends the table).
 * Inside a batch an irqfd may only be assigned to a GSI that was routed
 * before the batch began (-EAGAIN otherwise: commit first).
 */
void kvm_irq_batch_begin(struct kvm_irq *irq);

/*
 * kvm_irq_batch_commit - end a batch; the outermost one sends the table
 * with one KVM_SET_GSI_ROUTING when anything changed.
 *
 * Returns 0 or -errno: -EINVAL without a batch open in this thread, or
 * KVM_SET_GSI_ROUTING's error, in which case every change of the batch is
 * undone (GSIs it added are free again, updates and frees reverted).
 */
int kvm_irq_batch_commit(struct kvm_irq *irq);

/*
 * kvm_irq_irqfd_assign - make a write to eventfd @fd raise GSI @gsi in the
 * kernel, without minivmm (KVM_IRQFD).
 *
 * @resample_fd < 0: edge, for an MSI route or an ISA GSI. @resample_fd an
 * eventfd: level-triggered INTx on an IOAPIC pin (@gsi < 24,
 * KVM_IRQFD_FLAG_RESAMPLE): a write to @fd asserts the pin, and the
 * guest's EOI of its vector deasserts it and signals @resample_fd, so the
 * device re-asserts if it still needs service.
 *
 * The caller keeps @fd open until kvm_irq_irqfd_deassign().
 *
 * Returns 0 or -errno: -EBADF for a negative @fd, -EINVAL for a resample
 * fd on an MSI GSI, -ENOENT when @gsi has no route, -EAGAIN inside a batch
 * that added @gsi, -EBUSY when @fd is already assigned, -ENOMEM, or
 * KVM_IRQFD's error.
 */
int kvm_irq_irqfd_assign(struct kvm_irq *irq, int fd, unsigned int gsi,
			 int resample_fd);

/*
 * kvm_irq_irqfd_deassign - undo kvm_irq_irqfd_assign(@fd, @gsi). When it
 * returns, no write to @fd raises @gsi any more (KVM flushes its work).
 *
 * Returns 0 or -errno: -ENOENT when (@fd, @gsi) is not assigned (KVM
 * itself would report success), or KVM_IRQFD's error (-EBADF when @fd was
 * closed too early), in which case the irqfd is forgotten all the same.
 */
int kvm_irq_irqfd_deassign(struct kvm_irq *irq, int fd, unsigned int gsi);

/*
 * kvm_irq_signal_msi - inject the MSI @addr/@data once (KVM_SIGNAL_MSI),
 * for a vector the guest unmasks while its pending bit is set. Needs no
 * route.
 *
 * Returns > 0 when delivered, 0 when no APIC took it (no APIC has that
 * destination, or the guest has software-disabled it), or -errno.
 */
int kvm_irq_signal_msi(struct kvm_irq *irq, uint64_t addr, uint32_t data);

#endif
