// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts of a vfio-user PCI device, wired so that the device raises
 * them without minivmm:
 * - MSI-X and MSI: one eventfd per vector, given to the device with
 *   SET_IRQS when the guest enables MSI-X/MSI. While a vector is on
 *   (enabled, unmasked) its eventfd is a KVM irqfd on an MSI route; while
 *   it is masked, minivmm's event loop watches the eventfd and latches
 *   the pending bit, which msix.c/msi.c deliver once on unmask.
 * - INTx: an eventfd as a KVM irqfd on an IOAPIC pin, level-triggered
 *   with a resample eventfd (KVM_IRQFD_FLAG_RESAMPLE) which is the
 *   device's unmask eventfd (SET_IRQS ACTION_UNMASK): the guest's EOI
 *   tells the device to raise the line again if it still needs service.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "boot/x86_layout.h"
#include "kvm_irq.h"
#include "vfio_user_priv.h"
#include "vm.h"

static const char *vud_irq_name(unsigned int index)
{
	return index == VFIO_PCI_MSIX_IRQ_INDEX ? "MSI-X" :
	       index == VFIO_PCI_MSI_IRQ_INDEX ? "MSI" : "INTx";
}

/* The event loop: a masked vector's eventfd was written by the device. */
static void vud_vector_event(struct event_source *src, uint32_t events)
{
	struct vud_vector *v = src->opaque;
	uint64_t count;

	(void)events;
	if (read(v->fd, &count, sizeof(count)) != sizeof(count))
		return;
	if (v->index == VFIO_PCI_MSIX_IRQ_INDEX)
		msix_signal(&v->dev->msix, v->nr);
	else
		msi_signal(&v->dev->msi, v->nr);
}

static void vud_vector_watch(struct vud_vector *v, bool on)
{
	struct event_loop *loop = &v->dev->vm->events;

	if (on && !v->watched)
		v->watched = !event_loop_add(loop, &v->src);
	else if (!on && v->watched) {
		event_loop_del(loop, &v->src);
		v->watched = false;
	}
}

/*
 * update(): the vector may now be sent with @msg (route it and hand its
 * eventfd to KVM) or may not (take it back and watch it ourselves).
 * Called with the msix/msi lock held, from a vCPU thread.
 */
static void vud_vector_update(struct vud_vector *v, bool on,
			      const struct msi_msg *msg)
{
	struct kvm_irq *irq = &v->dev->vm->irq;
	unsigned int gsi;
	int ret;

	if (!on) {
		if (v->irqfd)
			kvm_irq_irqfd_deassign(irq, v->fd, (unsigned int)v->gsi);
		v->irqfd = false;
		vud_vector_watch(v, true);
		return;
	}
	if (v->gsi < 0) {
		ret = kvm_irq_msi_route_add(irq, msg->addr, msg->data, &gsi);
		if (ret) {
			vud_log(v->dev, "%s vector %u: no MSI route: %s; it is delivered through minivmm",
				vud_irq_name(v->index), v->nr, strerror(-ret));
			vud_vector_watch(v, true);
			return;
		}
		v->gsi = (int)gsi;
	} else {
		ret = kvm_irq_msi_route_update(irq, (unsigned int)v->gsi,
					       msg->addr, msg->data);
		if (ret)
			vud_log(v->dev, "%s vector %u: MSI route update: %s",
				vud_irq_name(v->index), v->nr, strerror(-ret));
	}
	if (v->irqfd)
		return;
	/* Stop watching first: from now on KVM consumes the eventfd. */
	vud_vector_watch(v, false);
	ret = kvm_irq_irqfd_assign(irq, v->fd, (unsigned int)v->gsi, -1);
	if (ret) {
		vud_log(v->dev, "%s vector %u: irqfd: %s; it is delivered through minivmm",
			vud_irq_name(v->index), v->nr, strerror(-ret));
		vud_vector_watch(v, true);
		return;
	}
	v->irqfd = true;
}

static void vud_vector_deliver(struct vud_vector *v, const struct msi_msg *msg)
{
	kvm_irq_signal_msi(&v->dev->vm->irq, msg->addr, msg->data);
}

static void vud_msix_update(void *opaque, unsigned int vec, bool on,
			    const struct msi_msg *msg)
{
	struct vfio_user_dev *dev = opaque;

	vud_vector_update(&dev->msix_vec[vec], on, msg);
}

static void vud_msix_deliver(void *opaque, unsigned int vec,
			     const struct msi_msg *msg)
{
	struct vfio_user_dev *dev = opaque;

	vud_vector_deliver(&dev->msix_vec[vec], msg);
}

static void vud_msi_update(void *opaque, unsigned int vec, bool on,
			   const struct msi_msg *msg)
{
	struct vfio_user_dev *dev = opaque;

	vud_vector_update(&dev->msi_vec[vec], on, msg);
}

static void vud_msi_deliver(void *opaque, unsigned int vec,
			    const struct msi_msg *msg)
{
	struct vfio_user_dev *dev = opaque;

	vud_vector_deliver(&dev->msi_vec[vec], msg);
}

static const struct msi_notify_ops vud_msix_ops = {
	.update = vud_msix_update,
	.deliver = vud_msix_deliver,
};

static const struct msi_notify_ops vud_msi_ops = {
	.update = vud_msi_update,
	.deliver = vud_msi_deliver,
};

static int vud_vectors_create(struct vfio_user_dev *dev, struct vud_vector *v,
			      unsigned int nr, unsigned int index)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		v[i] = (struct vud_vector){ .dev = dev, .index = index, .nr = i,
					    .gsi = -1 };
		v[i].fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (v[i].fd < 0)
			return -errno;
		v[i].src = (struct event_source){ .fd = v[i].fd,
						  .fn = vud_vector_event,
						  .opaque = &v[i] };
		vud_vector_watch(&v[i], true);
	}
	return 0;
}

static void vud_vectors_destroy(struct vfio_user_dev *dev, struct vud_vector *v,
				unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (!v[i].dev)
			continue;
		if (v[i].irqfd)
			kvm_irq_irqfd_deassign(&dev->vm->irq, v[i].fd,
					       (unsigned int)v[i].gsi);
		v[i].irqfd = false;
		vud_vector_watch(&v[i], false);
		if (v[i].gsi >= 0)
			kvm_irq_route_free(&dev->vm->irq, (unsigned int)v[i].gsi);
		if (v[i].fd >= 0)
			close(v[i].fd);
		v[i].fd = -1;
		v[i].dev = NULL;
	}
}

/* Hand the vectors' eventfds to the device, or take them all back. */
static void vud_set_vectors(struct vfio_user_dev *dev, unsigned int index,
			    struct vud_vector *v, unsigned int nr, bool enable,
			    bool *is_set)
{
	int *fds, ret;
	unsigned int i;

	if (enable == *is_set || atomic_load(&dev->dead))
		return;
	if (!enable) {
		ret = vu_client_set_irqs_eventfd(dev->client, index, 0, 0, NULL);
		*is_set = false;
		if (ret && ret != -ENOTCONN)
			vud_log(dev, "SET_IRQS disabling %s: %s",
				vud_irq_name(index), strerror(-ret));
		return;
	}
	fds = calloc(nr, sizeof(*fds));
	if (!fds)
		return;
	for (i = 0; i < nr; i++)
		fds[i] = v[i].fd;
	ret = vu_client_set_irqs_eventfd(dev->client, index, 0, nr, fds);
	free(fds);
	if (ret) {
		if (ret != -ENOTCONN)
			vud_log(dev, "SET_IRQS with %u %s eventfds: %s; the device cannot interrupt",
				nr, vud_irq_name(index), strerror(-ret));
		return;
	}
	*is_set = true;
}

int vud_msix_cap_read(struct vfio_user_dev *dev, unsigned int off,
		      uint8_t *data, unsigned int size)
{
	return msix_cap_read(&dev->msix, off, data, size);
}

void vud_msix_cap_write(struct vfio_user_dev *dev, unsigned int off,
			const uint8_t *data, unsigned int size)
{
	uint8_t ctrl[2] = { 0, 0 };

	msix_cap_write(&dev->msix, off, data, size);
	msix_cap_read(&dev->msix, PCI_MSIX_FLAGS, ctrl, 2);
	vud_set_vectors(dev, VFIO_PCI_MSIX_IRQ_INDEX, dev->msix_vec,
			dev->nr_msix, !!(ctrl[1] & (PCI_MSIX_FLAGS_ENABLE >> 8)),
			&dev->msix_irqs_set);
}

int vud_msi_cap_read(struct vfio_user_dev *dev, unsigned int off,
		     uint8_t *data, unsigned int size)
{
	return msi_cap_read(&dev->msi, off, data, size);
}

void vud_msi_cap_write(struct vfio_user_dev *dev, unsigned int off,
		       const uint8_t *data, unsigned int size)
{
	uint8_t ctrl[2] = { 0, 0 };

	msi_cap_write(&dev->msi, off, data, size);
	msi_cap_read(&dev->msi, PCI_MSI_FLAGS, ctrl, 2);
	vud_set_vectors(dev, VFIO_PCI_MSI_IRQ_INDEX, dev->msi_vec, dev->nr_msi,
			!!(ctrl[0] & PCI_MSI_FLAGS_ENABLE), &dev->msi_irqs_set);
}

static int vud_msix_init(struct vfio_user_dev *dev)
{
	struct vfio_user_irq_info info;
	int ret;

	ret = vu_client_irq_info(dev->client, VFIO_PCI_MSIX_IRQ_INDEX, &info);
	if (ret || !info.count) {
		vud_log(dev, "has an MSI-X capability but no MSI-X IRQs (%s); MSI-X left out",
			ret ? strerror(-ret) : "count 0");
		dev->msix_cap = 0;
		return 0;
	}
	if (info.count < dev->nr_msix) {
		vud_log(dev, "MSI-X table has %u entries but the device offers %u vectors; using %u",
			dev->nr_msix, info.count, info.count);
		dev->nr_msix = info.count;
	}
	dev->msix_vec = calloc(dev->nr_msix, sizeof(*dev->msix_vec));
	if (!dev->msix_vec)
		return -ENOMEM;
	ret = vud_vectors_create(dev, dev->msix_vec, dev->nr_msix,
				 VFIO_PCI_MSIX_IRQ_INDEX);
	if (!ret)
		ret = msix_init(&dev->msix, dev->nr_msix, &vud_msix_ops, dev);
	if (ret) {
		vud_log(dev, "MSI-X set-up: %s", strerror(-ret));
		return ret;
	}
	dev->msix_ready = true;
	return 0;
}

static int vud_msi_init(struct vfio_user_dev *dev)
{
	struct vfio_user_irq_info info;
	uint16_t ctrl;
	int ret;

	ret = vu_client_irq_info(dev->client, VFIO_PCI_MSI_IRQ_INDEX, &info);
	if (ret || !info.count) {
		dev->msi_cap = 0;
		return 0;
	}
	ret = vud_config_read_dev(dev, dev->msi_cap + PCI_MSI_FLAGS, &ctrl, 2);
	if (ret)
		return ret;
	/* The guest sees only as many vectors as IRQ_INFO gives eventfds
	 * for: a capability that claims more would let it enable vectors
	 * that were never created. */
	ctrl = msi_ctrl_for_vectors(ctrl, info.count, &dev->nr_msi);
	ret = vud_vectors_create(dev, dev->msi_vec, dev->nr_msi,
				 VFIO_PCI_MSI_IRQ_INDEX);
	if (!ret)
		ret = msi_init(&dev->msi, ctrl, &vud_msi_ops, dev);
	if (ret) {
		vud_log(dev, "MSI set-up: %s", strerror(-ret));
		return ret;
	}
	dev->msi_ready = true;
	return 0;
}

/*
 * INTx: slot s, pin p goes to IOAPIC pin 16 + (s + p - 1) % 8, the usual
 * swizzle, so that neighbouring devices do not share a line.
 */
static int vud_intx_init(struct vfio_user_dev *dev, unsigned int slot)
{
	struct vfio_user_irq_info info;
	struct kvm_irq *irq = &dev->vm->irq;
	int ret;

	if (!dev->intx_pin)
		return 0;
	ret = vu_client_irq_info(dev->client, VFIO_PCI_INTX_IRQ_INDEX, &info);
	if (ret || !info.count) {
		vud_log(dev, "interrupt pin %c but no INTx IRQ (%s); INTx left out",
			'A' + dev->intx_pin - 1, ret ? strerror(-ret) : "count 0");
		dev->intx_pin = 0;
		return 0;
	}
	dev->intx_fd = eventfd(0, EFD_CLOEXEC);
	dev->intx_resample_fd = eventfd(0, EFD_CLOEXEC);
	if (dev->intx_fd < 0 || dev->intx_resample_fd < 0)
		return -errno;
	dev->intx_gsi = X86_IOAPIC_PCI_PIN_FIRST +
			(slot + dev->intx_pin - 1) % (X86_IOAPIC_NR_PINS - X86_IOAPIC_PCI_PIN_FIRST);
	dev->intx_line = (uint8_t)dev->intx_gsi;
	ret = kvm_irq_irqfd_assign(irq, dev->intx_fd, dev->intx_gsi,
				   dev->intx_resample_fd);
	if (ret) {
		vud_log(dev, "INTx irqfd on IOAPIC pin %u: %s", dev->intx_gsi,
			strerror(-ret));
		return ret;
	}
	dev->intx_irqfd = true;
	ret = vu_client_set_irqs(dev->client, VFIO_PCI_INTX_IRQ_INDEX,
				 VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
				 0, 1, NULL, &dev->intx_fd);
	if (ret) {
		vud_log(dev, "SET_IRQS for INTx: %s", strerror(-ret));
		return ret;
	}
	ret = vu_client_set_irqs(dev->client, VFIO_PCI_INTX_IRQ_INDEX,
				 VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK,
				 0, 1, NULL, &dev->intx_resample_fd);
	if (ret && ret != -ENOTCONN)
		vud_log(dev, "does not take an INTx unmask eventfd (%s): after the guest's EOI it must raise INTx again by itself",
			strerror(-ret));
	return 0;
}

int vud_irqs_init(struct vfio_user_dev *dev)
{
	int ret = 0;

	if (dev->msix_cap)
		ret = vud_msix_init(dev);
	if (!ret && dev->msi_cap)
		ret = vud_msi_init(dev);
	if (!ret)
		ret = vud_intx_init(dev, dev->pci.slot);
	return ret;
}

/*
 * A function-level reset: MSI-X and MSI go back to disabled. The device
 * keeps the eventfds it was given across DEVICE_RESET (as VFIO does), so
 * take them back first, or it would go on signalling MSI-X.
 */
void vud_irqs_reset(struct vfio_user_dev *dev)
{
	vud_set_vectors(dev, VFIO_PCI_MSIX_IRQ_INDEX, dev->msix_vec,
			dev->nr_msix, false, &dev->msix_irqs_set);
	vud_set_vectors(dev, VFIO_PCI_MSI_IRQ_INDEX, dev->msi_vec, dev->nr_msi,
			false, &dev->msi_irqs_set);
	if (dev->msix_ready)
		msix_reset(&dev->msix);
	if (dev->msi_ready)
		msi_reset(&dev->msi);
}

void vud_irqs_release(struct vfio_user_dev *dev)
{
	/* Vectors first: they leave the event loop before msix/msi go. */
	if (dev->msix_vec)
		vud_vectors_destroy(dev, dev->msix_vec, dev->nr_msix);
	free(dev->msix_vec);
	dev->msix_vec = NULL;
	vud_vectors_destroy(dev, dev->msi_vec, MSI_MAX_VECTORS);
	if (dev->msix_ready)
		msix_destroy(&dev->msix);
	dev->msix_ready = false;
	if (dev->msi_ready)
		msi_destroy(&dev->msi);
	dev->msi_ready = false;
	if (dev->intx_irqfd)
		kvm_irq_irqfd_deassign(&dev->vm->irq, dev->intx_fd, dev->intx_gsi);
	dev->intx_irqfd = false;
	if (dev->intx_fd >= 0)
		close(dev->intx_fd);
	if (dev->intx_resample_fd >= 0)
		close(dev->intx_resample_fd);
	dev->intx_fd = dev->intx_resample_fd = -1;
}
