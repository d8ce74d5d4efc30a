// SPDX-License-Identifier: GPL-2.0-only
/*
 * GSI routing table, irqfds and KVM_SIGNAL_MSI. See kvm_irq.h for the
 * contract; Documentation/virt/kvm/api.rst (KVM_SET_GSI_ROUTING, KVM_IRQFD,
 * KVM_SIGNAL_MSI) for KVM's side.
 */
#include "kvm_irq.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

/*
 * KVM's default table (arch/x86/kvm, "default_routing"): GSI 0-15 go to
 * the IOAPIC pin and the PIC pin of the same number, 16-23 to the IOAPIC.
 */
#define KVM_IRQ_PIC_GSIS	16
#define KVM_IRQ_NR_DEFAULT	(KVM_IRQ_PIC_GSIS + X86_IOAPIC_NR_PINS)

static unsigned int fill_default_routes(struct kvm_irq_routing_entry *e)
{
	unsigned int gsi, n = 0;

	for (gsi = 0; gsi < X86_IOAPIC_NR_PINS; gsi++) {
		e[n++] = (struct kvm_irq_routing_entry){
			.gsi = gsi,
			.type = KVM_IRQ_ROUTING_IRQCHIP,
			.u.irqchip = { .irqchip = KVM_IRQCHIP_IOAPIC, .pin = gsi },
		};
		if (gsi >= KVM_IRQ_PIC_GSIS)
			continue;
		e[n++] = (struct kvm_irq_routing_entry){
			.gsi = gsi,
			.type = KVM_IRQ_ROUTING_IRQCHIP,
			.u.irqchip = {
				.irqchip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER :
						     KVM_IRQCHIP_PIC_SLAVE,
				.pin = gsi % 8,
			},
		};
	}
	return n;
}

/* Send the whole table to KVM. Called with the lock held. */
static int commit_table(struct kvm_irq *irq)
{
	struct kvm_irq_routing_entry *e = irq->table->entries;
	unsigned int i, n;

	n = fill_default_routes(e);
	for (i = 0; i < irq->nr_msi; i++) {
		const struct kvm_irq_msi_route *r = &irq->msi[i];

		if (!r->used)
			continue;
		e[n++] = (struct kvm_irq_routing_entry){
			.gsi = KVM_IRQ_MSI_GSI_FIRST + i,
			.type = KVM_IRQ_ROUTING_MSI,
			.u.msi = {
				.address_lo = (uint32_t)r->addr,
				.address_hi = (uint32_t)(r->addr >> 32),
				.data = r->data,
			},
		};
	}
	irq->table->nr = n;
	irq->table->flags = 0;
	if (ioctl(irq->vm_fd, KVM_SET_GSI_ROUTING, irq->table) < 0)
		return -errno;
	irq->dirty = false;
	return 0;
}

/*
 * Commit a change unless a batch is open. On failure the caller reverts
 * its change; the table is then what KVM has again.
 */
static int commit_unless_batch(struct kvm_irq *irq)
{
	int ret;

	irq->dirty = true;
	if (irq->batch_depth)
		return 0;
	ret = commit_table(irq);
	if (ret)
		irq->dirty = false;	/* the caller reverts */
	return ret;
}

/* The MSI route of @gsi, or NULL when @gsi is not an allocated one. */
static struct kvm_irq_msi_route *msi_route(struct kvm_irq *irq,
					   unsigned int gsi)
{
	struct kvm_irq_msi_route *r;

	if (gsi < KVM_IRQ_MSI_GSI_FIRST ||
	    gsi - KVM_IRQ_MSI_GSI_FIRST >= irq->nr_msi)
		return NULL;
	r = &irq->msi[gsi - KVM_IRQ_MSI_GSI_FIRST];
	return r->used ? r : NULL;
}

static struct kvm_irq_irqfd *find_irqfd(struct kvm_irq *irq, int fd,
					unsigned int gsi)
{
	unsigned int i;

	for (i = 0; i < irq->nr_irqfds; i++) {
		if (irq->irqfds[i].fd == fd && irq->irqfds[i].gsi == gsi)
			return &irq->irqfds[i];
	}
	return NULL;
}

static bool gsi_has_irqfd(struct kvm_irq *irq, unsigned int gsi)
{
	unsigned int i;

	for (i = 0; i < irq->nr_irqfds; i++) {
		if (irq->irqfds[i].gsi == gsi)
			return true;
	}
	return false;
}

int kvm_irq_init(struct kvm_irq *irq, int vm_fd)
{
	pthread_mutexattr_t attr;
	unsigned int max_routes;
	int ret;

	memset(irq, 0, sizeof(*irq));
	irq->vm_fd = vm_fd;

	if (ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD) <= 0)
		return -ENOTSUP;
	/*
	 * KVM_CAP_IRQ_ROUTING is KVM_MAX_IRQ_ROUTES: the most entries a table
	 * may have, and one more than the highest GSI. The default routes
	 * take KVM_IRQ_NR_DEFAULT entries; each MSI route one entry and one
	 * GSI above 23, which stays below the limit.
	 */
	ret = ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_ROUTING);
	if (ret <= KVM_IRQ_NR_DEFAULT)
		return ret < 0 ? -errno : -ENOTSUP;
	max_routes = (unsigned int)ret;
	irq->nr_msi = max_routes - KVM_IRQ_NR_DEFAULT;

	irq->msi = calloc(irq->nr_msi, sizeof(*irq->msi));
	irq->saved = calloc(irq->nr_msi, sizeof(*irq->saved));
	irq->table = calloc(1, sizeof(*irq->table) +
			    max_routes * sizeof(irq->table->entries[0]));
	if (!irq->msi || !irq->saved || !irq->table) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = commit_table(irq);
	if (ret)
		goto fail;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&irq->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return 0;
fail:
	free(irq->msi);
	free(irq->saved);
	free(irq->table);
	memset(irq, 0, sizeof(*irq));
	irq->vm_fd = -1;
	return ret;
}

void kvm_irq_destroy(struct kvm_irq *irq)
{
	if (!irq->table)
		return;
	pthread_mutex_destroy(&irq->lock);
	free(irq->msi);
	free(irq->saved);
	free(irq->table);
	free(irq->irqfds);
	memset(irq, 0, sizeof(*irq));
	irq->vm_fd = -1;
}

int kvm_irq_msi_route_add(struct kvm_irq *irq, uint64_t addr, uint32_t data,
			  unsigned int *gsi)
{
	struct kvm_irq_msi_route *r = NULL;
	unsigned int i;
	int ret;

	pthread_mutex_lock(&irq->lock);
	for (i = 0; i < irq->nr_msi; i++) {
		if (!irq->msi[i].used) {
			r = &irq->msi[i];
			break;
		}
	}
	if (!r) {
		ret = -ENOSPC;
		goto out;
	}
	*r = (struct kvm_irq_msi_route){ .addr = addr, .data = data,
					 .used = true };
	ret = commit_unless_batch(irq);
	if (ret) {
		r->used = false;
		goto out;
	}
	*gsi = KVM_IRQ_MSI_GSI_FIRST + i;
out:
	pthread_mutex_unlock(&irq->lock);
	return ret;
}

int kvm_irq_msi_route_update(struct kvm_irq *irq, unsigned int gsi,
			     uint64_t addr, uint32_t data)
{
	struct kvm_irq_msi_route *r, old;
	int ret = 0;

	pthread_mutex_lock(&irq->lock);
	r = msi_route(irq, gsi);
	if (!r) {
		ret = -ENOENT;
		goto out;
	}
	if (r->addr == addr && r->data == data)
		goto out;
	old = *r;
	r->addr = addr;
	r->data = data;
	ret = commit_unless_batch(irq);
	if (ret)
		*r = old;
out:
	pthread_mutex_unlock(&irq->lock);
	return ret;
}

int kvm_irq_route_free(struct kvm_irq *irq, unsigned int gsi)
{
	struct kvm_irq_msi_route *r;
	int ret;

	if (gsi < KVM_IRQ_MSI_GSI_FIRST)
		return -EINVAL;
	pthread_mutex_lock(&irq->lock);
	r = msi_route(irq, gsi);
	if (!r) {
		ret = -ENOENT;
		goto out;
	}
	if (gsi_has_irqfd(irq, gsi)) {
		ret = -EBUSY;
		goto out;
	}
	r->used = false;
	ret = commit_unless_batch(irq);
	if (ret)
		r->used = true;
out:
	pthread_mutex_unlock(&irq->lock);
	return ret;
}

void kvm_irq_batch_begin(struct kvm_irq *irq)
{
	pthread_mutex_lock(&irq->lock);
	if (irq->batch_depth++ == 0)
		memcpy(irq->saved, irq->msi, irq->nr_msi * sizeof(*irq->msi));
	/* The lock stays held until the matching kvm_irq_batch_commit(). */
}

int kvm_irq_batch_commit(struct kvm_irq *irq)
{
	int ret = 0;

	/* Recursive lock: succeeds at once in the thread holding the batch. */
	pthread_mutex_lock(&irq->lock);
	if (!irq->batch_depth) {
		pthread_mutex_unlock(&irq->lock);
		return -EINVAL;
	}
	if (--irq->batch_depth == 0 && irq->dirty) {
		ret = commit_table(irq);
		if (ret) {
			memcpy(irq->msi, irq->saved,
			       irq->nr_msi * sizeof(*irq->msi));
			irq->dirty = false;
		}
	}
	pthread_mutex_unlock(&irq->lock);	/* this call's */
	pthread_mutex_unlock(&irq->lock);	/* kvm_irq_batch_begin()'s */
	return ret;
}

int kvm_irq_irqfd_assign(struct kvm_irq *irq, int fd, unsigned int gsi,
			 int resample_fd)
{
	struct kvm_irqfd req = { .fd = (uint32_t)fd, .gsi = gsi };
	unsigned int i;
	int ret = 0;

	if (fd < 0)
		return -EBADF;
	/* Resampling is the IOAPIC's EOI of a level-triggered pin. */
	if (resample_fd >= 0 && gsi >= X86_IOAPIC_NR_PINS)
		return -EINVAL;

	pthread_mutex_lock(&irq->lock);
	if (gsi >= X86_IOAPIC_NR_PINS) {
		if (!msi_route(irq, gsi)) {
			ret = -ENOENT;
			goto out;
		}
		/* A rolled-back batch would leave the irqfd on no route. */
		if (irq->batch_depth &&
		    !irq->saved[gsi - KVM_IRQ_MSI_GSI_FIRST].used) {
			ret = -EAGAIN;
			goto out;
		}
	}
	for (i = 0; i < irq->nr_irqfds; i++) {
		if (irq->irqfds[i].fd == fd) {
			ret = -EBUSY;
			goto out;
		}
	}
	if (irq->nr_irqfds == irq->max_irqfds) {
		unsigned int n = irq->max_irqfds ? irq->max_irqfds * 2 : 16;
		struct kvm_irq_irqfd *p;

		p = realloc(irq->irqfds, n * sizeof(*p));
		if (!p) {
			ret = -ENOMEM;
			goto out;
		}
		irq->irqfds = p;
		irq->max_irqfds = n;
	}
	if (resample_fd >= 0) {
		req.flags = KVM_IRQFD_FLAG_RESAMPLE;
		req.resamplefd = (uint32_t)resample_fd;
	}
	if (ioctl(irq->vm_fd, KVM_IRQFD, &req) < 0) {
		ret = -errno;
		goto out;
	}
	irq->irqfds[irq->nr_irqfds++] = (struct kvm_irq_irqfd){
		.fd = fd, .gsi = gsi,
		.resample_fd = resample_fd >= 0 ? resample_fd : -1,
	};
out:
	pthread_mutex_unlock(&irq->lock);
	return ret;
}

int kvm_irq_irqfd_deassign(struct kvm_irq *irq, int fd, unsigned int gsi)
{
	struct kvm_irqfd req = {
		.fd = (uint32_t)fd,
		.gsi = gsi,
		.flags = KVM_IRQFD_FLAG_DEASSIGN,
	};
	struct kvm_irq_irqfd *f;
	int ret = 0;

	pthread_mutex_lock(&irq->lock);
	f = find_irqfd(irq, fd, gsi);
	if (!f) {
		ret = -ENOENT;
		goto out;
	}
	if (ioctl(irq->vm_fd, KVM_IRQFD, &req) < 0)
		ret = -errno;
	*f = irq->irqfds[--irq->nr_irqfds];
out:
	pthread_mutex_unlock(&irq->lock);
	return ret;
}

int kvm_irq_signal_msi(struct kvm_irq *irq, uint64_t addr, uint32_t data)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)addr,
		.address_hi = (uint32_t)(addr >> 32),
		.data = data,
	};
	int ret = ioctl(irq->vm_fd, KVM_SIGNAL_MSI, &msi);

	return ret < 0 ? -errno : ret;
}
