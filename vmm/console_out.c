// SPDX-License-Identifier: GPL-2.0-only
#include "console_out.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void console_out_init(struct console_out *out, int fd)
{
	out->fd = fd;
	out->len = 0;
}

void console_out_flush(struct console_out *out)
{
	const uint8_t *p = out->buf;
	size_t left = out->len;

	while (left) {
		ssize_t n = write(out->fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		left -= (size_t)n;
	}
	out->len = 0;
}

bool console_out_put(struct console_out *out, const uint8_t *buf, size_t len)
{
	bool was_empty = out->len == 0;
	size_t i;

	for (i = 0; i < len; i++) {
		out->buf[out->len++] = buf[i];
		if (buf[i] == '\n' || out->len == sizeof(out->buf)) {
			console_out_flush(out);
			was_empty = true;
		}
	}
	return was_empty && out->len > 0;
}
