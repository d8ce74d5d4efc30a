/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_EXIT_STATS_H
#define MINIVMM_EXIT_STATS_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Counters of vCPU exits to minivmm, by reason. Exits that KVM handles in
 * the kernel (ioeventfd, irqfd, mapped memory) never reach us and are not
 * counted: that is the point, these counters show that device I/O does not
 * go through minivmm.
 */
enum exit_kind {
	EXIT_PIO,		/* port I/O handled by a device model */
	EXIT_PIO_UNCLAIMED,	/* port I/O no device claims */
	EXIT_MMIO,
	EXIT_MMIO_UNCLAIMED,
	EXIT_HLT,
	EXIT_SHUTDOWN,		/* triple fault */
	EXIT_SYSTEM_EVENT,
	EXIT_INTR,		/* KVM_RUN interrupted by a signal */
	EXIT_OTHER,
	EXIT_KIND_COUNT,
};

struct exit_stats {
	atomic_uint_fast64_t count[EXIT_KIND_COUNT];
};

static inline void exit_stats_inc(struct exit_stats *s, enum exit_kind k)
{
	atomic_fetch_add_explicit(&s->count[k], 1, memory_order_relaxed);
}

uint64_t exit_stats_get(const struct exit_stats *s, enum exit_kind k);
const char *exit_kind_name(enum exit_kind k);

/* One line per reason: "exits: pio 123", plus a total. */
void exit_stats_print(const struct exit_stats *s, FILE *out);

#endif
