/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_SERIAL_H
#define MINIVMM_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * An emulated 16550A UART (8250 family), the register model of the
 * National Semiconductor PC16550D datasheet, as the guest sees it at one
 * eight-port window (COM1 on a PC).
 *
 * It is a pure state machine: no KVM, no threads, no file descriptors.
 * Transmitted bytes and interrupt line changes leave through the two
 * callbacks in struct serial8250_ops, called from inside the serial8250_*
 * call that caused them; host input comes in through serial8250_receive.
 *
 * Not thread-safe: the caller serialises every call on one UART (vCPU
 * port I/O and host input alike) with its own lock, and the callbacks run
 * with that lock held, so they must not call back into this module.
 *
 * What it models: the 16-byte receive FIFO (one receiver buffer byte when
 * FIFOs are disabled, as in 16450 mode), instantaneous transmission (LSR
 * THRE and TEMT always read as set), loopback, the four interrupt sources
 * with their IIR priorities, and OUT2 gating the interrupt line as on a
 * PC. What it does not: baud rate timing (the divisor latch is stored
 * only), parity, framing and break errors, and the DMA mode signals.
 */

#define SERIAL8250_FIFO_SIZE	16	/* PC16550D receive FIFO depth */

struct serial8250_ops {
	/* Bytes the guest transmitted (THR writes), for the host console. */
	void (*tx)(void *opaque, const uint8_t *buf, size_t len);
	/* The interrupt line changed level: 1 asserted, 0 deasserted. */
	void (*irq_set)(void *opaque, int level);
};

/*
 * The UART's state. Defined here so that it can be embedded in the
 * caller's structures; only serial8250_* functions touch the fields.
 */
struct serial8250 {
	const struct serial8250_ops *ops;
	void *opaque;

	uint8_t rx_fifo[SERIAL8250_FIFO_SIZE];
	unsigned int rx_head;		/* index of the oldest byte */
	unsigned int rx_count;		/* bytes waiting for the guest */
	unsigned int rx_trigger;	/* FCR receiver trigger level, bytes */
	bool fifo_enabled;		/* FCR bit 0 */

	uint8_t ier;
	uint8_t lcr;
	uint8_t mcr;
	uint8_t msr;			/* status lines and their deltas */
	uint8_t lsr_errors;		/* OE until the guest reads LSR */
	uint8_t scr;
	uint8_t dll;
	uint8_t dlm;
	bool thri_pending;		/* THR empty interrupt not taken */
	bool irq_level;			/* last level given to irq_set */
};

/*
 * serial8250_init - set up @s at its power-on state.
 * @ops: the callbacks, which must outlive @s; either may be NULL.
 * @opaque: passed to every callback.
 *
 * The interrupt line starts deasserted; irq_set is not called.
 */
void serial8250_init(struct serial8250 *s, const struct serial8250_ops *ops,
		     void *opaque);

/*
 * serial8250_reset - the effect of the UART's master reset input: every
 * register takes its power-on value (IER 0, IIR 0x01, LCR 0, MCR 0,
 * LSR 0x60, FIFOs off and empty). Deasserts the interrupt line through
 * irq_set if it was asserted.
 */
void serial8250_reset(struct serial8250 *s);

/*
 * serial8250_read - a one-byte guest read at @offset (port - base, 0..7).
 *
 * Returns the register's value; offsets past 7 read as 0xff. Reads have
 * side effects, as on the chip: RBR takes a byte from the FIFO, IIR
 * acknowledges a THR empty interrupt, LSR clears the overrun error, MSR
 * clears the delta bits. Wider accesses are the caller's to refuse (they
 * read as all ones on a PC bus).
 */
uint8_t serial8250_read(struct serial8250 *s, unsigned int offset);

/*
 * serial8250_write - a one-byte guest write of @val at @offset (0..7).
 *
 * A THR write calls ops->tx with the byte before returning (or, in
 * loopback mode, queues it for the receiver). Offsets past 7 are ignored.
 */
void serial8250_write(struct serial8250 *s, unsigned int offset, uint8_t val);

/*
 * serial8250_receive - host input for the guest.
 *
 * Queues up to @len bytes of @buf into the receive FIFO and returns how
 * many it took: 0 when the FIFO is full, or in loopback mode (where the
 * receiver is cut off from the line). Bytes are refused rather than lost
 * to an overrun; the caller keeps the rest and retries when
 * serial8250_can_receive says there is room again, which only a guest
 * register access (a read of RBR, a FIFO reset, leaving loopback) or a
 * reset changes.
 */
size_t serial8250_receive(struct serial8250 *s, const uint8_t *buf,
			  size_t len);

/* Whether serial8250_receive would take at least one byte now. */
bool serial8250_can_receive(const struct serial8250 *s);

#endif
