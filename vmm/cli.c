// SPDX-License-Identifier: GPL-2.0-only
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "boot/x86_layout.h"
#include "cli_size.h"

enum {
	OPT_KERNEL = 0x100,
	OPT_INITRD,
	OPT_CMDLINE,
	OPT_CPUS,
	OPT_MEMORY,
	OPT_VFIO_USER,
	OPT_BOOT_TIMING,
	OPT_EXIT_STATS,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option cli_options[] = {
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "vfio-user", required_argument, NULL, OPT_VFIO_USER },
	{ "boot-timing", no_argument, NULL, OPT_BOOT_TIMING },
	{ "exit-stats", no_argument, NULL, OPT_EXIT_STATS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void cli_usage(FILE *out)
{
	fprintf(out,
"Usage: minivmm --kernel PATH [options]\n"
"\n"
"Boots a Linux bzImage (x86-64) in a KVM virtual machine whose PCI devices\n"
"are vfio-user servers. The guest's serial console (ttyS0) is this\n"
"terminal.\n"
"\n"
"  --kernel PATH        the bzImage to boot (boot protocol 2.12 or later)\n"
"  --initrd PATH        an initramfs/initrd image\n"
"  --cmdline STRING     kernel command line (default:\n"
"                       \"%s\")\n"
"  --cpus N             number of vCPUs, 1-%d (default 1)\n"
"  --memory SIZE        guest RAM, e.g. 512M, 2G (default 512M)\n"
"  --vfio-user SOCKET   attach the vfio-user server at SOCKET as a PCI device\n"
"                       (repeatable, up to 8; slots 1, 2, ... in order)\n"
"  --boot-timing        log each guest write to the boot-timing port (0x%x)\n"
"                       with the time since minivmm started\n"
"  --exit-stats         print the vCPU exit counters on exit (and, with\n"
"                       --boot-timing, the MMIO and port exits so far at\n"
"                       each boot-timing write)\n"
"  --help               this text\n"
"  --version            print the version\n"
"\n"
"Console: when stdin is a terminal it is put in raw mode; type Ctrl-A x\n"
"to quit, Ctrl-A Ctrl-A to send a Ctrl-A. EOF on stdin never stops the\n"
"guest.\n"
"\n"
"Exit status: 0 when the guest reboots or powers off; the value the guest\n"
"writes to the test-exit port (0x%x) when it does; 1 on an error (a\n"
"message says which; when KVM cannot run the guest, it names KVM's reason\n"
"and prints the vCPU's registers); 2 on bad usage; 128+N when stopped by\n"
"signal N.\n",
		CLI_DEFAULT_CMDLINE, CLI_MAX_CPUS, X86_PORT_BOOT_TIMING, X86_PORT_TEST_EXIT);
}

static int parse_cpus(const char *s, unsigned int *cpus)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < 1 || v > CLI_MAX_CPUS)
		return -EINVAL;
	*cpus = (unsigned int)v;
	return 0;
}

enum cli_result cli_parse(int argc, char **argv, struct vmm_options *opts,
			  FILE *out, FILE *err)
{
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->cpus = 1;
	opts->memory = CLI_DEFAULT_MEMORY;
	opts->cmdline = CLI_DEFAULT_CMDLINE;

	/* getopt keeps its position in globals: start over for each call. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", cli_options, NULL)) != -1) {
		switch (c) {
		case OPT_KERNEL:
			opts->kernel = optarg;
			break;
		case OPT_INITRD:
			opts->initrd = optarg;
			break;
		case OPT_CMDLINE:
			opts->cmdline = optarg;
			break;
		case OPT_CPUS:
			if (parse_cpus(optarg, &opts->cpus)) {
				fprintf(err, "minivmm: --cpus must be a number from 1 to %d, not '%s'\n",
					CLI_MAX_CPUS, optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case OPT_MEMORY: {
			int ret = cli_parse_size(optarg, &opts->memory);

			if (ret) {
				fprintf(err, "minivmm: --memory '%s' is not a size (e.g. 512M, 2G)%s\n",
					optarg, ret == -ERANGE ? ": too large" : "");
				return CLI_EXIT_USAGE;
			}
			break;
		}
		case OPT_VFIO_USER:
			if (opts->nr_vfio_user == CLI_MAX_VFIO_USER) {
				fprintf(err, "minivmm: at most %d --vfio-user devices\n",
					CLI_MAX_VFIO_USER);
				return CLI_EXIT_USAGE;
			}
			opts->vfio_user[opts->nr_vfio_user++] = optarg;
			break;
		case OPT_BOOT_TIMING:
			opts->boot_timing = true;
			break;
		case OPT_EXIT_STATS:
			opts->exit_stats = true;
			break;
		case OPT_HELP:
			cli_usage(out);
			return CLI_EXIT_OK;
		case OPT_VERSION:
			fprintf(out, "minivmm %s\n", MINIVMM_VERSION);
			return CLI_EXIT_OK;
		case ':':
			fprintf(err, "minivmm: option '%s' needs a value\n",
				argv[optind - 1]);
			return CLI_EXIT_USAGE;
		default:
			fprintf(err, "minivmm: unknown option '%s' (see --help)\n",
				argv[optind - 1]);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(err, "minivmm: unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return CLI_EXIT_USAGE;
	}
	if (!opts->kernel) {
		fprintf(err, "minivmm: no kernel given: --kernel PATH is required (see --help)\n");
		return CLI_EXIT_USAGE;
	}
	return CLI_RUN;
}
