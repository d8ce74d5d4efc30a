/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_MSI_H
#define MINIVMM_MSI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The MSI capability of a device, emulated by minivmm (PCI Local Bus spec
 * 3.0, 6.8.1): Message Control (enable, multiple message capable/enable,
 * 64-bit and per-vector masking capable), Message Address (and Upper
 * Address), Message Data, and with per-vector masking the Mask and Pending
 * bits. The owner turns each vector into a KVM MSI route and irqfd; this
 * module tells it when to, and latches interrupts the device raises while
 * a vector is masked.
 *
 * struct msi_msg and struct msi_notify_ops are shared with MSI-X (msix.h).
 */

/* One message: what the function writes, where, to raise a vector. */
struct msi_msg {
	uint64_t addr;
	uint32_t data;
};

/*
 * What the owner is told. Both callbacks run on the thread that called
 * into the module, with the module's lock held, in the order the state
 * changed: they must not call back into the same struct msi / msix, and
 * whatever lock they take must never be held while calling into it.
 */
struct msi_notify_ops {
	/*
	 * Vector @vec's effective state changed. @on: the function may now
	 * send it, with message @msg: route it (or re-route it when only the
	 * message changed). !@on (@msg NULL): it may not, unroute it; from
	 * now on what the device raises for it goes to *_signal().
	 */
	void (*update)(void *opaque, unsigned int vec, bool on,
		       const struct msi_msg *msg);
	/*
	 * Send @vec's message @msg once, now (e.g. KVM_SIGNAL_MSI): it was
	 * raised while masked and has just been unmasked (its pending bit is
	 * already clear), or it was raised through *_signal() while on. Comes
	 * after the update() that turned the vector on.
	 */
	void (*deliver)(void *opaque, unsigned int vec,
			const struct msi_msg *msg);
};

/* What became of an interrupt the device raised. */
enum msi_signal_result {
	MSI_SIGNAL_DELIVERED,	/* the vector was on: deliver() was called */
	MSI_SIGNAL_PENDING,	/* masked: its pending bit is now set */
	MSI_SIGNAL_DROPPED,	/* disabled, or not allocated: lost, as on hardware */
};

#define MSI_MAX_VECTORS		32

struct msi {
	pthread_mutex_t lock;
	const struct msi_notify_ops *ops;
	void *opaque;
	uint16_t ctrl;		/* capability bits and what the guest wrote */
	uint32_t addr_lo;
	uint32_t addr_hi;
	uint16_t data;
	uint32_t mask;
	uint32_t pending;
	uint32_t on;		/* vectors last reported on */
	struct msi_msg msg[MSI_MAX_VECTORS];	/* ... with these messages */
};

/*
 * msi_init - emulate an MSI capability with the features the device
 * reports in its own Message Control word @dev_ctrl: Multiple Message
 * Capable (bits 3:1, at most 32 vectors), 64-bit address capable (bit 7)
 * and per-vector masking capable (bit 8); other bits are ignored. Starts
 * in the reset state (6.8.1: disabled, one vector, all registers and
 * masks 0). @ops may be NULL for no notifications.
 *
 * Returns 0, -EINVAL when Multiple Message Capable is a reserved value
 * (110 or 111), or a negative errno from pthread_mutex_init().
 */
int msi_init(struct msi *m, uint16_t dev_ctrl,
	     const struct msi_notify_ops *ops, void *opaque);

/*
 * msi_ctrl_for_vectors - the Message Control word to emulate for a device
 * whose capability says @dev_ctrl but that has only @nr_vectors vectors
 * (what its IRQ info counts): Multiple Message Capable lowered to the
 * largest power of two not above @nr_vectors, so that no guest can
 * enable a vector the device lacks. *@nr_usable is that power of two
 * (0 when @nr_vectors is 0). A reserved Multiple Message Capable value
 * (above 32 vectors) is returned as it is, for msi_init() to refuse.
 */
uint16_t msi_ctrl_for_vectors(uint16_t dev_ctrl, unsigned int nr_vectors,
			      unsigned int *nr_usable);
void msi_destroy(struct msi *m);

/*
 * msi_cap_size - bytes the capability occupies from its ID byte: 10, 14,
 * 20 or 24 (32/64-bit, without/with per-vector masking).
 */
unsigned int msi_cap_size(const struct msi *m);

/*
 * msi_cap_read - read @size bytes (1, 2 or 4, naturally aligned) at @off
 * from the start of the capability. Bytes 2 to msi_cap_size() - 1 are
 * emulated here; the others (capability ID, next pointer, whatever
 * follows the capability) are left alone in @data for the caller to fill.
 *
 * Returns a mask of the bytes of @data filled (bit i for data[i]), or
 * -EINVAL for a bad size or alignment.
 */
int msi_cap_read(struct msi *m, unsigned int off, uint8_t *data,
		 unsigned int size);

/*
 * msi_cap_write - the guest wrote @size bytes (1, 2 or 4, naturally
 * aligned) at @off from the start of the capability. Takes the bytes this
 * module emulates (as msi_cap_read()) into the registers; read-only and
 * reserved bits keep their value. A Multiple Message Enable above Multiple
 * Message Capable is clamped to it (6.8.1 forbids it; QEMU clamps too).
 * Vectors whose effective state changed are reported through @ops, each
 * followed by deliver() if it was pending and is now unmasked.
 *
 * Returns the mask of bytes taken, or -EINVAL for a bad size or alignment.
 */
int msi_cap_write(struct msi *m, unsigned int off, const uint8_t *data,
		  unsigned int size);

/*
 * msi_signal - the device raised vector @vec (0-31). On (enabled, @vec
 * below the number of vectors enabled, and not masked): deliver() with
 * the vector's message, whose data is Message Data with its low n bits
 * replaced by @vec when 2^n vectors are enabled (6.8.1, Message Data).
 * Masked: its pending bit is set, to be delivered once when unmasked.
 * Otherwise dropped.
 *
 * Returns an enum msi_signal_result, or -EINVAL for @vec >= 32.
 */
int msi_signal(struct msi *m, unsigned int vec);

/*
 * msi_clear_pending - the device no longer needs vector @vec serviced
 * (6.8.1, Pending Bits): clear its pending bit. Returns 0 or -EINVAL.
 */
int msi_clear_pending(struct msi *m, unsigned int vec);

/*
 * msi_vector - whether vector @vec is on now; when it is and @msg is not
 * NULL, its message.
 */
bool msi_vector(struct msi *m, unsigned int vec, struct msi_msg *msg);

/*
 * msi_reset - back to the reset state (function reset); vectors that were
 * on are reported off. Pending bits are cleared.
 */
void msi_reset(struct msi *m);

#endif
