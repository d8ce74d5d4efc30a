/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_MSIX_H
#define MINIVMM_MSIX_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/msi.h"

/*
 * MSI-X of a device, emulated by minivmm (PCI Local Bus spec 3.0, 6.8.2):
 * the Message Control word of the capability (MSI-X Enable, Function Mask,
 * Table Size), the MSI-X Table and the Pending Bit Array. The table and
 * PBA live in the device's BARs, but minivmm always traps them; the owner
 * passes accesses in with offsets from the start of the table or PBA.
 *
 * A vector is on when MSI-X is enabled, the function is not masked and the
 * vector's own Mask bit is clear; the owner hears of every change of that
 * state and of an on vector's message through struct msi_notify_ops (see
 * msi.h for the rules the callbacks follow), and routes or unroutes the
 * vector's irqfd accordingly.
 *
 * Threads: every function takes the object's lock, so a vCPU thread may
 * write the table while the device's thread calls msix_signal(). A vector
 * raised while masked is latched in the PBA; the call that unmasks it
 * (table write or Message Control write) reports it on, clears its pending
 * bit and calls deliver() once, all under the lock, so an interrupt raised
 * around an unmask is delivered exactly once: either msix_signal() sees it
 * masked and sets the bit the unmask will consume, or sees it on and
 * delivers it itself.
 */

#define MSIX_MAX_VECTORS	2048
#define MSIX_ENTRY_SIZE		16

struct msix_entry {
	uint32_t addr_lo;
	uint32_t addr_hi;
	uint32_t data;
	uint32_t ctrl;
};

struct msix {
	pthread_mutex_t lock;
	const struct msi_notify_ops *ops;
	void *opaque;
	unsigned int nr;		/* Table Size + 1 */
	uint16_t ctrl;			/* Enable and Function Mask bits */
	struct msix_entry *table;	/* nr entries */
	uint64_t *pba;			/* (nr + 63) / 64 QWORDs */
	uint64_t *on;			/* vectors last reported on */
	struct msi_msg *msg;		/* ... with these messages */
};

/*
 * msix_init - emulate MSI-X with @nr vectors (1 to 2048), in the reset
 * state (6.8.2: disabled, function not masked, every vector masked,
 * table and PBA 0). @ops may be NULL.
 *
 * Returns 0, -EINVAL for a bad @nr, -ENOMEM, or a negative errno from
 * pthread_mutex_init().
 */
int msix_init(struct msix *m, unsigned int nr,
	      const struct msi_notify_ops *ops, void *opaque);
void msix_destroy(struct msix *m);

/* Bytes of the table (16 per vector) and of the PBA (8 per 64 vectors). */
uint64_t msix_table_size(const struct msix *m);
uint64_t msix_pba_size(const struct msix *m);

/*
 * msix_cap_read - read @size bytes (1, 2 or 4, naturally aligned) at @off
 * from the start of the MSI-X capability. Only Message Control (bytes 2-3)
 * is emulated here; the other bytes (ID, next pointer, Table and PBA
 * Offset/BIR, which the device reports) are left in @data for the caller.
 *
 * Returns the mask of bytes filled (bit i for data[i]), or -EINVAL.
 */
int msix_cap_read(struct msix *m, unsigned int off, uint8_t *data,
		  unsigned int size);

/*
 * msix_cap_write - the guest wrote @size bytes at @off from the start of
 * the capability. Of Message Control only MSI-X Enable (bit 15) and
 * Function Mask (bit 14) are writable; Table Size and the reserved bits
 * 13:11 are read-only. Vectors whose state changed are reported, pending
 * ones that came on are delivered.
 *
 * Returns the mask of bytes taken, or -EINVAL.
 */
int msix_cap_write(struct msix *m, unsigned int off, const uint8_t *data,
		   unsigned int size);

/*
 * msix_table_read - read @size bytes (1, 2, 4 or 8, naturally aligned) at
 * @off from the start of the table. Software must use aligned DWORD or
 * QWORD accesses (6.8.2); smaller reads are answered from the same bytes.
 *
 * Returns 0, or -EINVAL (@data untouched) for a bad size or alignment or
 * an access past the table.
 */
int msix_table_read(struct msix *m, uint64_t off, uint8_t *data,
		    unsigned int size);

/*
 * msix_table_write - the guest wrote @size bytes (4 or 8, naturally
 * aligned) at @off from the start of the table. Message Address bits 1:0
 * and Vector Control bits 31:1 are reserved, read-only 0 (6.8.2). A
 * QWORD write updates both DWORDs before the vector is looked at, so the
 * owner never sees half of an address. Writing the message of
 * an unmasked vector is undefined in the spec; here it takes effect at
 * once (update() with the new message), which is what Linux relies on
 * when it moves an interrupt without masking it.
 *
 * Returns 0, or -EINVAL (nothing written) for a byte or word write (the
 * spec leaves them undefined), a bad alignment, or an access past the
 * table.
 */
int msix_table_write(struct msix *m, uint64_t off, const uint8_t *data,
		     unsigned int size);

/*
 * msix_pba_read - read @size bytes (1, 2, 4 or 8, naturally aligned) at
 * @off from the start of the PBA: bit n is vector n's pending bit; bits
 * past the last vector read 0. Returns 0 or -EINVAL as msix_table_read().
 * There is no write: software should never write the PBA (6.8.2), so
 * the caller drops such writes.
 */
int msix_pba_read(struct msix *m, uint64_t off, uint8_t *data,
		  unsigned int size);

/*
 * msix_signal - the device raised vector @vec (the owner polls its eventfd
 * while the vector is off). On: deliver() is called. Masked (by its Mask
 * bit or the Function Mask) while MSI-X is enabled: the pending bit is set
 * (6.8.2). MSI-X disabled: dropped.
 *
 * Returns an enum msi_signal_result, or -EINVAL for @vec >= nr.
 */
int msix_signal(struct msix *m, unsigned int vec);

/*
 * msix_clear_pending - the device no longer needs @vec serviced, clear its
 * pending bit (6.8.2). Returns 0 or -EINVAL.
 */
int msix_clear_pending(struct msix *m, unsigned int vec);

/*
 * msix_vector - whether vector @vec is on; when it is and @msg is not
 * NULL, its message.
 */
bool msix_vector(struct msix *m, unsigned int vec, struct msi_msg *msg);

/*
 * msix_reset - back to the reset state (function reset); vectors that
 * were on are reported off, pending bits cleared.
 */
void msix_reset(struct msix *m);

#endif
