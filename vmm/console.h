/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_CONSOLE_H
#define MINIVMM_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <termios.h>

#include "console_out.h"
#include "serial.h"

struct vm;

/*
 * The guest's serial console: the 8250 UART at COM1 (IRQ 4) joined to
 * minivmm's stdin and stdout. When stdin is a terminal it is put in raw
 * mode (restored by console_stop, and by console_restore_terminal on a
 * fatal signal) and Ctrl-A x quits; EOF on stdin never stops the guest.
 * The guest's output is written by lines (console_out.h).
 */
struct console {
	struct vm *vm;
	struct serial8250 uart;
	pthread_mutex_t lock;		/* serialises the UART model */
	pthread_cond_t rx_space;	/* the guest read from the UART */
	int in_fd;
	int out_fd;
	struct console_out out;		/* the guest's output, by lines */
	int flush_fd;			/* eventfd: a partial line to flush */
	int wake_fd;			/* eventfd: tells the thread to end */
	bool in_is_tty;
	bool raw;
	struct termios saved;
	bool escape;			/* the last byte was Ctrl-A */
	bool stopping;
	pthread_t thread;
	bool thread_started;
};

/* Register the UART's ports; take the terminal into raw mode. */
int console_init(struct console *con, struct vm *vm, int in_fd, int out_fd);

/* Start forwarding stdin to the guest. */
int console_start(struct console *con);

/*
 * Write out the guest's partial line now (before minivmm prints a line
 * of its own). Not with con->lock held.
 */
void console_flush(struct console *con);

/* Stop the stdin thread and restore the terminal. */
void console_stop(struct console *con);

#endif
