// SPDX-License-Identifier: GPL-2.0-only
#include "exit_stats.h"

static const char *const exit_kind_names[EXIT_KIND_COUNT] = {
	[EXIT_PIO] = "pio",
	[EXIT_PIO_UNCLAIMED] = "pio_unclaimed",
	[EXIT_MMIO] = "mmio",
	[EXIT_MMIO_UNCLAIMED] = "mmio_unclaimed",
	[EXIT_HLT] = "hlt",
	[EXIT_SHUTDOWN] = "shutdown",
	[EXIT_SYSTEM_EVENT] = "system_event",
	[EXIT_INTR] = "intr",
	[EXIT_OTHER] = "other",
};

uint64_t exit_stats_get(const struct exit_stats *s, enum exit_kind k)
{
	return atomic_load_explicit(&s->count[k], memory_order_relaxed);
}

const char *exit_kind_name(enum exit_kind k)
{
	return k < EXIT_KIND_COUNT ? exit_kind_names[k] : "?";
}

void exit_stats_print(const struct exit_stats *s, FILE *out)
{
	uint64_t total = 0;
	int k;

	for (k = 0; k < EXIT_KIND_COUNT; k++) {
		uint64_t n = exit_stats_get(s, k);

		total += n;
		fprintf(out, "minivmm: exits: %-14s %llu\n", exit_kind_name(k),
			(unsigned long long)n);
	}
	fprintf(out, "minivmm: exits: %-14s %llu\n", "total",
		(unsigned long long)total);
}
