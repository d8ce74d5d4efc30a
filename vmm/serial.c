// SPDX-License-Identifier: GPL-2.0-only
/*
 * 16550A UART model.
 *
 * References: "PC16550D Universal Asynchronous Receiver/Transmitter with
 * FIFOs", National Semiconductor, June 1995 (now TI SNLS378), cited below
 * as "the datasheet" with the name of its register section; and what the
 * Linux 8250 driver (drivers/tty/serial/8250/8250_port.c) probes for and
 * relies on, which is the guest this model has to satisfy.
 */
#include "serial.h"

#include <string.h>

/* Register offsets from the base port (datasheet, Summary of Registers). */
#define REG_RBR		0	/* read, DLAB = 0 */
#define REG_THR		0	/* write, DLAB = 0 */
#define REG_DLL		0	/* DLAB = 1 */
#define REG_IER		1	/* DLAB = 0 */
#define REG_DLM		1	/* DLAB = 1 */
#define REG_IIR		2	/* read */
#define REG_FCR		2	/* write */
#define REG_LCR		3
#define REG_MCR		4
#define REG_LSR		5
#define REG_MSR		6
#define REG_SCR		7

#define IER_ERBFI	0x01	/* received data available */
#define IER_ETBEI	0x02	/* transmitter holding register empty */
#define IER_ELSI	0x04	/* receiver line status */
#define IER_EDSSI	0x08	/* modem status */
#define IER_MASK	0x0f	/* bits 7:4 read 0 on a 16550A */

#define IIR_NO_INT	0x01	/* bit 0 clear: interrupt pending */
#define IIR_MSI		0x00
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_RLSI	0x06
#define IIR_CTI		0x0c	/* character timeout (FIFO mode) */
#define IIR_FIFOS	0xc0	/* bits 7:6, set while FIFOs are on */

#define FCR_ENABLE	0x01
#define FCR_RX_RESET	0x02
#define FCR_TX_RESET	0x04
#define FCR_TRIGGER(v)	(((v) >> 6) & 3)

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10
#define MCR_MASK	0x1f	/* bits 7:5 read 0 on a 16550A */

#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

#define MSR_DCTS	0x01
#define MSR_DDSR	0x02
#define MSR_TERI	0x04
#define MSR_DDCD	0x08
#define MSR_DELTAS	0x0f
#define MSR_LINES	0xf0
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80

/*
 * The modem inputs when not in loopback: a null-modem cable to a host that
 * is always there. CTS, DSR and DCD asserted keep getty and terminals that
 * honour carrier and hardware flow control from waiting forever; RI is
 * idle.
 */
#define MSR_LINES_IDLE	(MSR_CTS | MSR_DSR | MSR_DCD)

/* Receiver trigger levels selected by FCR bits 7:6 (datasheet, FCR). */
static const unsigned int rx_trigger_levels[4] = { 1, 4, 8, 14 };

/*
 * In 16450 mode (FIFOs disabled) the receiver has a single buffer
 * register; in FIFO mode, 16 bytes.
 */
static unsigned int rx_capacity(const struct serial8250 *s)
{
	return s->fifo_enabled ? SERIAL8250_FIFO_SIZE : 1;
}

static void rx_clear(struct serial8250 *s)
{
	s->rx_head = 0;
	s->rx_count = 0;
}

static void rx_push(struct serial8250 *s, uint8_t c)
{
	unsigned int tail = (s->rx_head + s->rx_count) % SERIAL8250_FIFO_SIZE;

	s->rx_fifo[tail] = c;
	s->rx_count++;
}

static uint8_t rx_pop(struct serial8250 *s)
{
	uint8_t c = s->rx_fifo[s->rx_head];

	s->rx_head = (s->rx_head + 1) % SERIAL8250_FIFO_SIZE;
	s->rx_count--;
	return c;
}

/*
 * The interrupt the IIR reports: the highest priority pending source that
 * IER enables (datasheet, Interrupt Identification Register): receiver
 * line status, then received data available or character timeout, then
 * THR empty, then modem status.
 */
static uint8_t pending_iir(const struct serial8250 *s)
{
	if ((s->ier & IER_ELSI) && s->lsr_errors)
		return IIR_RLSI;
	if ((s->ier & IER_ERBFI) && s->rx_count) {
		/*
		 * In FIFO mode, data available means the trigger level is
		 * reached. Below it the chip raises a character timeout
		 * once no byte has moved for four character times; with no
		 * line timing to wait for, report it at once. Linux's
		 * default trigger is 8 bytes and it must still hear of a
		 * single typed character.
		 */
		if (!s->fifo_enabled || s->rx_count >= s->rx_trigger)
			return IIR_RDI;
		return IIR_CTI;
	}
	if ((s->ier & IER_ETBEI) && s->thri_pending)
		return IIR_THRI;
	if ((s->ier & IER_EDSSI) && (s->msr & MSR_DELTAS))
		return IIR_MSI;
	return IIR_NO_INT;
}

/*
 * On a PC the UART's INTR output reaches the interrupt controller through
 * a buffer enabled by the OUT2 pin, so the line is only asserted while
 * MCR.OUT2 is set (Linux sets it when it opens the port). In loopback the
 * datasheet forces the modem control outputs, OUT2 included, to their
 * inactive state, which closes that gate too: interrupts then remain
 * visible in the IIR only.
 */
static void update_irq(struct serial8250 *s)
{
	bool level = pending_iir(s) != IIR_NO_INT &&
		     (s->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;

	if (level == s->irq_level)
		return;
	s->irq_level = level;
	if (s->ops && s->ops->irq_set)
		s->ops->irq_set(s->opaque, level);
}

/*
 * The state of the four modem status inputs. In loopback they are wired
 * inside the chip to the modem control outputs (datasheet, MCR bit 4):
 * DTR to DSR, RTS to CTS, OUT1 to RI and OUT2 to DCD. Linux's autoconfig
 * relies on it: with MCR = LOOP | OUT2 | RTS it expects MSR[7:4] = 0x90.
 */
static uint8_t modem_lines(uint8_t mcr)
{
	uint8_t lines = 0;

	if (!(mcr & MCR_LOOP))
		return MSR_LINES_IDLE;
	if (mcr & MCR_DTR)
		lines |= MSR_DSR;
	if (mcr & MCR_RTS)
		lines |= MSR_CTS;
	if (mcr & MCR_OUT1)
		lines |= MSR_RI;
	if (mcr & MCR_OUT2)
		lines |= MSR_DCD;
	return lines;
}

/*
 * Take new modem input levels into MSR, setting the delta bits for what
 * changed since the guest last read MSR (datasheet, MSR): DCTS, DDSR and
 * DDCD on any change, TERI only when RI goes from on to off.
 */
static void set_modem_lines(struct serial8250 *s, uint8_t lines)
{
	uint8_t old = s->msr;
	uint8_t changed = (old ^ lines) & MSR_LINES;
	uint8_t deltas = old & MSR_DELTAS;

	if (changed & MSR_CTS)
		deltas |= MSR_DCTS;
	if (changed & MSR_DSR)
		deltas |= MSR_DDSR;
	if ((changed & MSR_RI) && !(lines & MSR_RI))
		deltas |= MSR_TERI;
	if (changed & MSR_DCD)
		deltas |= MSR_DDCD;
	s->msr = lines | deltas;
}

/*
 * A character reaches the receiver from the transmitter in loopback. A
 * full receiver is an overrun (datasheet, LSR bit 1): in FIFO mode the
 * new character is lost and the FIFO kept; in 16450 mode it overwrites
 * the unread one in the receiver buffer.
 */
static void loopback_receive(struct serial8250 *s, uint8_t c)
{
	if (s->rx_count < rx_capacity(s)) {
		rx_push(s, c);
		return;
	}
	s->lsr_errors |= LSR_OE;
	if (!s->fifo_enabled) {
		rx_clear(s);
		rx_push(s, c);
	}
}

static void write_thr(struct serial8250 *s, uint8_t val)
{
	if (s->mcr & MCR_LOOP)
		loopback_receive(s, val);
	else if (s->ops && s->ops->tx)
		s->ops->tx(s->opaque, &val, 1);
	/*
	 * Writing THR clears a THR empty interrupt, and the byte leaves at
	 * once, so THR is empty again and the interrupt is due again
	 * (datasheet, IIR: set when THR empties). Linux sends one FIFO's
	 * worth per THR empty interrupt and waits for the next one.
	 */
	s->thri_pending = true;
}

static void write_ier(struct serial8250 *s, uint8_t val)
{
	uint8_t old = s->ier;

	s->ier = val & IER_MASK;
	/*
	 * Enabling ETBEI while THR is empty raises the THR empty interrupt
	 * at once; it always is empty here. Linux's startup checks this by
	 * enabling ETBEI twice and reading IIR after each (UART_BUG_THRE),
	 * and its start_tx enables ETBEI to get the interrupt that starts
	 * transmission.
	 */
	if ((s->ier & IER_ETBEI) && !(old & IER_ETBEI))
		s->thri_pending = true;
}

/*
 * FCR (datasheet, FCR): bit 0 enables both FIFOs, and any change of it
 * empties them; the other bits are only programmed along with bit 0 set.
 * Bits 1 and 2 reset the RX and TX FIFOs and clear themselves; bits 7:6
 * select the receiver trigger level. Bit 3 (DMA mode) only changes the
 * RXRDY/TXRDY pins, which nothing here drives; bits 5:4 are reserved.
 */
static void write_fcr(struct serial8250 *s, uint8_t val)
{
	bool enable = val & FCR_ENABLE;

	if (enable != s->fifo_enabled) {
		rx_clear(s);
		s->fifo_enabled = enable;
	}
	if (!enable)
		return;
	if (val & FCR_RX_RESET)
		rx_clear(s);
	/* FCR_TX_RESET: transmission is instantaneous, nothing is queued. */
	s->rx_trigger = rx_trigger_levels[FCR_TRIGGER(val)];
}

static void write_mcr(struct serial8250 *s, uint8_t val)
{
	s->mcr = val & MCR_MASK;
	set_modem_lines(s, modem_lines(s->mcr));
}

static uint8_t read_rbr(struct serial8250 *s)
{
	/* An empty receiver returns 0; the chip's value is undefined. */
	if (!s->rx_count)
		return 0;
	return rx_pop(s);
}

static uint8_t read_iir(struct serial8250 *s)
{
	uint8_t iir = pending_iir(s);

	/*
	 * Reading IIR while it reports THR empty is what acknowledges that
	 * interrupt (datasheet, Interrupt Control Functions); the other
	 * sources are reset by reading LSR, RBR or MSR.
	 */
	if (iir == IIR_THRI)
		s->thri_pending = false;
	if (s->fifo_enabled)
		iir |= IIR_FIFOS;
	return iir;
}

/*
 * LSR (datasheet, LSR): DR while the receiver holds data; THRE and TEMT
 * always, as transmission is instantaneous; OE until this read. Parity,
 * framing and break errors, and bit 7 (an error in the FIFO), never occur.
 */
static uint8_t read_lsr(struct serial8250 *s)
{
	uint8_t lsr = LSR_THRE | LSR_TEMT | s->lsr_errors;

	if (s->rx_count)
		lsr |= LSR_DR;
	s->lsr_errors = 0;
	return lsr;
}

static uint8_t read_msr(struct serial8250 *s)
{
	uint8_t msr = s->msr;

	s->msr &= MSR_LINES;
	return msr;
}

void serial8250_init(struct serial8250 *s, const struct serial8250_ops *ops,
		     void *opaque)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->opaque = opaque;
	serial8250_reset(s);
}

void serial8250_reset(struct serial8250 *s)
{
	/*
	 * The master reset values (datasheet, UART Reset Configuration):
	 * IER, FCR, LCR and MCR cleared, IIR 0x01, LSR 0x60, MSR deltas
	 * cleared with bits 7:4 following the inputs. The chip leaves the
	 * divisor latch and scratch register undefined; give them fixed
	 * values so that every boot starts alike: 9600 baud (divisor 12 from
	 * the 1.8432 MHz clock of a PC) and zero.
	 */
	s->dll = 12;
	s->dlm = 0;
	s->scr = 0;
	s->ier = 0;
	s->lcr = 0;
	s->mcr = 0;
	s->msr = MSR_LINES_IDLE;
	s->lsr_errors = 0;
	s->fifo_enabled = false;
	s->rx_trigger = rx_trigger_levels[0];
	rx_clear(s);
	s->thri_pending = false;
	update_irq(s);
}

uint8_t serial8250_read(struct serial8250 *s, unsigned int offset)
{
	bool dlab = s->lcr & LCR_DLAB;
	uint8_t val;

	switch (offset) {
	case REG_RBR:
		val = dlab ? s->dll : read_rbr(s);
		break;
	case REG_IER:
		val = dlab ? s->dlm : s->ier;
		break;
	case REG_IIR:
		val = read_iir(s);
		break;
	case REG_LCR:
		val = s->lcr;
		break;
	case REG_MCR:
		val = s->mcr;
		break;
	case REG_LSR:
		val = read_lsr(s);
		break;
	case REG_MSR:
		val = read_msr(s);
		break;
	case REG_SCR:
		val = s->scr;
		break;
	default:
		return 0xff;
	}
	update_irq(s);
	return val;
}

void serial8250_write(struct serial8250 *s, unsigned int offset, uint8_t val)
{
	bool dlab = s->lcr & LCR_DLAB;

	switch (offset) {
	case REG_THR:
		if (dlab)
			s->dll = val;
		else
			write_thr(s, val);
		break;
	case REG_IER:
		if (dlab)
			s->dlm = val;
		else
			write_ier(s, val);
		break;
	case REG_FCR:
		write_fcr(s, val);
		break;
	case REG_LCR:
		s->lcr = val;
		break;
	case REG_MCR:
		write_mcr(s, val);
		break;
	case REG_LSR:
	case REG_MSR:
		/* Status registers; writes are for factory test only. */
		return;
	case REG_SCR:
		s->scr = val;
		return;
	default:
		return;
	}
	update_irq(s);
}

bool serial8250_can_receive(const struct serial8250 *s)
{
	/* In loopback the receiver input is cut off from the line. */
	if (s->mcr & MCR_LOOP)
		return false;
	return s->rx_count < rx_capacity(s);
}

size_t serial8250_receive(struct serial8250 *s, const uint8_t *buf,
			  size_t len)
{
	size_t n = 0;

	while (n < len && serial8250_can_receive(s))
		rx_push(s, buf[n++]);
	if (n)
		update_irq(s);
	return n;
}
