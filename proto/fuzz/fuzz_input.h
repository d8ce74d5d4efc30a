/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PROTO_FUZZ_FUZZ_INPUT_H
#define MINIVMM_PROTO_FUZZ_FUZZ_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/vu_msg.h"

/*
 * What the fuzz targets of the tree share: reading a fuzzer's input as fields, and a
 * received message made of its bytes (a header, then the body, both as
 * vu_msg_recv() would hand them over: the body malloc'd, so that a read
 * past it is an ASan report).
 */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint64_t fuzz_take(struct fuzz_in *in, size_t n)
{
	uint64_t v = 0;

	if (n > in->left)
		n = in->left;
	memcpy(&v, in->p, n);
	in->p += n;
	in->left -= n;
	return v;
}

/*
 * A message from the input: a 16-byte header whose size field is made to
 * match the body (the framing has checked it by then), up to @max_fds
 * fds (numbers only: -1), and the rest of the input as the body.
 */
static inline void fuzz_msg(struct fuzz_in *in, struct vu_msg *m,
			    unsigned int max_fds)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->hdr.msg_id = (uint16_t)fuzz_take(in, 2);
	m->hdr.command = (uint16_t)fuzz_take(in, 2);
	m->hdr.flags = (uint32_t)fuzz_take(in, 4);
	m->hdr.error = (uint32_t)fuzz_take(in, 4);
	m->nr_fds = (unsigned int)fuzz_take(in, 1) % (max_fds + 1);
	for (i = 0; i < m->nr_fds; i++)
		m->fds[i] = -1;
	m->body_len = in->left;
	m->body = in->left ? malloc(in->left) : NULL;
	if (m->body)
		memcpy(m->body, in->p, in->left);
	m->hdr.size = (uint32_t)(VFIO_USER_HDR_SIZE + m->body_len);
	in->p += in->left;
	in->left = 0;
}

#endif
