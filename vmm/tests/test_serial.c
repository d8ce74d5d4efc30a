// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/serial.h"

/* Register offsets and bits, spelled out as the guest driver sees them. */
enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2,
       LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10

/* What the UART did through its callbacks. */
struct fake_host {
	uint8_t tx[256];
	size_t tx_len;
	unsigned int tx_calls;
	int level;
	unsigned int irq_calls;
};

static void fake_tx(void *opaque, const uint8_t *buf, size_t len)
{
	struct fake_host *h = opaque;

	ck_assert_uint_le(h->tx_len + len, sizeof(h->tx));
	memcpy(h->tx + h->tx_len, buf, len);
	h->tx_len += len;
	h->tx_calls++;
}

static void fake_irq_set(void *opaque, int level)
{
	struct fake_host *h = opaque;

	/* The UART must only report changes. */
	ck_assert_int_ne(level, h->level);
	h->level = level;
	h->irq_calls++;
}

static const struct serial8250_ops fake_ops = {
	.tx = fake_tx,
	.irq_set = fake_irq_set,
};

static void setup(struct serial8250 *s, struct fake_host *h)
{
	memset(h, 0, sizeof(*h));
	serial8250_init(s, &fake_ops, h);
}

static void receive_str(struct serial8250 *s, const char *str)
{
	size_t len = strlen(str);

	ck_assert_uint_eq(serial8250_receive(s, (const uint8_t *)str, len),
			  len);
}

START_TEST(test_serial_scratch_register_round_trip)
{
	struct serial8250 s;
	struct fake_host h;

	setup(&s, &h);
	ck_assert_uint_eq(serial8250_read(&s, SCR), 0);
	serial8250_write(&s, SCR, 0x55);
	ck_assert_uint_eq(serial8250_read(&s, SCR), 0x55);
	serial8250_write(&s, SCR, 0xaa);
	ck_assert_uint_eq(serial8250_read(&s, SCR), 0xaa);
	ck_assert_uint_eq(h.tx_len, 0);
	ck_assert_uint_eq(h.irq_calls, 0);
}
END_TEST

START_TEST(test_serial_lcr_dlab_selects_divisor_latch_and_back)
{
	struct serial8250 s;
	struct fake_host h;

	setup(&s, &h);
	/* 115200 baud, 8N1, as Linux programs it. */
	serial8250_write(&s, LCR, 0x83);
	ck_assert_uint_eq(serial8250_read(&s, LCR), 0x83);
	serial8250_write(&s, DLL, 0x01);
	serial8250_write(&s, DLM, 0x02);
	ck_assert_uint_eq(serial8250_read(&s, DLL), 0x01);
	ck_assert_uint_eq(serial8250_read(&s, DLM), 0x02);
	ck_assert_uint_eq(h.tx_len, 0);

	serial8250_write(&s, LCR, 0x03);
	/* Offsets 0 and 1 are THR/RBR and IER again. */
	ck_assert_uint_eq(serial8250_read(&s, IER), 0);
	serial8250_write(&s, THR, 'A');
	ck_assert_uint_eq(h.tx_len, 1);

	serial8250_write(&s, LCR, 0x83);
	ck_assert_uint_eq(serial8250_read(&s, DLL), 0x01);
	ck_assert_uint_eq(serial8250_read(&s, DLM), 0x02);
}
END_TEST

START_TEST(test_serial_thr_write_calls_tx_with_the_byte)
{
	struct serial8250 s;
	struct fake_host h;

	setup(&s, &h);
	serial8250_write(&s, THR, 'h');
	ck_assert_uint_eq(h.tx_calls, 1);
	ck_assert_uint_eq(h.tx_len, 1);
	ck_assert_uint_eq(h.tx[0], 'h');
	serial8250_write(&s, THR, 'i');
	ck_assert_uint_eq(h.tx_len, 2);
	ck_assert_uint_eq(h.tx[1], 'i');
	/* Transmission is instantaneous: THR and the shifter are empty. */
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x60);
}
END_TEST

START_TEST(test_serial_thre_irq_on_enable_cleared_by_iir_read)
{
	struct serial8250 s;
	struct fake_host h;

	setup(&s, &h);
	serial8250_write(&s, MCR, MCR_OUT2);
	ck_assert_int_eq(h.level, 0);

	serial8250_write(&s, IER, 0x02);
	ck_assert_int_eq(h.level, 1);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0x02);
	ck_assert_int_eq(h.level, 0);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0x01);

	/* Writing THR empties it again at once: the interrupt is due. */
	serial8250_write(&s, THR, 'x');
	ck_assert_int_eq(h.level, 1);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0x02);
	ck_assert_int_eq(h.level, 0);

	/* Linux's UART_BUG_THRE test: re-enabling ETBEI raises it again. */
	serial8250_write(&s, IER, 0x00);
	serial8250_write(&s, IER, 0x02);
	ck_assert_int_eq(h.level, 1);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0x02);

	/* Disabling ETBEI drops a pending THRE interrupt from the line. */
	serial8250_write(&s, THR, 'y');
	ck_assert_int_eq(h.level, 1);
	serial8250_write(&s, IER, 0x00);
	ck_assert_int_eq(h.level, 0);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0x01);
}
END_TEST

START_TEST(test_serial_rx_byte_sets_dr_and_rda_until_rbr_read)
{
	struct serial8250 s;
	struct fake_host h;

	setup(&s, &h);
	serial8250_write(&s, MCR, MCR_OUT2 | MCR_RTS | MCR_DTR);
	serial8250_write(&s, IER, 0x01);
	ck_assert_int_eq(h.level, 0);
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x60);

	receive_str(&s, "a");
	ck_assert_int_eq(h.level, 1);
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x61);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0x04);
	/* Reading IIR does not acknowledge received data. */
	ck_assert_int_eq(h.level, 1);

	ck_assert_uint_eq(serial8250_read(&s, RBR), 'a');
	ck_assert_int_eq(h.level, 0);
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x60);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0x01);
}
END_TEST

START_TEST(test_serial_one_rx_byte_raises_irq_with_fifos_on)
{
	struct serial8250 s;
	struct fake_host h;

	setup(&s, &h);
	/* Linux's 16550A setup: FIFOs on, 8-byte trigger, OUT2, ERBFI. */
	serial8250_write(&s, FCR, 0x81);
	serial8250_write(&s, MCR, MCR_OUT2 | MCR_RTS | MCR_DTR);
	serial8250_write(&s, IER, 0x01);

	receive_str(&s, "q");
	ck_assert_int_eq(h.level, 1);
	/* Below the trigger: reported as a character timeout. */
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0xcc);
	ck_assert_uint_eq(serial8250_read(&s, RBR), 'q');
	ck_assert_int_eq(h.level, 0);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0xc1);
}
END_TEST

START_TEST(test_serial_no_irq_line_without_out2)
{
	struct serial8250 s;
	struct fake_host h;

	setup(&s, &h);
	serial8250_write(&s, MCR, MCR_RTS | MCR_DTR);
	serial8250_write(&s, IER, 0x0f);
	receive_str(&s, "z");
	/* The IIR shows the interrupt but the gate to the PIC is shut. */
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0x04);
	ck_assert_uint_eq(h.irq_calls, 0);

	serial8250_write(&s, MCR, MCR_OUT2 | MCR_RTS | MCR_DTR);
	ck_assert_int_eq(h.level, 1);
	serial8250_write(&s, MCR, MCR_RTS | MCR_DTR);
	ck_assert_int_eq(h.level, 0);
	ck_assert_uint_eq(h.irq_calls, 2);
}
END_TEST

START_TEST(test_serial_irq_set_called_only_on_level_change)
{
	struct serial8250 s;
	struct fake_host h;

	setup(&s, &h);
	serial8250_write(&s, FCR, 0x01);
	serial8250_write(&s, MCR, MCR_OUT2);
	serial8250_write(&s, IER, 0x01);
	receive_str(&s, "a");
	receive_str(&s, "b");
	serial8250_read(&s, LSR);
	serial8250_read(&s, IIR);
	serial8250_write(&s, SCR, 1);
	ck_assert_uint_eq(h.irq_calls, 1);
	serial8250_read(&s, RBR);
	ck_assert_uint_eq(h.irq_calls, 1);
	serial8250_read(&s, RBR);
	ck_assert_uint_eq(h.irq_calls, 2);
	ck_assert_int_eq(h.level, 0);
}
END_TEST

START_TEST(test_serial_fifo_trigger_level)
{
	static const struct { uint8_t fcr; unsigned int level; } cases[] = {
		{ 0x01, 1 }, { 0x41, 4 }, { 0x81, 8 }, { 0xc1, 14 },
	};
	unsigned int i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct serial8250 s;
		struct fake_host h;

		setup(&s, &h);
		serial8250_write(&s, FCR, cases[i].fcr);
		serial8250_write(&s, MCR, MCR_OUT2);
		serial8250_write(&s, IER, 0x01);
		for (n = 1; n < cases[i].level; n++) {
			receive_str(&s, "x");
			ck_assert_uint_eq(serial8250_read(&s, IIR), 0xcc);
		}
		receive_str(&s, "x");
		ck_assert_msg(serial8250_read(&s, IIR) == 0xc4,
			      "trigger %u not reported as data available",
			      cases[i].level);
		receive_str(&s, "x");
		ck_assert_uint_eq(serial8250_read(&s, IIR), 0xc4);
		/* Drained below the trigger again: back to the timeout. */
		if (cases[i].level > 1) {
			serial8250_read(&s, RBR);
			serial8250_read(&s, RBR);
			ck_assert_uint_eq(serial8250_read(&s, IIR), 0xcc);
		}
		ck_assert_int_eq(h.level, 1);
	}
}
END_TEST

START_TEST(test_serial_receive_refuses_when_full_can_receive_no)
{
	struct serial8250 s;
	struct fake_host h;
	uint8_t buf[20];
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)('a' + i);

	setup(&s, &h);
	serial8250_write(&s, FCR, 0x01);
	ck_assert(serial8250_can_receive(&s));
	ck_assert_uint_eq(serial8250_receive(&s, buf, sizeof(buf)), 16);
	ck_assert(!serial8250_can_receive(&s));
	ck_assert_uint_eq(serial8250_receive(&s, buf + 16, 4), 0);
	/* Refused, not overrun: no OE and no byte lost. */
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x61);

	ck_assert_uint_eq(serial8250_read(&s, RBR), 'a');
	ck_assert(serial8250_can_receive(&s));
	ck_assert_uint_eq(serial8250_receive(&s, buf + 16, 4), 1);
	for (i = 1; i <= 16; i++)
		ck_assert_uint_eq(serial8250_read(&s, RBR), buf[i]);
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x60);

	/* With FIFOs off the receiver holds one byte, as in 16450 mode. */
	serial8250_write(&s, FCR, 0x00);
	ck_assert_uint_eq(serial8250_receive(&s, buf, sizeof(buf)), 1);
	ck_assert(!serial8250_can_receive(&s));
	ck_assert_uint_eq(serial8250_read(&s, RBR), 'a');
	ck_assert(serial8250_can_receive(&s));
}
END_TEST

START_TEST(test_serial_loopback_thr_to_rbr_and_msr_mirrors_mcr)
{
	struct serial8250 s;
	struct fake_host h;

	setup(&s, &h);
	ck_assert_uint_eq(serial8250_read(&s, MSR) & 0xf0, 0xb0);

	/* All outputs on: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
	serial8250_write(&s, MCR, MCR_LOOP | 0x0f);
	ck_assert_uint_eq(serial8250_read(&s, MCR), 0x1f);
	ck_assert_uint_eq(serial8250_read(&s, MSR) & 0xf0, 0xf0);
	/* Linux's autoconfig probe: LOOP | OUT2 | RTS gives DCD | CTS. */
	serial8250_write(&s, MCR, MCR_LOOP | MCR_OUT2 | MCR_RTS);
	ck_assert_uint_eq(serial8250_read(&s, MSR) & 0xf0, 0x90);
	serial8250_write(&s, MCR, MCR_LOOP | MCR_DTR);
	ck_assert_uint_eq(serial8250_read(&s, MSR) & 0xf0, 0x20);
	serial8250_write(&s, MCR, MCR_LOOP | MCR_OUT1);
	ck_assert_uint_eq(serial8250_read(&s, MSR) & 0xf0, 0x40);

	/* The transmitter feeds the receiver, not the host. */
	serial8250_write(&s, FCR, 0x01);
	serial8250_write(&s, THR, 'L');
	serial8250_write(&s, THR, 'B');
	ck_assert_uint_eq(h.tx_len, 0);
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x61);
	ck_assert_uint_eq(serial8250_read(&s, RBR), 'L');
	ck_assert_uint_eq(serial8250_read(&s, RBR), 'B');
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x60);

	/* Host input is cut off from the receiver while looped back. */
	ck_assert(!serial8250_can_receive(&s));
	ck_assert_uint_eq(serial8250_receive(&s, (const uint8_t *)"h", 1), 0);

	serial8250_write(&s, MCR, 0);
	ck_assert_uint_eq(serial8250_read(&s, MSR) & 0xf0, 0xb0);
	ck_assert(serial8250_can_receive(&s));
	serial8250_write(&s, THR, 'T');
	ck_assert_uint_eq(h.tx_len, 1);
	ck_assert_uint_eq(h.tx[0], 'T');
}
END_TEST

START_TEST(test_serial_msr_deltas_set_on_change_cleared_by_read)
{
	struct serial8250 s;
	struct fake_host h;

	setup(&s, &h);
	/* Outside loopback the lines sit still: CTS, DSR, DCD, no delta. */
	ck_assert_uint_eq(serial8250_read(&s, MSR), 0xb0);
	ck_assert_uint_eq(serial8250_read(&s, MSR), 0xb0);

	/* Linux's probe value drops DSR: DDSR. */
	serial8250_write(&s, MCR, MCR_LOOP | MCR_OUT2 | MCR_RTS);
	ck_assert_uint_eq(serial8250_read(&s, MSR), 0x92);
	ck_assert_uint_eq(serial8250_read(&s, MSR), 0x90);
	/* RI on, then off: only the trailing edge is flagged (TERI). */
	serial8250_write(&s, MCR, MCR_LOOP | MCR_OUT2 | MCR_RTS | MCR_OUT1);
	ck_assert_uint_eq(serial8250_read(&s, MSR), 0xd0);
	serial8250_write(&s, MCR, MCR_LOOP | MCR_OUT2 | MCR_RTS);
	ck_assert_uint_eq(serial8250_read(&s, MSR), 0x94);
	/* Everything off: DCTS and DDCD. */
	serial8250_write(&s, MCR, MCR_LOOP);
	ck_assert_uint_eq(serial8250_read(&s, MSR), 0x09);
}
END_TEST

START_TEST(test_serial_loopback_overrun_sets_oe_drops_byte)
{
	struct serial8250 s;
	struct fake_host h;
	unsigned int i;

	setup(&s, &h);
	serial8250_write(&s, FCR, 0x07);
	serial8250_write(&s, MCR, MCR_LOOP);
	serial8250_write(&s, IER, 0x04);
	for (i = 0; i < 17; i++)
		serial8250_write(&s, THR, (uint8_t)i);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0xc6);
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x63);
	/* OE is cleared by the LSR read that reported it. */
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x61);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0xc1);
	for (i = 0; i < 16; i++)
		ck_assert_uint_eq(serial8250_read(&s, RBR), i);
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x60);

	/* In 16450 mode the new byte overwrites the unread one. */
	serial8250_write(&s, FCR, 0x00);
	serial8250_write(&s, THR, 'a');
	serial8250_write(&s, THR, 'b');
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x63);
	ck_assert_uint_eq(serial8250_read(&s, RBR), 'b');
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x60);
}
END_TEST

START_TEST(test_serial_iir_priority_with_all_sources_pending)
{
	struct serial8250 s;
	struct fake_host h;
	unsigned int i;

	setup(&s, &h);
	serial8250_write(&s, FCR, 0x01);	/* FIFOs on, trigger 1 */
	/* Entering loopback with all outputs off changes CTS, DSR, DCD. */
	serial8250_write(&s, MCR, MCR_LOOP);
	for (i = 0; i < 17; i++)		/* data, then an overrun */
		serial8250_write(&s, THR, 'x');
	serial8250_write(&s, IER, 0x0f);

	ck_assert_uint_eq(serial8250_read(&s, IIR), 0xc6);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0xc6);
	serial8250_read(&s, LSR);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0xc4);
	for (i = 0; i < 16; i++)
		serial8250_read(&s, RBR);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0xc2);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0xc0);
	ck_assert_uint_eq(serial8250_read(&s, MSR), 0x0b);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0xc1);
	/* The interrupt line stays shut in loopback (OUT2 forced off). */
	ck_assert_uint_eq(h.irq_calls, 0);
}
END_TEST

START_TEST(test_serial_fcr_rx_reset_empties_the_fifo)
{
	struct serial8250 s;
	struct fake_host h;

	setup(&s, &h);
	serial8250_write(&s, FCR, 0x01);
	serial8250_write(&s, MCR, MCR_OUT2);
	serial8250_write(&s, IER, 0x01);
	receive_str(&s, "hello");
	ck_assert_int_eq(h.level, 1);

	serial8250_write(&s, FCR, 0x03);
	ck_assert_int_eq(h.level, 0);
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x60);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0xc1);	/* still on */
	ck_assert(serial8250_can_receive(&s));

	/* Switching the FIFOs off empties them too. */
	receive_str(&s, "abc");
	serial8250_write(&s, FCR, 0x00);
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x60);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0x01);
	/* Reset bits without the enable bit are not programmed. */
	receive_str(&s, "d");
	serial8250_write(&s, FCR, 0x02);
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x61);
}
END_TEST

START_TEST(test_serial_reset_restores_power_on_values)
{
	struct serial8250 s;
	struct fake_host h;

	setup(&s, &h);
	serial8250_write(&s, LCR, 0x80);
	serial8250_write(&s, DLL, 0x01);
	serial8250_write(&s, LCR, 0x1b);
	serial8250_write(&s, FCR, 0xc7);
	serial8250_write(&s, MCR, MCR_OUT2 | MCR_RTS | MCR_DTR);
	serial8250_write(&s, IER, 0x0f);
	serial8250_write(&s, SCR, 0x5a);
	receive_str(&s, "data");
	ck_assert_int_eq(h.level, 1);

	serial8250_reset(&s);
	ck_assert_int_eq(h.level, 0);
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x60);
	ck_assert_uint_eq(serial8250_read(&s, IIR), 0x01);
	ck_assert_uint_eq(serial8250_read(&s, IER), 0x00);
	ck_assert_uint_eq(serial8250_read(&s, LCR), 0x00);
	ck_assert_uint_eq(serial8250_read(&s, MCR), 0x00);
	ck_assert_uint_eq(serial8250_read(&s, MSR), 0xb0);
	ck_assert_uint_eq(serial8250_read(&s, SCR), 0x00);
	serial8250_write(&s, LCR, 0x80);
	ck_assert_uint_eq(serial8250_read(&s, DLL), 12);
	ck_assert_uint_eq(serial8250_read(&s, DLM), 0);
	serial8250_write(&s, LCR, 0x00);
	/* 16450 mode again: one byte of receive buffer. */
	ck_assert_uint_eq(serial8250_receive(&s, (const uint8_t *)"xy", 2), 1);
}
END_TEST

START_TEST(test_serial_linux_autoconfig_probe_sees_a_16550a)
{
	struct serial8250 s;
	struct fake_host h;
	uint8_t v;

	setup(&s, &h);
	/* IER: the low nibble is writable, the high one reads 0. */
	serial8250_write(&s, IER, 0x00);
	ck_assert_uint_eq(serial8250_read(&s, IER) & 0x0f, 0x00);
	serial8250_write(&s, IER, 0x0f);
	ck_assert_uint_eq(serial8250_read(&s, IER) & 0x0f, 0x0f);
	serial8250_write(&s, IER, 0xf0);
	ck_assert_uint_eq(serial8250_read(&s, IER), 0x00);	/* no UUE */

	/* Loopback probe. */
	serial8250_write(&s, MCR, MCR_LOOP | 0x0a);
	ck_assert_uint_eq(serial8250_read(&s, MSR) & 0xf0, 0x90);
	serial8250_write(&s, MCR, 0x00);

	/* FIFO probe: IIR bits 7:6 = 11 means a working 16550A FIFO. */
	serial8250_write(&s, FCR, 0x01);
	ck_assert_uint_eq(serial8250_read(&s, IIR) >> 6, 3);

	/* No EFR behind LCR 0xBF (16650) or 0x80 (ST16C650V1). */
	serial8250_write(&s, LCR, 0xbf);
	ck_assert_uint_ne(serial8250_read(&s, IIR), 0);
	serial8250_write(&s, LCR, 0x80);
	ck_assert_uint_ne(serial8250_read(&s, IIR), 0);

	/* Not a 16750: FCR bit 5 does not show as IIR bit 5. */
	serial8250_write(&s, LCR, 0x00);
	serial8250_write(&s, FCR, 0x21);
	ck_assert_uint_eq(serial8250_read(&s, IIR) >> 5, 6);
	serial8250_write(&s, LCR, 0x80);
	serial8250_write(&s, FCR, 0x21);
	ck_assert_uint_eq(serial8250_read(&s, IIR) >> 5, 6);

	/* Nor a NatSemi SuperIO: IIR bit 4 never follows MCR.LOOP. */
	serial8250_write(&s, LCR, 0x00);
	serial8250_write(&s, MCR, MCR_LOOP);
	serial8250_write(&s, LCR, 0xe0);
	v = serial8250_read(&s, 2);
	ck_assert_uint_eq(v & MCR_LOOP, 0);
	serial8250_write(&s, LCR, 0x00);
	serial8250_write(&s, MCR, 0x00);
	ck_assert_uint_eq(h.tx_len, 0);
}
END_TEST

START_TEST(test_serial_offsets_past_7_read_ff_and_ignore_writes)
{
	struct serial8250 s;
	struct fake_host h;

	setup(&s, &h);
	ck_assert_uint_eq(serial8250_read(&s, 8), 0xff);
	ck_assert_uint_eq(serial8250_read(&s, 0x1000), 0xff);
	serial8250_write(&s, 8, 'x');
	ck_assert_uint_eq(h.tx_len, 0);
	ck_assert_uint_eq(serial8250_read(&s, LSR), 0x60);
}
END_TEST

START_TEST(test_serial_null_ops_are_allowed)
{
	struct serial8250 s;

	serial8250_init(&s, NULL, NULL);
	serial8250_write(&s, MCR, MCR_OUT2);
	serial8250_write(&s, IER, 0x0f);
	serial8250_write(&s, THR, 'x');
	ck_assert_uint_eq(serial8250_receive(&s, (const uint8_t *)"a", 1), 1);
	ck_assert_uint_eq(serial8250_read(&s, RBR), 'a');
	serial8250_reset(&s);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("serial");
	TCase *tc = tcase_create("8250");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_serial_scratch_register_round_trip);
	tcase_add_test(tc, test_serial_lcr_dlab_selects_divisor_latch_and_back);
	tcase_add_test(tc, test_serial_thr_write_calls_tx_with_the_byte);
	tcase_add_test(tc, test_serial_thre_irq_on_enable_cleared_by_iir_read);
	tcase_add_test(tc, test_serial_rx_byte_sets_dr_and_rda_until_rbr_read);
	tcase_add_test(tc, test_serial_one_rx_byte_raises_irq_with_fifos_on);
	tcase_add_test(tc, test_serial_no_irq_line_without_out2);
	tcase_add_test(tc, test_serial_irq_set_called_only_on_level_change);
	tcase_add_test(tc, test_serial_fifo_trigger_level);
	tcase_add_test(tc,
		       test_serial_receive_refuses_when_full_can_receive_no);
	tcase_add_test(tc, test_serial_loopback_thr_to_rbr_and_msr_mirrors_mcr);
	tcase_add_test(tc,
		       test_serial_msr_deltas_set_on_change_cleared_by_read);
	tcase_add_test(tc, test_serial_loopback_overrun_sets_oe_drops_byte);
	tcase_add_test(tc, test_serial_iir_priority_with_all_sources_pending);
	tcase_add_test(tc, test_serial_fcr_rx_reset_empties_the_fifo);
	tcase_add_test(tc, test_serial_reset_restores_power_on_values);
	tcase_add_test(tc, test_serial_linux_autoconfig_probe_sees_a_16550a);
	tcase_add_test(tc,
		       test_serial_offsets_past_7_read_ff_and_ignore_writes);
	tcase_add_test(tc, test_serial_null_ops_are_allowed);
	suite_add_tcase(su, tc);
	sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
