/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PROTO_VU_WHY_H
#define MINIVMM_PROTO_VU_WHY_H

#include <stdarg.h>
#include <stdio.h>

/*
 * Why a message was rejected, in words that name the command, the field
 * and the values ("REGION_WRITE count 8 exceeds the 4 data bytes
 * present"), for the one log line the caller writes. Functions of
 * proto/ that reject peer input take a struct vu_why * that may be NULL;
 * on a rejection they fill msg (always NUL-terminated), on success they
 * leave it alone.
 */
#define VU_WHY_LEN	160

struct vu_why {
	char msg[VU_WHY_LEN];
};

__attribute__((format(printf, 2, 3)))
static inline void vu_why_set(struct vu_why *why, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return;
	va_start(ap, fmt);
	vsnprintf(why->msg, sizeof(why->msg), fmt, ap);
	va_end(ap);
}

#endif
