/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_CLI_H
#define MINIVMM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_MAX_CPUS		254	/* MP table APIC ids; one is the IOAPIC's */
#define CLI_MAX_VFIO_USER	8
#define CLI_DEFAULT_MEMORY	(512ull << 20)
/*
 * acpi=off: the machine describes itself with an MP table (boot/mptable.h)
 * and has no ACPI tables yet; without it Linux logs an "ACPI BIOS Error"
 * while looking for them.
 */
#define CLI_DEFAULT_CMDLINE \
	"console=ttyS0 reboot=k panic=-1 acpi=off"

/* What the command line asks for; paths point into argv. */
struct vmm_options {
	const char *kernel;
	const char *initrd;
	const char *cmdline;
	unsigned int cpus;
	uint64_t memory;
	const char *vfio_user[CLI_MAX_VFIO_USER];
	unsigned int nr_vfio_user;
	bool boot_timing;	/* log writes to the boot-timing port */
	bool exit_stats;	/* print exit counters on exit */
};

enum cli_result {
	CLI_RUN = 0,		/* options are valid: run the VM */
	CLI_EXIT_OK = 1,	/* --help or --version printed: exit 0 */
	CLI_EXIT_USAGE = 2,	/* bad usage, message printed: exit 2 */
};

/*
 * cli_parse - parse minivmm's command line into @opts.
 *
 * Help and version text go to @out, one line naming the problem to @err.
 * Checks only what can be checked without touching files; the loader
 * reports unreadable or malformed files.
 */
enum cli_result cli_parse(int argc, char **argv, struct vmm_options *opts,
			  FILE *out, FILE *err);

#endif
