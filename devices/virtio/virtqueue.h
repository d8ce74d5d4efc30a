/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_VIRTIO_VIRTQUEUE_H
#define MINIVMM_DEVICES_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/vu_why.h"

/*
 * The device side of a split virtqueue (VIRTIO 1.2 §2.7), for a device
 * that does not trust its driver. Everything the driver wrote -- ring
 * addresses, avail index, ring entries, descriptors, indirect tables --
 * is read once into local copies and checked before it is used:
 *
 * - rings: queue size a power of two (1..32768), desc/avail/used aligned
 *   to 16/2/4 bytes (§2.7), each ring wholly in memory the device may
 *   read (descriptor table, avail ring) or write (used ring);
 * - avail idx: at most the queue size ahead of the entries taken
 *   (§2.7.6: the driver cannot make more buffers available than there
 *   are descriptors); head index below the queue size;
 * - descriptors: every buffer wholly in memory with the right direction
 *   (device-writable buffers writable), NEXT below the table size, at
 *   most as many descriptors as the table holds (a longer chain is a
 *   loop), device-readable ones before device-writable ones (§2.7.4.2),
 *   a total length above 0 and at most the queue's byte limit, at most
 *   max_segs descriptors with data;
 * - indirect tables (§2.7.5.3): only with VIRTIO_RING_F_INDIRECT_DESC
 *   negotiated, without NEXT (so after zero or more direct descriptors
 *   it ends the chain in its table), a length that is a non-zero
 *   multiple of 16 of at most max_segs entries, no indirect descriptor
 *   inside one; the WRITE flag of the descriptor naming the table is
 *   ignored.
 *
 * A violation is a "guest error" (virtq_is_guest_error()): the caller
 * marks the queue broken (the transport sets DEVICE_NEEDS_RESET) and
 * stops using it until a reset; @why says what was wrong. Zero-length
 * descriptors inside a chain are accepted and skipped.
 *
 * Notification suppression (§2.7.7, §2.7.10): without EVENT_IDX the
 * device interrupts unless VIRTQ_AVAIL_F_NO_INTERRUPT is set, and never
 * sets VIRTQ_USED_F_NO_NOTIFY; with EVENT_IDX it interrupts when used
 * idx passes used_event and publishes avail_event (the next entry it
 * will take) whenever it finds the ring empty.
 *
 * Memory barriers (§2.7.13): the avail idx is loaded with acquire before
 * ring entries and descriptors are read; used entries are written before
 * the used idx is stored with release; a full fence separates that store
 * from reading used_event/flags, and the avail_event store from the
 * re-read of avail idx. The memory callbacks make 2- and 4-byte naturally
 * aligned accesses single loads and stores.
 *
 * A struct virtq is used by one thread at a time (the caller's lock).
 */

/* How the device reaches the driver's memory. */
struct virtq_mem_ops {
	/*
	 * 0 when every byte of [@iova, @iova + @len) may be read by the
	 * device (@dev_writes false) or written (@dev_writes true);
	 * -EFAULT (not mapped, or wraps) or -EACCES (permission) else.
	 */
	int (*check)(void *opaque, uint64_t iova, uint64_t len,
		     bool dev_writes);
	/*
	 * Copy @len bytes at @iova to/from @buf. Returns 0, -EFAULT or
	 * -EACCES (a guest error), or another negative errno (the memory
	 * could not be reached: e.g. -ENOTCONN, the client went away). An
	 * access of 2 or 4 bytes at an address aligned to its size is one
	 * atomic load (acquire) or store (release).
	 */
	int (*read)(void *opaque, uint64_t iova, void *buf, uint64_t len);
	int (*write)(void *opaque, uint64_t iova, const void *buf,
		     uint64_t len);
};

/* One buffer of a chain. */
struct virtq_seg {
	uint64_t addr;
	uint32_t len;
};

/*
 * A descriptor chain taken from the avail ring: segs[0, nr_out) are
 * device-readable ("out", the driver's request), segs[nr_out, nr_out +
 * nr_in) device-writable ("in", room for the answer). Zero-length
 * descriptors are not listed.
 */
struct virtq_elem {
	uint16_t head;		/* the id to give back in the used ring */
	uint32_t nr_out, nr_in;
	uint64_t out_len, in_len;	/* bytes in each direction */
	uint32_t cap;		/* room in segs */
	struct virtq_seg *segs;
};

struct virtq {
	const struct virtq_mem_ops *ops;
	void *opaque;
	uint16_t size;
	uint64_t desc, avail, used;
	bool event_idx, indirect;	/* negotiated features */
	uint32_t max_segs;		/* descriptors with data per chain */
	uint64_t max_bytes;		/* bytes per chain */
	uint16_t last_avail;		/* the next avail entry to take */
	uint16_t used_idx;		/* the next used entry to fill */
	uint16_t signalled_used;	/* used idx at the last check */
};

/* The largest queue size of a split virtqueue (§2.7). */
#define VIRTQ_MAX_SIZE	32768

/* Bytes of each ring part for a queue of @size entries (§2.7). */
#define VIRTQ_DESC_BYTES(size)	(16ull * (size))
#define VIRTQ_AVAIL_BYTES(size)	(6ull + 2ull * (size))
#define VIRTQ_USED_BYTES(size)	(6ull + 8ull * (size))

/*
 * virtq_setup - start @vq on the rings at @desc/@avail/@used for a queue
 * of @size entries with the negotiated @features (VIRTIO_RING_F_*
 * bits are looked at), chains of at most @max_segs descriptors with data
 * (0: @size) and @max_bytes bytes (0: no limit besides the memory).
 * Indices start at 0 (a new queue). Returns 0, or -EINVAL (size or
 * alignment), -EFAULT/-EACCES (a ring outside memory) with @why set.
 */
int virtq_setup(struct virtq *vq, const struct virtq_mem_ops *ops,
		void *opaque, uint16_t size, uint64_t desc, uint64_t avail,
		uint64_t used, uint64_t features, uint32_t max_segs,
		uint64_t max_bytes, struct vu_why *why);

/*
 * virtq_elem_init - room for chains of @cap descriptors (the queue's
 * max_segs). Returns 0 or -ENOMEM. virtq_elem_free() releases it.
 */
int virtq_elem_init(struct virtq_elem *e, uint32_t cap);
void virtq_elem_free(struct virtq_elem *e);

/*
 * virtq_pop - take the next available chain into @e (its cap at least
 * the queue's max_segs). Returns 1 with @e filled, 0 when the ring is
 * empty (with EVENT_IDX, avail_event is then published), or a negative
 * errno: a guest error (see above; @why says which rule) or a memory
 * error that is not the guest's (nothing was taken).
 */
int virtq_pop(struct virtq *vq, struct virtq_elem *e, struct vu_why *why);

/*
 * virtq_push - give @e back through the used ring with @len bytes
 * written into its device-writable part (clamped to in_len). Returns 0
 * or the memory error.
 */
int virtq_push(struct virtq *vq, const struct virtq_elem *e, uint32_t len,
	       struct vu_why *why);

/*
 * virtq_need_notify - after one or more pushes: whether the driver wants
 * an interrupt now (§2.7.7.2, §2.7.10). Returns 0 with *@notify, or the
 * memory error.
 */
int virtq_need_notify(struct virtq *vq, bool *notify, struct vu_why *why);

/*
 * virtq_read / virtq_write - copy @len bytes at byte @off of the chain's
 * device-readable part into @buf / of @buf into its device-writable part.
 * Returns 0, -ERANGE when [@off, @off + @len) is beyond that part, or a
 * memory error.
 */
int virtq_read(struct virtq *vq, const struct virtq_elem *e, uint64_t off,
	       void *buf, uint64_t len);
int virtq_write(struct virtq *vq, const struct virtq_elem *e, uint64_t off,
		const void *buf, uint64_t len);

/*
 * Whether @err (negative) means the driver broke the rules: -EBADMSG (a
 * ring rule above), -EFAULT/-EACCES (memory it named is not there).
 */
bool virtq_is_guest_error(int err);

#endif
