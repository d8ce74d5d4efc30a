// SPDX-License-Identifier: GPL-2.0-only
#include "console.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "boot/x86_layout.h"
#include "vm.h"

#define CONSOLE_ESCAPE	0x01	/* Ctrl-A */
#define CONSOLE_QUIT	'x'

/* Called with con->lock held (the UART model's callbacks are). */
static void console_tx(void *opaque, const uint8_t *buf, size_t len)
{
	struct console *con = opaque;
	uint64_t one = 1;

	/* A partial line: the console thread writes it out soon. */
	if (console_out_put(&con->out, buf, len) &&
	    write(con->flush_fd, &one, sizeof(one)) < 0)
		console_out_flush(&con->out);
}

static void console_irq_set(void *opaque, int level)
{
	struct console *con = opaque;

	kvm_vm_irq_line(&con->vm->kvm, X86_IRQ_COM1, level);
}

static const struct serial8250_ops console_uart_ops = {
	.tx = console_tx,
	.irq_set = console_irq_set,
};

static void console_port_io(void *opaque, uint64_t offset, uint8_t *data,
			    unsigned int size, bool is_write)
{
	struct console *con = opaque;

	pthread_mutex_lock(&con->lock);
	if (size != 1) {
		/* The UART's registers are bytes; wider accesses float. */
		if (!is_write)
			memset(data, 0xff, size);
	} else if (is_write) {
		serial8250_write(&con->uart, (unsigned int)offset, data[0]);
	} else {
		data[0] = serial8250_read(&con->uart, (unsigned int)offset);
	}
	/* RBR reads, FIFO resets and leaving loopback make room. */
	if (serial8250_can_receive(&con->uart))
		pthread_cond_signal(&con->rx_space);
	pthread_mutex_unlock(&con->lock);
}

/*
 * A crash must not leave the user's terminal in raw mode. A signal handler
 * has no context argument, so this one copy of the saved terminal state is
 * the exception to "no globals"; it is written once, before any handler
 * can run.
 */
static struct {
	int fd;
	struct termios saved;
} fatal_restore = { .fd = -1 };

static void console_fatal_signal(int sig)
{
	/* tcsetattr is async-signal-safe; SA_RESETHAND re-arms the default. */
	if (fatal_restore.fd >= 0)
		tcsetattr(fatal_restore.fd, TCSANOW, &fatal_restore.saved);
	raise(sig);
}

static void console_arm_fatal_restore(struct console *con)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };
	struct sigaction sa;
	unsigned int i;

	fatal_restore.saved = con->saved;
	fatal_restore.fd = con->in_fd;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = console_fatal_signal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
}

int console_init(struct console *con, struct vm *vm, int in_fd, int out_fd)
{
	int ret;

	memset(con, 0, sizeof(*con));
	con->vm = vm;
	con->in_fd = in_fd;
	con->out_fd = out_fd;
	console_out_init(&con->out, out_fd);
	con->flush_fd = -1;
	con->wake_fd = eventfd(0, EFD_CLOEXEC);
	if (con->wake_fd < 0)
		return -errno;
	con->flush_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (con->flush_fd < 0)
		return -errno;
	pthread_mutex_init(&con->lock, NULL);
	pthread_cond_init(&con->rx_space, NULL);
	serial8250_init(&con->uart, &console_uart_ops, con);

	ret = io_bus_register(&vm->pio, X86_PORT_COM1, 8, console_port_io,
			      con, "serial");
	if (ret)
		return ret;

	con->in_is_tty = isatty(in_fd);
	if (con->in_is_tty && tcgetattr(in_fd, &con->saved) == 0) {
		struct termios raw = con->saved;

		/*
		 * Every key goes to the guest, including ^C and ^Z. Output
		 * processing stays as it was (as QEMU's stdio does), so that
		 * what minivmm itself prints while the guest runs, such as a
		 * register dump, starts each line at the left margin.
		 */
		cfmakeraw(&raw);
		raw.c_oflag = con->saved.c_oflag;
		console_arm_fatal_restore(con);
		if (tcsetattr(in_fd, TCSANOW, &raw) == 0)
			con->raw = true;
	}
	return 0;
}

/*
 * Interpret the escape sequence on a terminal: Ctrl-A x quits, Ctrl-A
 * Ctrl-A sends one Ctrl-A. Rewrites @buf in place, returns the new length.
 */
static size_t console_filter(struct console *con, uint8_t *buf, size_t len)
{
	size_t in, out = 0;

	for (in = 0; in < len; in++) {
		uint8_t c = buf[in];

		if (con->escape) {
			con->escape = false;
			if (c == CONSOLE_QUIT) {
				vm_request_stop(con->vm, 0,
						"quit from the console (Ctrl-A x)");
				return out;
			}
			if (c != CONSOLE_ESCAPE)
				buf[out++] = CONSOLE_ESCAPE;
			buf[out++] = c;
		} else if (c == CONSOLE_ESCAPE) {
			con->escape = true;
		} else {
			buf[out++] = c;
		}
	}
	return out;
}

static void console_feed(struct console *con, const uint8_t *buf, size_t len)
{
	pthread_mutex_lock(&con->lock);
	while (len && !con->stopping) {
		size_t n = serial8250_receive(&con->uart, buf, len);

		buf += n;
		len -= n;
		if (len)
			pthread_cond_wait(&con->rx_space, &con->lock);
	}
	pthread_mutex_unlock(&con->lock);
}

static int64_t console_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Forwards stdin to the guest, and writes out a partial line of the
 * guest's output CONSOLE_OUT_DELAY_MS after it began (flush_fd says one
 * did): a prompt shows up without waiting for its line to end.
 */
static void *console_thread(void *arg)
{
	struct console *con = arg;
	struct pollfd fds[3] = {
		{ .fd = con->wake_fd, .events = POLLIN },
		{ .fd = con->flush_fd, .events = POLLIN },
		{ .fd = con->in_fd, .events = POLLIN },
	};
	nfds_t nfds = 3;
	int64_t flush_at = -1;
	uint8_t buf[256];

	pthread_setname_np(pthread_self(), "console");
	for (;;) {
		int timeout = -1;
		uint64_t count;
		ssize_t n;

		if (flush_at >= 0) {
			int64_t left = flush_at - console_now_ms();

			timeout = left > 0 ? (int)left : 0;
		}
		n = poll(fds, nfds, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents)
			break;
		if (fds[1].revents && read(con->flush_fd, &count, sizeof(count)) > 0 &&
		    flush_at < 0)
			flush_at = console_now_ms() + CONSOLE_OUT_DELAY_MS;
		if (flush_at >= 0 && console_now_ms() >= flush_at) {
			console_flush(con);
			flush_at = -1;
		}
		if (nfds < 3 || !fds[2].revents)
			continue;
		n = read(con->in_fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			/* EOF or error on stdin: the guest keeps running. */
			nfds = 2;
			continue;
		}
		if (con->in_is_tty)
			n = (ssize_t)console_filter(con, buf, (size_t)n);
		console_feed(con, buf, (size_t)n);
	}
	return NULL;
}

int console_start(struct console *con)
{
	int ret = pthread_create(&con->thread, NULL, console_thread, con);

	if (ret)
		return -ret;
	con->thread_started = true;
	return 0;
}

void console_flush(struct console *con)
{
	pthread_mutex_lock(&con->lock);
	console_out_flush(&con->out);
	pthread_mutex_unlock(&con->lock);
}

void console_stop(struct console *con)
{
	uint64_t one = 1;

	if (con->thread_started) {
		pthread_mutex_lock(&con->lock);
		con->stopping = true;
		pthread_cond_broadcast(&con->rx_space);
		pthread_mutex_unlock(&con->lock);
		if (write(con->wake_fd, &one, sizeof(one)) < 0)
			pthread_cancel(con->thread);
		pthread_join(con->thread, NULL);
		con->thread_started = false;
	}
	/* The vCPUs are gone: what the guest printed last goes out now. */
	console_flush(con);
	if (con->raw) {
		tcsetattr(con->in_fd, TCSANOW, &con->saved);
		con->raw = false;
	}
	if (con->wake_fd >= 0)
		close(con->wake_fd);
	con->wake_fd = -1;
	if (con->flush_fd >= 0)
		close(con->flush_fd);
	con->flush_fd = -1;
}
