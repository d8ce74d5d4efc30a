/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_CONSOLE_OUT_H
#define MINIVMM_CONSOLE_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The guest's console output on its way to a file descriptor, written a
 * line at a time instead of a byte at a time.
 *
 * The guest's UART hands over one byte per THR write. Writing each one
 * out is a system call per byte, and where stdout is a file on 9p or a
 * virtio console (minivmm nested in a test host) it is a round trip
 * through the emulator per byte, with an interrupt at its end: at that
 * rate QEMU's TCG has been seen to lose a test host CPU's wake-up
 * (guest-tests/README.md). A line, a full buffer or console_out_flush()
 * writes out what has gathered; the caller flushes a partial line (a
 * shell prompt) after CONSOLE_OUT_DELAY_MS, so nothing waits longer.
 *
 * Not thread-safe: the caller serialises calls with its own lock.
 */

#define CONSOLE_OUT_SIZE	4096
#define CONSOLE_OUT_DELAY_MS	10

struct console_out {
	int fd;
	size_t len;
	uint8_t buf[CONSOLE_OUT_SIZE];
};

void console_out_init(struct console_out *out, int fd);

/*
 * Add @len bytes. Returns true when they leave a partial line behind that
 * was not there before: the caller then flushes it within
 * CONSOLE_OUT_DELAY_MS.
 */
bool console_out_put(struct console_out *out, const uint8_t *buf, size_t len);

/*
 * Write out whatever has gathered. A descriptor that fails (a closed
 * pipe) loses the bytes: a console that went away must not stop the
 * guest.
 */
void console_out_flush(struct console_out *out);

#endif
